import type { StackModel } from "../model";
import { GuardrailRule, type Finding, type GuardrailOptions } from "../rule";

export class LogRetentionMinimum extends GuardrailRule {
  public readonly id = "BL-LOG-002";
  public readonly category = "logging";
  public readonly severity = "error";
  public readonly title = "Log group keeps logs for less than the environment's minimum";
  public readonly why =
    "Audit and incident questions arrive months later; the environment sets how long session and flow logs must be kept (guardrails.minLogRetentionDays, default 365).";
  public readonly fix =
    "Raise the log group's retention to at least the minimum (in an environment file: logging.cloudWatch.retentionDays or the VPC's flowLogRetentionDays, one of the values CloudWatch Logs accepts), or lower guardrails.minLogRetentionDays for the environment.";
  public readonly resourceTypes = ["aws_cloudwatch_log_group"];

  public evaluate(model: StackModel, options: Required<GuardrailOptions>): Finding[] {
    const findings: Finding[] = [];
    for (const g of model.resources("aws_cloudwatch_log_group")) {
      const days = g.config.retention_in_days;
      if (days === undefined || days === 0) continue; // never expire
      if (typeof days !== "number" || days < options.minLogRetentionDays) {
        findings.push({
          block: g,
          detail: `retention_in_days = ${JSON.stringify(days)}, minimum ${options.minLogRetentionDays}`,
        });
      }
    }
    return findings;
  }
}
