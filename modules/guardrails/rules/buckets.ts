/** The S3 buckets a stack manages, with the resources that configure each, for the bucket rules. */
import type { StackModel, TfBlock } from "../model";

export function bucketName(bucket: TfBlock): string {
  const name = bucket.config.bucket ?? bucket.config.bucket_prefix;
  return typeof name === "string" ? name : bucket.address;
}

/** Each managed bucket with its `type` companions (versioning, encryption, policy, ...). */
export function bucketsWith(model: StackModel, type: string): { bucket: TfBlock; companions: TfBlock[] }[] {
  return model.resources("aws_s3_bucket").map((bucket) => ({ bucket, companions: model.attachedTo(bucket, type) }));
}
