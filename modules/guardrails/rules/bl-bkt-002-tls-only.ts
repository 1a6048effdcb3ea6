import type { StackModel } from "../model";
import { coversAction, parsePolicy } from "../policy";
import { GuardrailRule, type Finding } from "../rule";
import { bucketName, bucketsWith } from "./buckets";

export class BucketTlsOnly extends GuardrailRule {
  public readonly id = "BL-BKT-002";
  public readonly category = "logging";
  public readonly severity = "error";
  public readonly title = "Bucket policy does not deny requests without TLS";
  public readonly why =
    "S3 still accepts plain HTTP; only a bucket policy that denies aws:SecureTransport = false guarantees that state and logs never cross the network in clear text.";
  public readonly fix =
    "Add a bucket policy statement: Effect Deny, Principal *, Action s3:*, the bucket and bucket/* as Resource, Condition Bool aws:SecureTransport = false.";
  public readonly resourceTypes = ["aws_s3_bucket", "aws_s3_bucket_policy"];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const { bucket, companions } of bucketsWith(model, "aws_s3_bucket_policy")) {
      const problems: string[] = [];
      const denies = companions.some((p) => {
        const parsed = parsePolicy(p.config.policy, model);
        if (!parsed.ok) {
          problems.push(`${p.address}: ${parsed.reason}`);
          return false;
        }
        return parsed.statements.some(
          (s) =>
            s.effect === "Deny" &&
            coversAction(s, "s3:GetObject") &&
            coversAction(s, "s3:PutObject") &&
            s.conditions.some(
              (c) =>
                /^Bool(IfExists)?$/.test(c.operator) &&
                c.key.toLowerCase() === "aws:securetransport" &&
                c.values.includes("false"),
            ),
        );
      });
      if (!denies) {
        const why =
          companions.length === 0
            ? "has no bucket policy"
            : problems.length > 0
              ? `policy cannot be checked (${problems.join("; ")})`
              : "policy has no Deny on aws:SecureTransport = false for all S3 actions";
        findings.push({ block: bucket, detail: `bucket ${bucketName(bucket)} ${why}` });
      }
    }
    return findings;
  }
}
