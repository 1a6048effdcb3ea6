import { SSM_AGENT_CHANNEL_ACTIONS, SSM_AGENT_LEGACY_MESSAGE_ACTIONS } from "../../core/ssm-agent";
import type { StackModel } from "../model";
import { isWriteAction, onAllResources, IDENTITY_POLICY_TYPES } from "../policy";
import { GuardrailRule, type Finding } from "../rule";
import { allowStatements } from "./identity-statements";

/** The SSM Agent actions that have no resource-level permissions: the documented exemption. */
const CHANNEL = new Set(
  [...SSM_AGENT_CHANNEL_ACTIONS, ...SSM_AGENT_LEGACY_MESSAGE_ACTIONS].map((a) => a.toLowerCase()),
);

export class NoWildcardResourceWrite extends GuardrailRule {
  public readonly id = "BL-IAM-002";
  public readonly category = "iam";
  public readonly severity = "error";
  public readonly title = "Policy allows write actions on every resource";
  public readonly why =
    'A write action on Resource "*" reaches every resource of that service in the account, including ones created later; only the SSM agent\'s channel actions, which have no resource-level permissions, are exempt.';
  public readonly fix =
    'Scope Resource to the ARNs the principal must change (or split read-only actions, which may stay on "*", into their own statement).';
  public readonly resourceTypes = IDENTITY_POLICY_TYPES;

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const { block, where, statement: s } of allowStatements(model)) {
      if (!onAllResources(s) || s.actions === undefined) continue; // NotAction is BL-IAM-001's
      const writes = s.actions.filter((a) => a !== "*" && isWriteAction(a) && !CHANNEL.has(a.toLowerCase()));
      if (writes.length > 0)
        findings.push({
          block,
          detail: `${where} allows ${writes.join(", ")} on ${s.notResources ? "NotResource" : '"*"'}`,
        });
    }
    return findings;
  }
}
