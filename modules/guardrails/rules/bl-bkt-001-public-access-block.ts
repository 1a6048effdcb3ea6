import { isTrue, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { bucketName, bucketsWith } from "./buckets";

const SETTINGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

export class BucketPublicAccessBlocked extends GuardrailRule {
  public readonly id = "BL-BKT-001";
  public readonly category = "logging";
  public readonly severity = "error";
  public readonly title = "Bucket without a full public access block";
  public readonly why =
    "State and session logs must never be public; the bucket-level public access block stops a later policy or ACL from exposing them, whatever the account setting.";
  public readonly fix = "Add an aws_s3_bucket_public_access_block for the bucket with all four settings true.";
  public readonly resourceTypes = ["aws_s3_bucket", "aws_s3_bucket_public_access_block"];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const { bucket, companions } of bucketsWith(model, "aws_s3_bucket_public_access_block")) {
      if (companions.length === 0) {
        findings.push({ block: bucket, detail: `bucket ${bucketName(bucket)} has no public access block` });
        continue;
      }
      const off = SETTINGS.filter((s) => !companions.some((c) => isTrue(c.config[s])));
      if (off.length > 0)
        findings.push({ block: bucket, detail: `bucket ${bucketName(bucket)}: ${off.join(", ")} not true` });
    }
    return findings;
  }
}
