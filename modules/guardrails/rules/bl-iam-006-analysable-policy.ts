import type { StackModel } from "../model";
import { IDENTITY_POLICY_TYPES, identityPolicies } from "../policy";
import { GuardrailRule, type Finding } from "../rule";

export class PolicyAnalysable extends GuardrailRule {
  public readonly id = "BL-IAM-006";
  public readonly category = "iam";
  public readonly severity = "error";
  public readonly title = "Identity policy cannot be checked at synth time";
  public readonly why =
    "The IAM guardrails can only vouch for policies they can read; a policy computed by Terraform (jsonencode of a variable, a file, a merged document) would pass unchecked.";
  public readonly fix =
    "Render the policy as JSON text at synth time (bastionless renderPolicy) or use an aws_iam_policy_document data source in the same stack; otherwise suppress with the reason it is safe.";
  public readonly resourceTypes = IDENTITY_POLICY_TYPES;

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const b of model.resources(...IDENTITY_POLICY_TYPES)) {
      for (const p of identityPolicies(b, model))
        if (!p.parsed.ok) findings.push({ block: b, detail: `${p.where}: ${p.parsed.reason}` });
    }
    return findings;
  }
}
