import type { StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";

export class LogGroupEncrypted extends GuardrailRule {
  public readonly id = "BL-LOG-001";
  public readonly category = "logging";
  public readonly severity = "error";
  public readonly title = "Log group not encrypted with a customer managed KMS key";
  public readonly why =
    "Session transcripts contain whatever operators typed and saw; with a customer key, reading them needs kms:Decrypt on that key, which the key policy controls and CloudTrail records.";
  public readonly fix =
    "Set kms_key_id on the aws_cloudwatch_log_group to a customer managed key whose policy allows logs.<region>.amazonaws.com.";
  public readonly resourceTypes = ["aws_cloudwatch_log_group"];

  public evaluate(model: StackModel): Finding[] {
    return model
      .resources("aws_cloudwatch_log_group")
      .filter((g) => typeof g.config.kms_key_id !== "string" || g.config.kms_key_id === "")
      .map((g) => ({
        block: g,
        detail: `log group ${JSON.stringify(g.config.name ?? g.config.name_prefix ?? null)} has no kms_key_id`,
      }));
  }
}
