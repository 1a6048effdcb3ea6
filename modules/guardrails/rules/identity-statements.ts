/** Every statement of every identity policy in a stack, for the IAM rules. */
import type { StackModel, TfBlock } from "../model";
import { IDENTITY_POLICY_TYPES, identityPolicies, type PolicyStatement } from "../policy";

export interface LocatedStatement {
  readonly block: TfBlock;
  /** `policy statement Foo` or `inline_policy[0] statement 2`, for the finding. */
  readonly where: string;
  readonly statement: PolicyStatement;
}

export function identityStatements(model: StackModel): LocatedStatement[] {
  return model.memo("identityStatements", () => collect(model));
}

function collect(model: StackModel): LocatedStatement[] {
  const out: LocatedStatement[] = [];
  for (const b of model.resources(...IDENTITY_POLICY_TYPES)) {
    for (const p of identityPolicies(b, model)) {
      if (p.parsed.ok)
        for (const statement of p.parsed.statements)
          out.push({ block: b, where: `${p.where} ${statement.label}`, statement });
    }
  }
  return out;
}

export const allowStatements = (model: StackModel) =>
  identityStatements(model).filter((s) => s.statement.effect === "Allow");
