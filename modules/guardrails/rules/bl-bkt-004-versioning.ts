import { block, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { bucketName, bucketsWith } from "./buckets";

export class BucketVersioned extends GuardrailRule {
  public readonly id = "BL-BKT-004";
  public readonly category = "logging";
  public readonly severity = "error";
  public readonly title = "Bucket versioning not enabled";
  public readonly why =
    "Versioning is what lets an overwritten or deleted state file or session log be recovered; it is also required for S3 Object Lock.";
  public readonly fix =
    'Add an aws_s3_bucket_versioning for the bucket with versioning_configuration { status = "Enabled" }.';
  public readonly resourceTypes = ["aws_s3_bucket", "aws_s3_bucket_versioning"];

  public evaluate(model: StackModel): Finding[] {
    return bucketsWith(model, "aws_s3_bucket_versioning")
      .filter(
        ({ companions }) => !companions.some((v) => block(v.config.versioning_configuration)?.status === "Enabled"),
      )
      .map(({ bucket }) => ({ block: bucket, detail: `bucket ${bucketName(bucket)} is not versioned` }));
  }
}
