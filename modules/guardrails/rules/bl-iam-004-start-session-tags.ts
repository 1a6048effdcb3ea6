import type { StackModel } from "../model";
import { conditionsOn, IDENTITY_POLICY_TYPES } from "../policy";
import { GuardrailRule, type Finding } from "../rule";
import { allowsSessionsOnTargets, startSessionAllows } from "./start-session";

const TAG_KEY = /^(ssm:resourceTag|aws:ResourceTag)\/.+/i;
/** Operators that restrict to matching values; negated operators (StringNotEquals...) restrict nothing useful. */
const POSITIVE = /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike)$/;

export class StartSessionTagCondition extends GuardrailRule {
  public readonly id = "BL-IAM-004";
  public readonly category = "iam";
  public readonly severity = "error";
  public readonly title = "StartSession on instances without a strict tag condition";
  public readonly why =
    "Tags decide which instances an operator may reach. Without a tag condition a session is allowed on every instance; with ...IfExists an instance that lacks the tag passes the check.";
  public readonly fix =
    "Add Condition StringEquals (or StringLike) on ssm:resourceTag/<key> to every Allow of ssm:StartSession on instances, never the IfExists form.";
  public readonly resourceTypes = IDENTITY_POLICY_TYPES;

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const { block, where, statement: s } of startSessionAllows(model)) {
      if (!allowsSessionsOnTargets(s)) continue;
      const tags = conditionsOn(s, TAG_KEY);
      const ifExists = tags.filter((c) => /IfExists$/.test(c.operator));
      if (ifExists.length > 0) {
        findings.push({
          block,
          detail: `${where} uses ${ifExists.map((c) => `${c.operator} ${c.key}`).join(", ")}: an untagged instance passes`,
        });
      } else if (!tags.some((c) => POSITIVE.test(c.operator) && c.values.length > 0)) {
        findings.push({
          block,
          detail: `${where} allows ssm:StartSession on ${JSON.stringify(s.resources ?? "NotResource")} without a tag condition`,
        });
      }
    }
    return findings;
  }
}
