import { block, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { bucketName, bucketsWith } from "./buckets";

export class BucketAclsDisabled extends GuardrailRule {
  public readonly id = "BL-BKT-005";
  public readonly category = "logging";
  public readonly severity = "error";
  public readonly title = "Bucket ACLs not disabled";
  public readonly why =
    "With ACLs enabled, objects written by another account (or granted by an ACL) escape the bucket policy; BucketOwnerEnforced makes the policy the only access control.";
  public readonly fix =
    'Add an aws_s3_bucket_ownership_controls with object_ownership = "BucketOwnerEnforced" and remove any aws_s3_bucket_acl.';
  public readonly resourceTypes = ["aws_s3_bucket", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_acl"];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const { bucket, companions } of bucketsWith(model, "aws_s3_bucket_ownership_controls")) {
      if (!companions.some((c) => block(c.config.rule)?.object_ownership === "BucketOwnerEnforced")) {
        findings.push({
          block: bucket,
          detail: `bucket ${bucketName(bucket)} object ownership is not BucketOwnerEnforced`,
        });
      }
      for (const acl of model.attachedTo(bucket, "aws_s3_bucket_acl"))
        findings.push({ block: acl, detail: `ACL set on bucket ${bucketName(bucket)}` });
      if (bucket.config.acl !== undefined)
        findings.push({ block: bucket, detail: `acl = ${JSON.stringify(bucket.config.acl)}` });
    }
    return findings;
  }
}
