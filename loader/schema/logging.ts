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
  LOG_RETENTION_DAYS,
  MAX_S3_DAYS,
} from "../../modules/core/limits";
import {
  DEFAULT_CLOUDWATCH_STREAMING,
  DEFAULT_KMS_DELETION_WINDOW_DAYS,
  DEFAULT_LOG_EXPIRE_DAYS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_NONCURRENT_EXPIRE_DAYS,
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
    .default(DEFAULT_NONCURRENT_EXPIRE_DAYS)
    .describe("Delete noncurrent versions after this many days."),
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
}).prefault({});

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
