import type { StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { preferencesDocuments } from "./session-documents";

export class SessionsLoggedEncrypted extends GuardrailRule {
  public readonly id = "BL-SES-001";
  public readonly category = "session";
  public readonly severity = "error";
  public readonly title = "Session preferences do not log to an encrypted destination";
  public readonly why =
    "Without a logging destination a session leaves no transcript; without encryption enforced, Session Manager also writes to a destination that is not encrypted.";
  public readonly fix =
    "In the preferences document set s3BucketName with s3EncryptionEnabled: true, or cloudWatchLogGroupName with cloudWatchEncryptionEnabled: true (bastionless: logging.s3 / logging.cloudWatch).";
  public readonly resourceTypes = ["aws_ssm_document"];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const { block, inputs } of preferencesDocuments(model)) {
      if (typeof inputs === "string") {
        findings.push({ block, detail: inputs });
        continue;
      }
      const s3 =
        typeof inputs.s3BucketName === "string" && inputs.s3BucketName !== "" && inputs.s3EncryptionEnabled === true;
      const cw =
        typeof inputs.cloudWatchLogGroupName === "string" &&
        inputs.cloudWatchLogGroupName !== "" &&
        inputs.cloudWatchEncryptionEnabled === true;
      if (!s3 && !cw) {
        const named = [inputs.s3BucketName, inputs.cloudWatchLogGroupName].some(
          (v) => typeof v === "string" && v !== "",
        );
        findings.push({
          block,
          detail: named
            ? "a destination is named but its encryption flag (s3EncryptionEnabled / cloudWatchEncryptionEnabled) is not true"
            : "no s3BucketName and no cloudWatchLogGroupName",
        });
      }
    }
    return findings;
  }
}
