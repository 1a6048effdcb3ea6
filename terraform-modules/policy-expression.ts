/**
 * Policies as Terraform expressions, for the registry modules only. The constructs render their policies as JSON
 * text (modules/core/iam.ts `renderPolicy`); a generated module needs more: a statement that exists only when a
 * variable says so (`var.require_mfa`), and values that are Terraform lists or maps. The generator's construct
 * subclasses (./constructs.ts) render their policies through this module instead; nothing else imports it.
 */
import { conditional, Fn, Token, type IResolvable } from "../modules/core/cdktf";
import { policyDocument, type Statement } from "../modules/core/iam";

/** Statement id → the Terraform boolean that includes it. */
export type StatementConditions = Readonly<Record<string, IResolvable>>;

/**
 * The policy as `jsonencode({...})`, each statement named in `when` spliced in by `concat` only when its condition
 * holds. cdktf escapes literal `${` (IAM policy variables) in this form itself.
 */
export function renderPolicyExpression(statements: readonly Statement[], when: StatementConditions = {}): string {
  const json = policyDocument(statements).Statement;
  const groups: unknown[] = [];
  let plain: unknown[] = [];
  statements.forEach((s, i) => {
    const value = asExpression(json[i]);
    const condition = s.sid === undefined ? undefined : when[s.sid];
    if (condition === undefined) {
      plain.push(value);
      return;
    }
    if (plain.length > 0) groups.push(plain);
    plain = [];
    groups.push(conditional(condition, [value], []));
  });
  if (plain.length > 0) groups.push(plain);
  return Token.asString(
    Fn.jsonencode({
      Version: "2012-10-17",
      Statement: groups.length === 1 && Array.isArray(groups[0]) ? groups[0] : Fn.concat(groups),
    }),
  );
}

const TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;

/**
 * Inside a Terraform function call cdktf cannot interpolate a token into a longer string, so `arn:${partition}:…`
 * becomes `format("arn:%s:…", partition)`. A string that is exactly one token stays a reference.
 */
export function asExpression(v: unknown): unknown {
  if (typeof v === "string") {
    const tokens = v.match(TOKEN) ?? [];
    if (tokens.length === 0 || (tokens.length === 1 && tokens[0] === v)) return v;
    return Fn.format(
      v
        .split(TOKEN)
        .map((literal) => literal.replace(/%/g, "%%"))
        .join("%s"),
      tokens,
    );
  }
  if (Array.isArray(v)) return Token.isUnresolved(v) ? v : v.map(asExpression);
  if (v !== null && typeof v === "object" && !Token.isUnresolved(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asExpression(x)]));
  return v;
}
