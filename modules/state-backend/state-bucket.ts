import { DynamodbTable, S3Bucket, S3BucketLifecycleConfiguration, S3BucketPolicy } from "../core/aws";
import { Construct, type TerraformProvider } from "../core/cdktf";
import { renderPolicy } from "../core/iam";
import { applyPrivateBucketBaseline, denyInsecureTransport } from "../core/private-bucket";
import { DEFAULT_NONCURRENT_EXPIRE_DAYS } from "../core/defaults";

export interface StateBucketProps {
  readonly bucketName: string;
  /** Days before noncurrent state versions are deleted. @default DEFAULT_NONCURRENT_EXPIRE_DAYS (90) */
  readonly noncurrentVersionDays?: number;
  /** Also create a DynamoDB lock table with this name. @default - S3-native locking only */
  readonly lockTableName?: string;
  /** Provider (account/region) to create the bucket with. @default - the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * A Terraform state bucket: versioned, encrypted, private, owner-enforced, TLS-only, old versions expired,
 * and protected from `terraform destroy` (`prevent_destroy`).
 */
export class StateBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly lockTable?: DynamodbTable;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionDays ?? DEFAULT_NONCURRENT_EXPIRE_DAYS;
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1)
      throw new Error(
        `StateBucket: noncurrentVersionDays ${noncurrentDays} is out of range; allowed: whole days from 1 (S3 lifecycle)`,
      );
    const provider = props.provider;
    this.bucket = new S3Bucket(this, "Resource", {
      provider,
      bucket: props.bucketName,
      lifecycle: { preventDestroy: true },
    });
    const bucket = this.bucket.id;
    applyPrivateBucketBaseline(this, this.bucket, { provider });
    new S3BucketPolicy(this, "Policy", {
      provider,
      bucket,
      policy: renderPolicy([denyInsecureTransport(this.bucket.arn)]),
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      provider,
      bucket,
      rule: [
        {
          id: "expire-noncurrent-state",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    if (props.lockTableName) {
      this.lockTable = new DynamodbTable(this, "LockTable", {
        provider,
        name: props.lockTableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled: true,
        lifecycle: { preventDestroy: true },
      });
    }
  }
}
