import { block, blocks, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { bucketName, bucketsWith } from "./buckets";

const KMS = ["aws:kms", "aws:kms:dsse"];

export class BucketKmsEncrypted extends GuardrailRule {
  public readonly id = "BL-BKT-003";
  public readonly category = "logging";
  public readonly severity = "error";
  public readonly title = "Bucket default encryption is not SSE-KMS";
  public readonly why =
    "With SSE-KMS, reading an object also needs kms:Decrypt, so a leaked bucket permission alone does not expose state or session logs, and every decrypt is in CloudTrail.";
  public readonly fix =
    'Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm = "aws:kms" (and bucket_key_enabled = true).';
  public readonly resourceTypes = ["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const { bucket, companions } of bucketsWith(model, "aws_s3_bucket_server_side_encryption_configuration")) {
      const algorithms = companions.flatMap((c) =>
        blocks(c.config.rule).map((r) => block(r.apply_server_side_encryption_by_default)?.sse_algorithm),
      );
      if (!algorithms.some((a) => typeof a === "string" && KMS.includes(a))) {
        findings.push({
          block: bucket,
          detail: `bucket ${bucketName(bucket)} default encryption ${algorithms.length === 0 ? "not configured" : `is ${JSON.stringify(algorithms)}`}`,
        });
      }
    }
    return findings;
  }
}
