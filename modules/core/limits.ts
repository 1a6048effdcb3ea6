/**
 * AWS value limits, stated once: the config schema validates environment files with them and the constructs
 * validate their props with them (sources: ../shared/docs/aws-facts.md §6).
 */

/** CloudWatch Logs accepts only these retention values (API_PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** KMS CreateAlias: `alias/…`, not the reserved `alias/aws/…`, letters, digits, `/`, `_` and `-`. */
export const KMS_ALIAS = /^alias\/(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/;

/** KMS ScheduleKeyDeletion waiting period, in days. */
export const KMS_DELETION_WINDOW_DAYS = { min: 7, max: 30 } as const;

/** A Linux user name (Session Manager run-as). */
export const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Session preferences: idleSessionTimeout and maxSessionDuration, in minutes. */
export const IDLE_SESSION_TIMEOUT_MINUTES = { min: 1, max: 60 } as const;
export const MAX_SESSION_DURATION_MINUTES = { min: 1, max: 1440 } as const;

/**
 * IAM policy size limits per attachment kind, in characters with whitespace not counted (IAM quotas): inline
 * policies of a user, group or role count together per principal.
 */
export const IAM_POLICY_SIZE_LIMITS = {
  user: 2048,
  group: 5120,
  role: 10240,
  managed: 6144,
  permissionSet: 10240,
} as const;

/** How long a value Terraform fills in later counts when a policy is measured at synth time. */
export const REALISTIC_REFERENCE_LENGTH = {
  /** e.g. arn:aws:kms:ap-southeast-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab is 80. */
  arn: 100,
  other: 64,
} as const;

/** Physical-name limits of what the stacks name (S3 bucket, IAM role, EventBridge rule). */
export const PHYSICAL_NAME_LIMITS = { s3Bucket: 63, iamRole: 64, eventRule: 64 } as const;
