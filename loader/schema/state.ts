/**
 * The environment schema, section "state": state: where an environment keeps its Terraform state (S3 or HCP Terraform).
 * The schema is the single source of the `EnvironmentConfig` type, of the load-time validation and of the JSON
 * Schema editors use (`npm run schema` -> `config/environment.schema.json`). Conventions: every object is strict
 * (unknown keys are errors), every optional field has a described default, and every custom check writes its
 * message as `<value> <what is wrong>; <what is allowed>`.
 */
import { z } from "zod";
import { bucketName, matching, region, show, strict } from "./primitives";

export const cloudSchema = strict({
  organization: matching(
    /^[A-Za-z0-9_-]{1,64}$/,
    "is not an HCP Terraform organization name (letters, digits, _ and -)",
  ),
  workspace: matching(/^[A-Za-z0-9_-]{1,90}$/, "is not a workspace name (letters, digits, _ and -, at most 90)"),
  hostname: matching(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, "is not a host name")
    .default("app.terraform.io")
    .describe("app.terraform.io for HCP Terraform, your host name for Terraform Enterprise."),
  project: z
    .string()
    .min(1)
    .optional()
    .describe("HCP Terraform project of the workspace. @default the organization's default project"),
}).describe("Keep this environment's state in HCP Terraform / Terraform Enterprise (a `cloud` block) instead of S3.");

export const stateSchema = strict({
  bucket: bucketName
    .optional()
    .describe(
      "S3 bucket that holds this environment's Terraform state (created by the bootstrap stack). Required unless cloud is set.",
    ),
  cloud: cloudSchema.optional(),
  keyPrefix: matching(
    /^[A-Za-z0-9_.\-/]*[A-Za-z0-9_.-]$/,
    "is not a valid key prefix; letters, digits, _.-/ and no trailing /",
  )
    .default("bastionless")
    .describe("Prefix of the state object key; the key is <keyPrefix>/<environment>.tfstate."),
  region: region.optional().describe("Region of the state bucket. @default the environment's region"),
  locking: z
    .enum(["lockfile", "dynamodb", "both"])
    .default("lockfile")
    .describe(
      "lockfile: S3-native locking (use_lockfile, Terraform >= 1.10). dynamodb: a DynamoDB lock table (deprecated by HashiCorp). both: during a migration.",
    ),
  dynamodbTable: matching(/^[A-Za-z0-9_.-]{3,255}$/, "is not a DynamoDB table name (3-255 of A-Za-z0-9_.-)")
    .optional()
    .describe("DynamoDB lock table, required when locking is dynamodb or both."),
  bootstrapRoleArn: matching(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "is not an IAM role ARN")
    .optional()
    .describe(
      "Role the bootstrap stack assumes to create the state bucket in this account. @default - the caller's own credentials, which must then be in this account",
    ),
}).superRefine((s, ctx) => {
  if (!s.bucket && !s.cloud)
    ctx.addIssue({ code: "custom", path: ["bucket"], message: "is required unless cloud is set (HCP Terraform)" });
  if (s.bucket && s.cloud)
    ctx.addIssue({
      code: "custom",
      path: ["cloud"],
      message: `is set together with bucket ${show(s.bucket)}; choose one backend: remove bucket (HCP Terraform) or cloud (S3)`,
    });
  if (s.locking !== "lockfile" && !s.dynamodbTable) {
    ctx.addIssue({
      code: "custom",
      path: ["dynamodbTable"],
      message: `is required when locking is ${show(s.locking)}`,
    });
  }
  if (s.locking === "lockfile" && s.dynamodbTable) {
    ctx.addIssue({
      code: "custom",
      path: ["dynamodbTable"],
      message: `${show(s.dynamodbTable)} is set but locking is "lockfile"; set locking to "dynamodb" or "both", or remove it`,
    });
  }
});
