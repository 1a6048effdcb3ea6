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
import { App as CoreApp, DefaultTokenResolver, StringConcat, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves tokens in `obj` as the stack synthesizer does (references become `${aws_x.name.attr}`). */
export function resolveTokens<T>(scope: IConstruct, obj: T): T {
  return Tokenization.resolve(obj, { scope, preparing: false, resolver: RESOLVER }) as T;
}

/** cdktn's pattern for a number token written into a string (`TokenString.forNumbers`). */
const NUMBER_TOKEN_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;

/** A string that token resolution returns as it is: no token marker in it, nothing it would read as a number token. */
function isPlainString(s: string): boolean {
  return (
    !s.includes("TfToken[") &&
    !NUMBER_TOKEN_IN_STRING.test(s) &&
    s !== Token.STRING_MAP_TOKEN_VALUE &&
    s !== Token.ANY_MAP_TOKEN_VALUE
  );
}

/** A number that is not a (list or map) number token. */
function isPlainNumber(n: number): boolean {
  return n !== Token.NUMBER_MAP_TOKEN_VALUE && !Token.isUnresolved(n) && !Token.isUnresolved([n]);
}

/**
 * What `resolveTokens(scope, value)` returns, for the configuration an element renders: plain data (strings and
 * numbers that hold no token, booleans, arrays and plain objects of those) is copied here, without the undefined
 * properties and list items resolution drops; every other value (a string or number holding a token, a token object,
 * an array with a token item, an object with a token key, a class instance) is handed to `resolveTokens` as it is,
 * where token resolution would reach it. About half of what the provider classes render is unset attributes and
 * most of the rest holds no token, so most of a configuration is walked without cdktn's bookkeeping per value.
 */
export function resolveData(scope: IConstruct, value: unknown): unknown {
  const walk = (v: unknown): unknown => {
    switch (typeof v) {
      case "undefined":
      case "boolean":
        return v;
      case "string":
        return isPlainString(v) ? v : resolveTokens(scope, v);
      case "number":
        return isPlainNumber(v) ? v : resolveTokens(scope, v);
      case "object":
        break;
      default:
        return resolveTokens(scope, v); // (functions are refused there)
    }
    if (v === null || v instanceof Date) return v;
    if (Array.isArray(v)) {
      // an array with a list token in it is resolved as a whole
      const plain = v.every(
        (x) => (typeof x !== "string" || isPlainString(x)) && (typeof x !== "number" || isPlainNumber(x)),
      );
      if (!plain) return resolveTokens(scope, v);
      const out: unknown[] = [];
      for (const x of v) {
        const r = walk(x);
        if (r !== undefined) out.push(r);
      }
      return out;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if ((proto !== Object.prototype && proto !== null) || Token.isUnresolved(v)) return resolveTokens(scope, v);
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record);
    if (!keys.every(isPlainString)) return resolveTokens(scope, v);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const r = walk(record[key]);
      if (r !== undefined) out[key] = r;
    }
    return out;
  };
  return walk(value);
}

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
