/**
 * IAM policy documents as guardrails read them: JSON text (what this project renders) or an
 * `aws_iam_policy_document` data source in the same stack, normalized to lists. Anything else (a `jsonencode`
 * call, a variable, a file) cannot be checked at synth time and is reported as such rather than passed.
 */
import { blocks, references, strings, type Json, type StackModel } from "./model";

export interface PolicyCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

export interface PolicyStatement {
  readonly label: string;
  readonly effect: "Allow" | "Deny";
  readonly actions?: string[];
  readonly notActions?: string[];
  readonly resources?: string[];
  readonly notResources?: string[];
  readonly conditions: PolicyCondition[];
}

export type ParsedPolicy = { ok: true; statements: PolicyStatement[] } | { ok: false; reason: string };

const list = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map((x) => String(x));

function fromJson(text: string): ParsedPolicy {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(text) as { Statement?: unknown };
  } catch {
    return {
      ok: false,
      reason: `the policy is not JSON text (${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)})`,
    };
  }
  const raw = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  const statements = (raw as Record<string, unknown>[]).map((s, i): PolicyStatement => {
    const conditions: PolicyCondition[] = [];
    for (const [operator, kv] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [key, v] of Object.entries(kv)) conditions.push({ operator, key, values: list(v) ?? [] });
    }
    return {
      label: typeof s.Sid === "string" && s.Sid ? `statement ${s.Sid}` : `statement ${i}`,
      effect: s.Effect === "Deny" ? "Deny" : "Allow",
      actions: list(s.Action),
      notActions: list(s.NotAction),
      resources: list(s.Resource),
      notResources: list(s.NotResource),
      conditions,
    };
  });
  return { ok: true, statements };
}

function fromDocumentDataSource(config: Record<string, Json>): PolicyStatement[] {
  return blocks(config.statement).map((s, i) => ({
    label: typeof s.sid === "string" && s.sid ? `statement ${s.sid}` : `statement ${i}`,
    effect: s.effect === "Deny" ? "Deny" : "Allow",
    actions: s.actions === undefined ? undefined : strings(s.actions),
    notActions: s.not_actions === undefined ? undefined : strings(s.not_actions),
    resources: s.resources === undefined ? undefined : strings(s.resources),
    notResources: s.not_resources === undefined ? undefined : strings(s.not_resources),
    conditions: blocks(s.condition).map((c) => ({
      operator: String(c.test),
      key: String(c.variable),
      values: strings(c.values),
    })),
  }));
}

/** Parses a policy attribute value. */
export function parsePolicy(value: Json | undefined, model: StackModel): ParsedPolicy {
  if (typeof value !== "string") return { ok: false, reason: "the policy is not a string" };
  const trimmed = value.trim();
  const whole = /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(json|minified_json)\}$/.exec(trimmed);
  if (whole) {
    const doc = model.find(whole[1]);
    if (!doc) return { ok: false, reason: `${whole[1]} is not in this stack` };
    if (doc.config.source_policy_documents !== undefined || doc.config.override_policy_documents !== undefined) {
      return { ok: false, reason: `${whole[1]} merges other documents` };
    }
    return { ok: true, statements: fromDocumentDataSource(doc.config) };
  }
  if (!trimmed.startsWith("{") && references(trimmed).length > 0) {
    return {
      ok: false,
      reason: `the policy is computed by Terraform (${trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed})`,
    };
  }
  return fromJson(trimmed);
}

type Matcher = (value: string) => boolean;

/**
 * Compiled wildcard patterns, one map per case mode: the rules match the same few hundred action patterns in every
 * stack, most of them without a wildcard or with one trailing `*`, which need no regular expression.
 */
const MATCHERS = { i: new Map<string, Matcher>(), s: new Map<string, Matcher>() };

function compile(pattern: string, caseInsensitive: boolean): Matcher {
  const fold = caseInsensitive ? (v: string) => v.toLowerCase() : (v: string) => v;
  const p = fold(pattern);
  const star = p.indexOf("*");
  if (p.indexOf("?") < 0) {
    if (star < 0) return (v) => fold(v) === p;
    if (star === p.length - 1) {
      if (star === 0) return () => true;
      const prefix = p.slice(0, -1);
      return (v) => fold(v).startsWith(prefix);
    }
  }
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    caseInsensitive ? "i" : "",
  );
  return (v) => re.test(v);
}

/** IAM's wildcard match (`*` any run, `?` one character), case-insensitive as IAM compares action names. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = true): boolean {
  const cache = caseInsensitive ? MATCHERS.i : MATCHERS.s;
  let matcher = cache.get(pattern);
  if (!matcher) {
    matcher = compile(pattern, caseInsensitive);
    if (cache.size >= 10000) cache.clear(); // a bound for long-lived processes
    cache.set(pattern, matcher);
  }
  return matcher(value);
}

/** Whether the statement's action list (or NotAction list) covers `action`. */
export function coversAction(s: PolicyStatement, action: string): boolean {
  if (s.actions) return s.actions.some((a) => wildcardMatch(a, action));
  if (s.notActions) return !s.notActions.some((a) => wildcardMatch(a, action));
  return false;
}

const READ_VERBS = /^(Get|List|Describe|View|Search|Query|Lookup|Scan|Select|BatchGet|Check|Validate|Estimate)/i;

/**
 * Whether an action (or action pattern) can change something. Read-only means the verb part starts with a
 * read verb (`Get`, `List`, `Describe`, ...); anything else, including `*` and `s3:*`, counts as a write. This is a
 * conservative approximation of IAM's access levels that needs no action catalogue.
 */
export function isWriteAction(action: string): boolean {
  if (action === "*") return true;
  const verb = action.split(":")[1] ?? "";
  return !READ_VERBS.test(verb);
}

/** The statement applies to every resource: `Resource: "*"` or any `NotResource`. */
export function onAllResources(s: PolicyStatement): boolean {
  return s.notResources !== undefined || (s.resources ?? []).includes("*");
}

/** The condition keys of a statement, with their operators. */
export function conditionsOn(s: PolicyStatement, key: RegExp): PolicyCondition[] {
  return s.conditions.filter((c) => key.test(c.key));
}

/** Policy-carrying attributes of identity-based policies (IAM users, groups, roles, Identity Center). */
export const IDENTITY_POLICIES: ReadonlyArray<{ type: string; attribute: string }> = [
  { type: "aws_iam_policy", attribute: "policy" },
  { type: "aws_iam_role_policy", attribute: "policy" },
  { type: "aws_iam_group_policy", attribute: "policy" },
  { type: "aws_iam_user_policy", attribute: "policy" },
  { type: "aws_ssoadmin_permission_set_inline_policy", attribute: "inline_policy" },
];

export interface IdentityPolicy {
  readonly where: string;
  readonly parsed: ParsedPolicy;
}

/** Every identity policy in a block, including `inline_policy` blocks of `aws_iam_role`. */
export function identityPolicies(
  b: { type: string; config: Record<string, Json> },
  model: StackModel,
): IdentityPolicy[] {
  const out: IdentityPolicy[] = [];
  for (const p of IDENTITY_POLICIES)
    if (p.type === b.type) out.push({ where: p.attribute, parsed: parsePolicy(b.config[p.attribute], model) });
  if (b.type === "aws_iam_role") {
    blocks(b.config.inline_policy).forEach((ip, i) => {
      if (ip.policy !== undefined)
        out.push({
          where: typeof ip.name === "string" ? `inline_policy[${i}] (${ip.name})` : `inline_policy[${i}]`,
          parsed: parsePolicy(ip.policy, model),
        });
    });
  }
  return out;
}

export const IDENTITY_POLICY_TYPES = [...IDENTITY_POLICIES.map((p) => p.type), "aws_iam_role"];
