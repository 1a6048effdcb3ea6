import type { StackModel } from "../model";
import { IDENTITY_POLICY_TYPES } from "../policy";
import { GuardrailRule, type Finding } from "../rule";
import { allowStatements } from "./identity-statements";

export class NoActionWildcard extends GuardrailRule {
  public readonly id = "BL-IAM-001";
  public readonly category = "iam";
  public readonly severity = "error";
  public readonly title = "Policy allows every action";
  public readonly why =
    'Action "*" (or an Allow with NotAction) grants every current and future AWS action, administrator access in all but name.';
  public readonly fix = "List the actions the principal needs.";
  public readonly resourceTypes = IDENTITY_POLICY_TYPES;

  public evaluate(model: StackModel): Finding[] {
    return allowStatements(model)
      .filter(({ statement: s }) => s.notActions !== undefined || (s.actions ?? []).some((a) => a === "*"))
      .map(({ block, where, statement: s }) => ({
        block,
        detail: `${where} allows ${s.notActions ? "NotAction (everything else)" : 'Action "*"'}`,
      }));
  }
}
