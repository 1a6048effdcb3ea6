import type { StackModel } from "../model";
import { coversAction, onAllResources, IDENTITY_POLICY_TYPES } from "../policy";
import { GuardrailRule, type Finding } from "../rule";
import { allowStatements } from "./identity-statements";

export class NoPassRoleOnAll extends GuardrailRule {
  public readonly id = "BL-IAM-003";
  public readonly category = "iam";
  public readonly severity = "error";
  public readonly title = "iam:PassRole allowed on every role";
  public readonly why =
    "Passing any role to a service (an instance profile, a Lambda function) is privilege escalation to the most powerful role in the account.";
  public readonly fix =
    "Scope iam:PassRole to the role ARNs the principal must pass, and add a Condition on iam:PassedToService.";
  public readonly resourceTypes = IDENTITY_POLICY_TYPES;

  public evaluate(model: StackModel): Finding[] {
    return allowStatements(model)
      .filter(({ statement: s }) => coversAction(s, "iam:PassRole") && onAllResources(s))
      .map(({ block, where }) => ({ block, detail: `${where} allows iam:PassRole on every role` }));
  }
}
