/**
 * The baseline every bucket of this project gets (state buckets and session-log buckets alike): owner-enforced
 * ownership (no ACLs), all four public-access blocks, versioning, SSE-KMS with a bucket key, and a TLS-only policy.
 */
import {
  S3Bucket,
  S3BucketOwnershipControls,
  S3BucketPublicAccessBlock,
  S3BucketServerSideEncryptionConfigurationA,
  S3BucketVersioningA,
} from "./aws";
import type { Construct, TerraformProvider } from "./cdktf";
import type { Statement } from "./iam";
import type { IEncryptionKey } from "./kms";

export interface PrivateBucketBaselineProps {
  /** @default - the stack's default provider */
  readonly provider?: TerraformProvider;
  /** Customer-managed key for default encryption. @default - the AWS-managed aws/s3 key */
  readonly encryptionKey?: IEncryptionKey;
}

/** Adds ownership, public-access-block, encryption and versioning resources for `bucket` under `scope`. */
export function applyPrivateBucketBaseline(
  scope: Construct,
  bucket: S3Bucket,
  props: PrivateBucketBaselineProps = {},
): void {
  const { provider } = props;
  const id = bucket.id;
  new S3BucketOwnershipControls(scope, "Ownership", {
    provider,
    bucket: id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  new S3BucketPublicAccessBlock(scope, "PublicAccessBlock", {
    provider,
    bucket: id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, "Encryption", {
    provider,
    bucket: id,
    rule: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.encryptionKey?.keyArn },
        bucketKeyEnabled: true,
      },
    ],
  });
  new S3BucketVersioningA(scope, "Versioning", {
    provider,
    bucket: id,
    versioningConfiguration: { status: "Enabled" },
  });
}

/** Denies every request to the bucket and its objects that does not use TLS. */
export function denyInsecureTransport(bucketArn: string): Statement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    principals: { AWS: ["*"] },
    actions: ["s3:*"],
    resources: [bucketArn, `${bucketArn}/*`],
    conditions: { Bool: { "aws:SecureTransport": "false" } },
  };
}
