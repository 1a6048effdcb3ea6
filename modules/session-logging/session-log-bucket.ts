import {
  S3Bucket,
  S3BucketLifecycleConfiguration,
  S3BucketLoggingA,
  S3BucketObjectLockConfigurationA,
  S3BucketPolicy,
} from "../core/aws";
import { Construct, Token, type TerraformResource } from "../core/cdktf";
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
  /**
   * The one role (ARN) the bucket policy lets delete object versions, bypass or change Object Lock retention and
   * legal holds, change the Object Lock configuration or versioning, or delete the policy or the bucket.
   * @default - nobody: those are denied to every principal (the account's root user can still delete the policy)
   */
  readonly breakGlassRoleArn?: string;
}

/** Object actions that remove a transcript or loosen its retention (denied to all but the break-glass role). */
export const TRANSCRIPT_TAMPERING_ACTIONS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:BypassGovernanceRetention",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
] as const;
/**
 * Bucket actions that would let transcripts be removed or rewritten without a trace: Object Lock and versioning
 * (set once, when the bucket is created; the policy is applied after them), the policy's and the bucket's deletion.
 */
export const BUCKET_PROTECTION_ACTIONS = [
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutBucketVersioning",
  "s3:DeleteBucketPolicy",
  "s3:DeleteBucket",
] as const;

/** Denies transcript deletion and retention changes to every principal but `breakGlassRoleArn`. */
export function logBucketProtectionStatements(bucketArn: string, breakGlassRoleArn?: string): Statement[] {
  const except = breakGlassRoleArn ? { ArnNotEquals: { "aws:PrincipalArn": breakGlassRoleArn } } : undefined;
  return [
    {
      sid: "DenyTranscriptDeletionAndRetentionChanges",
      effect: "Deny",
      principals: { AWS: ["*"] },
      actions: [...TRANSCRIPT_TAMPERING_ACTIONS],
      resources: [`${bucketArn}/*`],
      conditions: except,
    },
    {
      sid: "DenyLockVersioningAndPolicyRemoval",
      effect: "Deny",
      principals: { AWS: ["*"] },
      actions: [...BUCKET_PROTECTION_ACTIONS],
      resources: [bucketArn],
      conditions: except,
    },
  ];
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
    // Values from Terraform variables are checked by the variables' validation blocks instead.
    const keptFor = [props.expireDays, props.objectLock?.days ?? 0].filter((d) => !Token.isUnresolved(d));
    if (!Token.isUnresolved(props.noncurrentExpireDays) && props.noncurrentExpireDays < Math.max(...keptFor, 0))
      throw new Error(
        `SessionLogBucket: noncurrentExpireDays ${props.noncurrentExpireDays} is shorter than the retention (expireDays ${props.expireDays}${props.objectLock ? `, objectLock.days ${props.objectLock.days}` : ""}): an overwritten transcript would be gone before the others; allowed: ${Math.max(...keptFor)} or more`,
      );
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
    const lock = props.objectLock
      ? new S3BucketObjectLockConfigurationA(this, "ObjectLock", {
          bucket,
          rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
        })
      : undefined;
    const trail = props.cloudTrail;
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket,
      policy: renderPolicy([
        ...logBucketPolicyStatements(this.bucketArn, props.encryptionKey.keyArn),
        ...logBucketProtectionStatements(this.bucketArn, props.breakGlassRoleArn),
        ...(trail ? cloudTrailBucketStatements(this.bucketArn, trail.trailArn, trail.account) : []),
      ]),
      // The policy denies changing versioning and Object Lock: Terraform sets them first.
      dependsOn: [this.node.findChild("Versioning") as TerraformResource, ...(lock ? [lock] : [])],
    });
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
