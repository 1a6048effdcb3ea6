/**
 * The only place (with `aws.ts`) that imports the CDK core. `"cdktf"` here is CDK Terrain (cdktn 0.24), the
 * maintained fork of CDK for Terraform, installed under the cdktf name (package.json: `"cdktf": "npm:cdktn@0.24.0"`).
 * The name matters: @cdktf/provider-aws 20.x (the bindings of AWS provider 5.x) itself does `require("cdktf")`, so
 * with the alias the provider classes and this project resolve ONE copy of the core, one construct tree whose
 * tokens, aspects and validations all work. Importing `"cdktn"` next to it would load a second copy.
 *
 * Moving to @cdktn/provider-aws (AWS provider 6.x, whose bindings `require("cdktn")`): replace the alias by
 * `"cdktn": "0.24.x"` in package.json, change the three `from "cdktf"` below to `from "cdktn"`, and follow aws.ts.
 */
export {
  Annotations,
  App,
  Aspects,
  CloudBackend,
  DataTerraformRemoteState,
  Fn,
  LocalBackend,
  NamedCloudWorkspace,
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
  ITerraformIterator,
  ITerraformDependable,
  S3BackendConfig,
  TerraformProvider,
  TerraformResourceLifecycle,
} from "cdktf";
export { Construct } from "constructs";
export type { IConstruct } from "constructs";
import { App as CoreApp, DefaultTokenResolver, StringConcat, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves tokens in `obj` as the stack synthesizer does (references become `${aws_x.name.attr}`). */
export function resolveTokens<T>(scope: IConstruct, obj: T): T {
  return Tokenization.resolve(obj, { scope, preparing: false, resolver: RESOLVER }) as T;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `value` without the object properties that are undefined, which token resolution drops anyway, so it walks and
 * resolves only what is set (about half of what the provider classes render is unset attributes). Only plain data
 * is rebuilt: tokens, constructs and every other class instance are kept as they are, and a key that could be a
 * token (anything but a plain name) is kept with its value, so the resolved result is exactly the same.
 */
export function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== "object" || PRUNED.has(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.resolve === "function") return value; // a token written as an object literal
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (v === undefined && PLAIN_KEY.test(key)) continue;
    out[key] = withoutUndefined(v);
  }
  PRUNED.add(out);
  return out;
}

/** Objects withoutUndefined made (a second call returns them as they are). */
const PRUNED = new WeakSet<object>();

/**
 * Throws when `scope` lives in an App of another copy of the CDK core, e.g. an app that imports `cdktn` while this
 * library and the provider bindings import the `cdktf` alias. Both copies build one construct tree and share tokens,
 * but an App runs only the aspects of its own copy: guardrails added from here would silently never run.
 */
export function assertSameCore(scope: IConstruct, what: string): void {
  const root = scope.node.root;
  if (CoreApp.isApp(root) && !(root instanceof CoreApp)) {
    throw new Error(
      `${what}: the App of ${scope.node.path || "this construct"} comes from another copy of the CDK core than ` +
        `bastionless's, so its synth would never run bastionless's aspects. Import App and TerraformStack from "cdktf" ` +
        `(the npm alias of cdktn that bastionless and @cdktf/provider-aws use) and keep one copy of the core installed.`,
    );
  }
}
