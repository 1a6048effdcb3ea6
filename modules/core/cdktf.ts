/**
 * The only place (with `aws.ts`) that imports the CDK for Terraform runtime, so a later switch to its fork
 * (cdktn: `cdktf` → `cdktn`) is a change to two files.
 */
export {
  Annotations,
  App,
  Aspects,
  DataTerraformRemoteState,
  Fn,
  LocalBackend,
  Lazy,
  Op,
  S3Backend,
  TerraformDataSource,
  TerraformElement,
  TerraformIterator,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Testing,
  Token,
} from "cdktf";
export { conditional, ref } from "cdktf";
export type {
  IAspect,
  IResolvable,
  ITerraformDependable,
  S3BackendConfig,
  TerraformProvider,
  TerraformResourceLifecycle,
} from "cdktf";
export { Construct } from "constructs";
export type { IConstruct } from "constructs";
import { DefaultTokenResolver, StringConcat, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves tokens in `obj` as the stack synthesizer does (references become `${aws_x.name.attr}`). */
export function resolveTokens<T>(scope: IConstruct, obj: T): T {
  return Tokenization.resolve(obj, { scope, preparing: false, resolver: RESOLVER }) as T;
}
