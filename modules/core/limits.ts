/**
 * AWS value limits, stated once: the config schema validates environment files with them and the constructs
 * validate their props with them (sources: ../shared/docs/aws-facts.md §6).
 */

/** Physical-name limits of what the stacks and modules name (S3 bucket, IAM role and group, EventBridge rule). */
export const PHYSICAL_NAME_LIMITS = { s3Bucket: 63, iamRole: 64, iamGroup: 128, eventRule: 64 } as const;

/** IAM role names (CreateRole): letters, digits and `+=,.@_-`, at most 64. */
export const IAM_ROLE_NAME = new RegExp(`^[\\w+=,.@-]{1,${PHYSICAL_NAME_LIMITS.iamRole}}$`);
/** IAM group names (CreateGroup): the same characters, at most 128. */
export const IAM_GROUP_NAME = new RegExp(`^[\\w+=,.@-]{1,${PHYSICAL_NAME_LIMITS.iamGroup}}$`);
/** A managed policy ARN (a permissions boundary): customer (account id) or AWS (`aws`). */
/** An IAM role ARN (with an optional path): `arn:aws:iam::111122223333:role/path/name`. */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
export const IAM_POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;

/** EC2 ids: the type's prefix, a hyphen and 8 or 17 lowercase hex digits. */
export const ec2Id = (prefix: "vpc" | "subnet" | "rtb" | "sg" | "vpce") =>
  new RegExp(`^${prefix}-[0-9a-f]{8}([0-9a-f]{9})?$`);

/** An EC2 instance type, e.g. t4g.nano. */
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/** S3 general purpose bucket names: characters and length (3-63). */
export const BUCKET_NAME_CHARS = new RegExp(`^[a-z0-9][a-z0-9-]{1,${PHYSICAL_NAME_LIMITS.s3Bucket - 2}}[a-z0-9]$`);
/** Prefixes and suffixes S3 reserves for other bucket kinds. */
export const BUCKET_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
export const BUCKET_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;
const alternatives = (xs: readonly string[]) => xs.map((x) => x.replace(/[.]/g, "\\.")).join("|");
/** S3 general purpose bucket names (no periods: Session Manager recommends none, TLS wildcard certificates). */
export const BUCKET_NAME = new RegExp(
  `^(?!${alternatives(BUCKET_RESERVED_PREFIXES)})(?!.*(${alternatives(BUCKET_RESERVED_SUFFIXES)})$)` +
    BUCKET_NAME_CHARS.source.slice(1),
);

/** Resource tags: AWS reserves keys starting with `aws:`. */
export const TAG_RESERVED_PREFIX = "aws:";
export const TAG_KEY_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
export const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
export const TAG_KEY = new RegExp(`^(?!${TAG_RESERVED_PREFIX})${TAG_KEY_CHARS.source.slice(1)}`, "u");

/** CloudWatch Logs accepts only these retention values (API_PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The alias prefix AWS reserves for its managed keys. */
export const KMS_ALIAS_RESERVED_PREFIX = "alias/aws/";
const KMS_ALIAS_NAME = "[a-zA-Z0-9/_-]{1,250}";
/** KMS CreateAlias characters and length, without the reserved-prefix rule (for RE2, which has no look-ahead). */
export const KMS_ALIAS_CHARS = new RegExp(`^alias/${KMS_ALIAS_NAME}$`);
/** KMS CreateAlias: `alias/…`, not the reserved `alias/aws/…`, letters, digits, `/`, `_` and `-`. */
export const KMS_ALIAS = new RegExp(`^alias/(?!${KMS_ALIAS_RESERVED_PREFIX.slice("alias/".length)})${KMS_ALIAS_NAME}$`);

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

/**
 * The most days an S3 lifecycle rule or Object Lock retention of the log bucket may take: Object Lock's maximum
 * default retention is 100 years (36,500 days), and a lifecycle rule longer than that keeps nothing longer.
 */
export const MAX_S3_DAYS = 36_500;

/**
 * A risky-command phrase of the session audit kit: 1-100 printable ASCII characters, not starting with a space,
 * without `"` or `\` (they would end or escape the quoted metric-filter term) and without `<`, `>` or `&` (the SSM
 * agent's JSON encoder writes them as \u003c, \u003e, \u0026, so the raw event text never contains them).
 */
export const RISKY_PHRASE = /^(?!.*["\\<>&])[\x21-\x7e][\x20-\x7e]{0,99}$/;

/** CloudWatch Logs PutMetricFilter: a filter pattern is at most 1024 characters. */
export const FILTER_PATTERN_MAX = 1024;

/**
 * The interfaces an access group's members may start sessions from: the AWS CLI / SDK with the Session Manager
 * plugin (and the `bastionless` command), the Session Manager console (with Fleet Manager), and the EC2 console's
 * "Connect" page. The one list: the config schema, the operator policy, the access report and the registry module
 * read it (docs/interfaces.md says what each one grants).
 */
export const SESSION_INTERFACES = ["cli", "session-manager-console", "ec2-console"] as const;
export type SessionInterface = (typeof SESSION_INTERFACES)[number];

/** Weekdays in the order Logs Insights arithmetic numbers them (0 = Sunday; 1970-01-01 was a Thursday, 4). */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
