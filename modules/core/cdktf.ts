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
  S3Backend,
  TerraformElement,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Testing,
  Token,
} from "cdktf";
export type { IAspect, ITerraformDependable, S3BackendConfig, TerraformProvider, TerraformResourceLifecycle } from "cdktf";
export { Construct } from "constructs";
export type { IConstruct } from "constructs";
