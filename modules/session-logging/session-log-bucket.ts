import {
  S3Bucket,
  S3BucketLifecycleConfiguration,
  S3BucketLoggingA,
  S3BucketObjectLockConfigurationA,
  S3BucketPolicy,
} from "../core/aws";
import { Construct, Token } from "../core/cdktf";
import { grant, renderPolicy, type IGrantable, type Statement } from "../core/iam";
import { applyPrivateBucketBaseline, denyInsecureTransport } from "../core/private-bucket";
import type { IEncryptionKey } from "../core/kms";
import { cloudTrailBucketStatements } from "./audit-trail";

export interface SessionLogBucketProps {
  readonly bucketName: string;
  /** The key objects are encrypted with (SSE-KMS, bucket key); uploads naming another key are denied. */
  readonly encryptionKey: IEncryptionKey;
  /** Delete current objects after this many days. */
  readonly expireDays: number;
  readonly noncurrentExpireDays: number;
  /** @default - no transition */
  readonly transitionToInfrequentAccessDays?: number;
  /** @default - no Object Lock */
  readonly objectLock?: { readonly mode: "GOVERNANCE" | "COMPLIANCE"; readonly days: number };
  /** Existing bucket for S3 server access logs. @default - no access logging */
  readonly accessLogBucket?: string;
  /**
   * A trail that delivers into this bucket (`AuditTrail`), admitted by the bucket policy for its own ARN and
   * `AWSLogs/<account>/` only. @default - CloudTrail may not write here
   */
  readonly cloudTrail?: { readonly trailArn: string; readonly account: string };
}

/**
 * Denies uploads that send `header` with a value other than `allowed`. Only when the header is sent
 * (`Null` = false): the agent sends none and relies on the bucket's default encryption, so a Deny that also fired
 * on a missing header (as `StringNotEqualsIfExists` would) would stop session logging.
 */
function denyUploadsWithHeaderOtherThan(sid: string, bucketArn: string, header: string, allowed: string): Statement {
  return {
    sid,
    effect: "Deny",
    principals: { AWS: ["*"] },
    actions: ["s3:PutObject"],
    resources: [`${bucketArn}/*`],
    conditions: { Null: { [header]: "false" }, StringNotEquals: { [header]: allowed } },
  };
}

/**
 * The bucket policy: TLS only, and no upload that asks for another KMS key, for non-KMS encryption, or for KMS
 * without naming the session key (S3 would use aws/s3).
 */
export function logBucketPolicyStatements(bucketArn: string, kmsKeyArn: string): Statement[] {
  return [
    denyInsecureTransport(bucketArn),
    denyUploadsWithHeaderOtherThan(
      "DenyOtherKmsKey",
      bucketArn,
      "s3:x-amz-server-side-encryption-aws-kms-key-id",
      kmsKeyArn,
    ),
    denyUploadsWithHeaderOtherThan("DenyNonKmsEncryption", bucketArn, "s3:x-amz-server-side-encryption", "aws:kms"),
    {
      // `aws:kms` without a key id makes S3 use the AWS managed aws/s3 key, not the session key.
      sid: "DenyKmsWithoutSessionKeyId",
      effect: "Deny",
      principals: { AWS: ["*"] },
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/*`],
      conditions: {
        StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
      },
    },
  ];
}

/**
 * The session-log bucket: owner-enforced (no ACLs), all public access blocked, SSE-KMS with the session key and a
 * bucket key, versioned, TLS-only, lifecycle for current and noncurrent versions, optional Object Lock and access
 * logging, never `force_destroy`, and `prevent_destroy`. Each environment writes under its own prefix.
 */
export class SessionLogBucket extends Construct {
  public readonly bucket: S3Bucket;
  /** The bucket policy (a trail delivering here is created after it). */
  public readonly policy: S3BucketPolicy;
  public readonly bucketArn: string;
  public readonly bucketName: string;

  constructor(scope: Construct, id: string, props: SessionLogBucketProps) {
    super(scope, id);
    if (props.objectLock && props.objectLock.days <= 0)
      throw new Error(`SessionLogBucket: objectLock.days ${props.objectLock.days} must be > 0`);
    this.bucket = new S3Bucket(this, "Resource", {
      bucket: props.bucketName,
      forceDestroy: false,
      objectLockEnabled: props.objectLock ? true : undefined,
      lifecycle: { preventDestroy: true },
    });
    this.bucketArn = this.bucket.arn;
    this.bucketName = props.bucketName;
    const bucket = this.bucket.id;
    applyPrivateBucketBaseline(this, this.bucket, { encryptionKey: props.encryptionKey });
    const trail = props.cloudTrail;
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket,
      policy: renderPolicy([
        ...logBucketPolicyStatements(this.bucketArn, props.encryptionKey.keyArn),
        ...(trail ? cloudTrailBucketStatements(this.bucketArn, trail.trailArn, trail.account) : []),
      ]),
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket,
      rule: [
        {
          id: "session-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          transition: props.transitionToInfrequentAccessDays
            ? [{ days: props.transitionToInfrequentAccessDays, storageClass: "STANDARD_IA" }]
            : undefined,
          expiration: [{ days: props.expireDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentExpireDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    if (props.objectLock) {
      new S3BucketObjectLockConfigurationA(this, "ObjectLock", {
        bucket,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
      });
    }
    if (props.accessLogBucket) {
      new S3BucketLoggingA(this, "AccessLogging", {
        bucket,
        targetBucket: props.accessLogBucket,
        targetPrefix: `${props.bucketName}/`,
      });
    }
  }

  /** See `grantLogBucketSessionWrite`. */
  public grantSessionWrite(grantee: IGrantable, prefix: string): Statement[] {
    return grantLogBucketSessionWrite(grantee, this.bucketArn, prefix);
  }
}

/**
 * What the SSM agent needs to upload a transcript to the log bucket `bucketArn` (which may live elsewhere, e.g. a
 * registry module input): `s3:PutObject` under `prefix/` only, and `s3:GetEncryptionConfiguration` on the bucket
 * (it checks encryption before uploading).
 */
export function grantLogBucketSessionWrite(grantee: IGrantable, bucketArn: string, prefix: string): Statement[] {
  // A prefix from a Terraform variable is checked by the variable's validation block instead.
  if (!Token.isUnresolved(prefix) && !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(prefix)) {
    throw new Error(
      `grantSessionWrite: prefix ${JSON.stringify(prefix)} must be a key prefix without leading or trailing /`,
    );
  }
  return [
    grant(grantee, "SessionLogObjects", ["s3:PutObject"], [`${bucketArn}/${prefix}/*`]),
    grant(grantee, "SessionLogBucketEncryption", ["s3:GetEncryptionConfiguration"], [bucketArn]),
  ];
}
