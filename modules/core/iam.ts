/**
 * The small IAM kernel every module shares: typed policy statements, one renderer that turns them into the
 * JSON text Terraform receives, and the grant interface resources use to give principals access.
 *
 * Policies are rendered as JSON text (not through the `aws_iam_policy_document` data source) so that they show
 * in a pull request's synth diff and can be evaluated offline by an IAM simulator. (The Terraform registry module
 * generator renders them as `jsonencode(...)` expressions instead, by giving the principals its own `PolicyRenderer`
 * from terraform-modules/policy-expression.ts.)
 */
import { Lazy, Token } from "./cdktf";

export type Effect = "Allow" | "Deny";

export type ConditionOperator =
  | "StringEquals"
  | "StringNotEquals"
  | "StringLike"
  | "StringNotLike"
  | "StringEqualsIfExists"
  | "StringNotEqualsIfExists"
  | "ArnLike"
  | "ArnEquals"
  | "ArnNotLike"
  | "ArnNotEquals"
  | "Bool"
  | "BoolIfExists"
  | "IpAddress"
  | "NotIpAddress"
  | "Null"
  | "NumericGreaterThanEquals"
  | "NumericLessThanEquals"
  | "DateLessThan"
  | "ForAnyValue:StringEquals"
  | "ForAllValues:StringEquals"
  | "ForAnyValue:StringEqualsIgnoreCase";

export type Conditions = Partial<Record<ConditionOperator, Record<string, string | string[]>>>;

export interface Principals {
  readonly AWS?: string[];
  readonly Service?: string[];
  /** An identity provider (e.g. an IAM OIDC provider ARN) for sts:AssumeRoleWithWebIdentity. */
  readonly Federated?: string[];
}

/** One IAM policy statement. Exactly one of `actions`/`notActions` and at most one of `resources`/`notResources`. */
export interface Statement {
  readonly sid?: string;
  readonly effect: Effect;
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principals?: Principals;
  readonly conditions?: Conditions;
}

/** IAM policy variables, written as IAM expects them; the renderer escapes them for Terraform. */
export const PolicyVariable = {
  USER_ID: "${aws:userid}",
  USERNAME: "${aws:username}",
} as const;

/** A list token (a Terraform list variable or expression) is one encoded element: `["#{TfToken[...]}"]`. */
const isListToken = (values: readonly string[]) =>
  values.length === 1 && typeof values[0] === "string" && values[0].startsWith("#{TfToken[");
/** A single value as a string, several (or a list token) as a list. */
const one = (values: readonly string[]) => (values.length === 1 && !isListToken(values) ? values[0] : [...values]);

function toJson(s: Statement): Record<string, unknown> {
  if (!s.actions === !s.notActions)
    throw new Error(`statement ${s.sid ?? ""}: give exactly one of actions or notActions`);
  const out: Record<string, unknown> = {};
  if (s.sid) out.Sid = s.sid;
  out.Effect = s.effect;
  if (s.principals)
    out.Principal = Object.fromEntries(Object.entries(s.principals).map(([k, v]) => [k, one(v as string[])]));
  if (s.actions) out.Action = one(s.actions);
  if (s.notActions) out.NotAction = one(s.notActions);
  if (s.resources) out.Resource = one(s.resources);
  if (s.notResources) out.NotResource = one(s.notResources);
  if (s.conditions && Object.keys(s.conditions).length > 0) {
    out.Condition = Object.fromEntries(
      Object.entries(s.conditions).map(([op, kv]) => [
        op,
        // A whole key→values map can come from Terraform (e.g. a for expression over a map variable).
        Token.isUnresolved(kv)
          ? kv
          : Object.fromEntries(Object.entries(kv!).map(([k, v]) => [k, Array.isArray(v) ? one(v) : v])),
      ]),
    );
  }
  return out;
}

/** The policy document as an object (for tests and guardrails that read it without Terraform). */
export function policyDocument(statements: readonly Statement[]): {
  Version: string;
  Statement: Record<string, unknown>[];
} {
  return { Version: "2012-10-17", Statement: statements.map(toJson) };
}

/**
 * Renders statements as policy JSON for Terraform. `${…}` that is not a cdktf token (an IAM policy variable such as
 * `${aws:userid}`) is escaped as `$${…}`, so Terraform passes it to IAM literally instead of interpolating it.
 */
export function renderPolicy(statements: readonly Statement[]): string {
  return escapePolicyVariables(JSON.stringify(policyDocument(statements), null, 2));
}

/**
 * How a construct writes its policy statements into Terraform: `renderPolicy` (JSON text) unless told otherwise. A
 * strategy prop of the principals (`ServiceRole`, `AccessGroup`); the registry module generator gives one that
 * renders a Terraform expression whose statements depend on variables.
 */
export type PolicyRenderer = (statements: readonly Statement[]) => string;

/** Escapes `${` → `$${` except in unresolved cdktf tokens (`${TfToken[…]}`), which become Terraform references. */
export function escapePolicyVariables(json: string): string {
  return json.replace(/(?<!\$)\$\{(?!TfToken\[)/g, () => "$${");
}

/** Something that can receive permissions: an IAM role, group, or permission set. */
export interface IGrantable {
  /** Adds a statement to this principal's identity policy. */
  addToPrincipalPolicy(statement: Statement): void;
}

/**
 * Collects statements and renders them lazily, so grants added after construction still reach the policy.
 * Used by every principal in this project.
 */
export class StatementCollector implements IGrantable {
  private readonly items: Statement[] = [];

  public addToPrincipalPolicy(statement: Statement): void {
    this.items.push(statement);
  }

  public get statements(): readonly Statement[] {
    return this.items;
  }

  public get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** A string token that renders to the policy JSON at synth time (with `render`, default `renderPolicy`). */
  public lazyDocument(render: PolicyRenderer = renderPolicy): string {
    return Lazy.stringValue({ produce: () => render(this.items) });
  }
}

/** ARN helpers for resources whose ARN must be known before the resource exists (e.g. inside a key policy). */
export interface AccountScope {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
}

export function arn(
  scope: AccountScope,
  service: string,
  resource: string,
  opts: { region?: string; account?: string } = {},
): string {
  const region = opts.region ?? scope.region;
  const account = opts.account ?? scope.account;
  return `arn:${scope.partition ?? "aws"}:${service}:${region}:${account}:${resource}`;
}

/** Adds one Allow statement to a principal: the single primitive behind every intent-named grant method. */
export function grant(
  grantee: IGrantable,
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  conditions?: Conditions,
): Statement {
  const statement: Statement = { sid, effect: "Allow", actions, resources, conditions };
  grantee.addToPrincipalPolicy(statement);
  return statement;
}
