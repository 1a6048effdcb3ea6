/**
 * The environment schema, section "logging": logging: session transcripts in S3 and CloudWatch Logs, the KMS key, CloudTrail.
 * The schema is the single source of the `EnvironmentConfig` type, of the load-time validation and of the JSON
 * Schema editors use (`npm run schema` -> `config/environment.schema.json`). Conventions: every object is strict
 * (unknown keys are errors), every optional field has a described default, and every custom check writes its
 * message as `<value> <what is wrong>; <what is allowed>`.
 */
import { z } from "zod";
import { CLOUD_TRAIL_REQUIRED, cloudTrailSchema } from "../cloud-trail";
import {
  KMS_ALIAS,
  KMS_DELETION_WINDOW_DAYS as KMS_WINDOW,
  IAM_ROLE_ARN,
  LOG_RETENTION_DAYS,
  MAX_S3_DAYS,
} from "../../modules/core/limits";
import {
  DEFAULT_CLOUDWATCH_STREAMING,
  DEFAULT_KMS_DELETION_WINDOW_DAYS,
  DEFAULT_LOG_EXPIRE_DAYS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_LOG_NONCURRENT_EXPIRE_DAYS,
} from "../../modules/core/defaults";
import { bucketName, matching, show, strict } from "./primitives";

export const s3LoggingSchema = strict({
  enabled: z.boolean().default(true).describe("Write session transcripts to the S3 log bucket."),
  bucketName: bucketName
    .optional()
    .describe("Name of the log bucket. @default <project>-<environment>-session-logs-<account>"),
  transitionToInfrequentAccessDays: z
    .number()
    .int()
    .min(30)
    .max(MAX_S3_DAYS)
    .optional()
    .describe("Move log objects to STANDARD_IA after this many days (S3 requires ≥ 30). @default no transition"),
  expireDays: z
    .number()
    .int()
    .min(1)
    .max(MAX_S3_DAYS)
    .default(DEFAULT_LOG_EXPIRE_DAYS)
    .describe(`Delete current log objects after this many days. @default ${DEFAULT_LOG_EXPIRE_DAYS} (7 years)`),
  noncurrentExpireDays: z
    .number()
    .int()
    .min(1)
    .max(MAX_S3_DAYS)
    .default(DEFAULT_LOG_NONCURRENT_EXPIRE_DAYS)
    .describe(
      `Delete noncurrent (overwritten or deleted) versions after this many days; at least expireDays and objectLock.days, so an overwritten transcript is kept as long as the others. @default ${DEFAULT_LOG_NONCURRENT_EXPIRE_DAYS}`,
    ),
  objectLock: strict({
    mode: z.enum(["GOVERNANCE", "COMPLIANCE"]),
    days: z
      .number()
      .int()
      .refine((d) => d > 0 && d <= MAX_S3_DAYS, {
        error: (iss) => `${show(iss.input)} is not a number of days from 1 to ${MAX_S3_DAYS} (Object Lock's 100 years)`,
      }),
  })
    .optional()
    .describe("Default Object Lock retention for log objects. @default no Object Lock"),
  accessLogBucket: bucketName
    .optional()
    .describe("Existing bucket that receives S3 server access logs for the log bucket. @default no access logging"),
  breakGlassRoleArn: matching(IAM_ROLE_ARN, "is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    .optional()
    .describe(
      "The one role the log bucket's policy lets delete transcript versions, bypass or change their Object Lock retention or legal hold, change the bucket's Object Lock configuration or versioning, or delete its policy (docs/session-transcripts.md). @default nobody: those are denied to every principal, the apply role and administrators included",
    ),
})
  .prefault({})
  .superRefine((s, ctx) => {
    const lock = s.objectLock?.days;
    const valid = (d: unknown): d is number =>
      typeof d === "number" && Number.isInteger(d) && d >= 1 && d <= MAX_S3_DAYS;
    // Each value out of range is reported by its own field.
    if (!valid(s.noncurrentExpireDays) || !valid(s.expireDays) || (lock !== undefined && !valid(lock))) return;
    if (s.noncurrentExpireDays < s.expireDays)
      ctx.addIssue({
        code: "custom",
        path: ["noncurrentExpireDays"],
        message: `${s.noncurrentExpireDays} is shorter than expireDays ${s.expireDays}: a transcript an instance overwrites would be gone before the others; allowed: ${s.expireDays} or more`,
      });
    else if (lock !== undefined && s.noncurrentExpireDays < lock)
      ctx.addIssue({
        code: "custom",
        path: ["noncurrentExpireDays"],
        message: `${s.noncurrentExpireDays} is shorter than objectLock.days ${lock}: overwritten transcripts would expire before their retention; allowed: ${lock} or more`,
      });
  });

export const cloudWatchLoggingSchema = strict({
  enabled: z.boolean().default(true).describe("Write session transcripts to a CloudWatch log group."),
  retentionDays: z
    .union(
      LOG_RETENTION_DAYS.map((d) => z.literal(d)),
      {
        error: (iss) =>
          `${show(iss.input)} is not a retention CloudWatch Logs accepts; allowed: ${LOG_RETENTION_DAYS.join(", ")}`,
      },
    )
    .default(DEFAULT_LOG_RETENTION_DAYS)
    .describe("Log retention in days; only the values CloudWatch Logs accepts."),
  streaming: z
    .boolean()
    .default(DEFAULT_CLOUDWATCH_STREAMING)
    .describe("Stream session data continually (logs survive an instance that stops mid-session)."),
}).prefault({});

export const kmsSchema = strict({
  alias: matching(
    KMS_ALIAS,
    "is not a valid KMS alias; must start with alias/, not alias/aws/, and use only letters, digits, /, _ and -",
  )
    .optional()
    .describe("Alias of the session key. @default alias/<project>-<environment>-sessions"),
  deletionWindowDays: z
    .number()
    .int()
    .min(KMS_WINDOW.min)
    .max(KMS_WINDOW.max)
    .default(DEFAULT_KMS_DELETION_WINDOW_DAYS)
    .describe(`Waiting period before the key is deleted (${KMS_WINDOW.min}-${KMS_WINDOW.max} days).`),
}).prefault({});

export const loggingObject = strict({
  s3: s3LoggingSchema,
  cloudWatch: cloudWatchLoggingSchema,
  kms: kmsSchema,
  waiveLogging: z
    .string()
    .min(10)
    .optional()
    .describe("A written reason, required to turn both S3 and CloudWatch logging off. Sessions are then not recorded."),
  logReaderRoleArns: z
    .array(matching(IAM_ROLE_ARN, "is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"))
    .default([])
    .describe(
      "The roles that may decrypt session transcripts in S3 (and anything else S3 stores with the session key, e.g. the created trail's log files): the key policy denies kms:Decrypt through S3 to every other principal, whatever its IAM policies allow (docs/session-transcripts.md). The environment's own instance roles keep it for multipart uploads; CloudWatch Logs decrypts its own data. @default none: nobody reads transcripts in S3 until a role is named",
    ),
  alertEmails: z
    .array(z.email({ error: (iss) => `${show(iss.input)} is not an email address` }))
    .default([])
    .describe("Addresses subscribed to the session audit topic (each must confirm the subscription)."),
  // Required, but checked below rather than by the structure, so its absence is reported with every other problem.
  cloudTrail: cloudTrailSchema.optional(),
});
export const loggingSchema = loggingObject.prefault({}).superRefine((l, ctx) => {
  if (l.cloudTrail === undefined)
    ctx.addIssue({ code: "custom", path: ["cloudTrail"], message: CLOUD_TRAIL_REQUIRED, input: undefined });
  if (l.cloudTrail?.create && !l.s3.enabled)
    ctx.addIssue({
      code: "custom",
      path: ["cloudTrail", "create"],
      message:
        "needs logging.s3.enabled: the created trail delivers into the session-log bucket; enable S3 logging, or name an existing trail",
    });
  if (!l.s3.enabled && !l.cloudWatch.enabled && !l.waiveLogging) {
    ctx.addIssue({
      code: "custom",
      path: ["waiveLogging"],
      message:
        "is required when both s3.enabled and cloudWatch.enabled are false; give the reason sessions need not be recorded",
    });
  }
});

/**
 * The transcript roles of one environment are in its account: the session key's policy names them through
 * aws:PrincipalArn, and a role of another account could not use the key through this account's S3 anyway.
 */
export function transcriptRoleIssues(env: {
  account: string;
  logging: { logReaderRoleArns: readonly string[]; s3: { breakGlassRoleArn?: string } };
}): { path: (string | number)[]; message: string }[] {
  const accountOf = (a: string) => /^arn:[^:]+:iam::(\d{12}):/.exec(a)?.[1];
  const issues: { path: (string | number)[]; message: string }[] = [];
  env.logging.logReaderRoleArns.forEach((a, i) => {
    if (accountOf(a) !== env.account)
      issues.push({
        path: ["logging", "logReaderRoleArns", i],
        message: `${show(a)} is not a role of this environment's account ${env.account}; allowed: arn:aws:iam::${env.account}:role/<name>`,
      });
  });
  const glass = env.logging.s3.breakGlassRoleArn;
  if (glass !== undefined && accountOf(glass) !== env.account)
    issues.push({
      path: ["logging", "s3", "breakGlassRoleArn"],
      message: `${show(glass)} is not a role of this environment's account ${env.account}; allowed: arn:aws:iam::${env.account}:role/<name>`,
    });
  return issues;
}
