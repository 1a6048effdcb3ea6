import { block, isTrue, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";

export class AuditTrailHardened extends GuardrailRule {
  public readonly id = "BL-LOG-003";
  public readonly category = "logging";
  public readonly severity = "error";
  public readonly title = "CloudTrail trail not multi-region, validated, KMS-encrypted and protected";
  public readonly why =
    "The audit alerts and any investigation rely on the trail: a single-region trail misses sessions and API calls elsewhere, without log file validation a tampered or deleted log file goes unnoticed, without a customer key anyone who can read the bucket reads the logs, and a destroyed trail stops the alerts silently.";
  public readonly fix =
    "Set is_multi_region_trail = true, include_global_service_events = true, enable_log_file_validation = true, kms_key_id to a customer managed key and lifecycle { prevent_destroy = true } on the aws_cloudtrail.";
  public readonly resourceTypes = ["aws_cloudtrail"];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const t of model.resources("aws_cloudtrail")) {
      const missing = [
        ...(isTrue(t.config.is_multi_region_trail) ? [] : ["is_multi_region_trail"]),
        // Global service events (IAM, STS, CloudFront) are only logged with this on (the default is on).
        ...(t.config.include_global_service_events === false || t.config.include_global_service_events === "false"
          ? ["include_global_service_events"]
          : []),
        ...(isTrue(t.config.enable_log_file_validation) ? [] : ["enable_log_file_validation"]),
        ...(typeof t.config.kms_key_id === "string" && t.config.kms_key_id !== "" ? [] : ["kms_key_id"]),
        ...(isTrue(block(t.config.lifecycle)?.prevent_destroy) ? [] : ["lifecycle.prevent_destroy"]),
      ];
      if (missing.length > 0)
        findings.push({
          block: t,
          detail: `trail ${JSON.stringify(t.config.name ?? null)} lacks ${missing.join(", ")}`,
        });
    }
    return findings;
  }
}
