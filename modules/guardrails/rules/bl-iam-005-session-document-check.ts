import type { StackModel } from "../model";
import { conditionsOn, IDENTITY_POLICY_TYPES } from "../policy";
import { GuardrailRule, type Finding } from "../rule";
import { startSessionAllows } from "./start-session";

export class StartSessionDocumentCheck extends GuardrailRule {
  public readonly id = "BL-IAM-005";
  public readonly category = "iam";
  public readonly severity = "error";
  public readonly title = "StartSession allowed without the session document access check";
  public readonly why =
    "Without ssm:SessionDocumentAccessCheck an operator can start a session with any Session document, including ones that skip your logging preferences (AWS-StartInteractiveCommand) or tunnel anywhere.";
  public readonly fix =
    'Add Condition Bool (or BoolIfExists) ssm:SessionDocumentAccessCheck = "true" to every Allow of ssm:StartSession, and allow the documents you mean explicitly.';
  public readonly resourceTypes = IDENTITY_POLICY_TYPES;

  public evaluate(model: StackModel): Finding[] {
    return startSessionAllows(model)
      .filter(
        ({ statement: s }) =>
          !conditionsOn(s, /^ssm:SessionDocumentAccessCheck$/i).some(
            (c) => /^Bool(IfExists)?$/.test(c.operator) && c.values.includes("true"),
          ),
      )
      .map(({ block, where }) => ({
        block,
        detail: `${where} allows ssm:StartSession without ssm:SessionDocumentAccessCheck = true`,
      }));
  }
}
