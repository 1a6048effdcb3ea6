/**
 * The session-preferences registry module: the account+region's `SSM-SessionManagerRunShell` document (type
 * Session, schema 1.0, Standard_Stream), which tells Session Manager where sessions are logged and with which key.
 * Without it, the session-logging module's key, log group and bucket receive nothing.
 *
 * The document body is the `SessionPreferences` construct's (its `SessionDocumentContent` type fixes the key set, so
 * a key added to the construct fails to compile here), written as a `jsonencode` of the variables; the variables
 * mirror the construct's checks with the same limits (modules/core/limits.ts).
 */
import { SsmDocument } from "../modules/core/aws";
import { Construct, Fn, ref } from "../modules/core/cdktf";
import {
  DEFAULT_CLOUDWATCH_STREAMING,
  DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES,
  DEFAULT_MAX_SESSION_DURATION_MINUTES,
} from "../modules/core/defaults";
import { IDLE_SESSION_TIMEOUT_MINUTES, LINUX_USER, MAX_SESSION_DURATION_MINUTES } from "../modules/core/limits";
import { PREFERENCES_DOCUMENT, type SessionDocumentContent } from "../modules/session-preferences";
import type { ModuleDefinition, VariableSpec } from "./framework";
import { matches, tagRules } from "./validations";

const minutes = (name: string, what: string, def: number, range: { min: number; max: number }): VariableSpec => ({
  name,
  type: "number",
  description: `${what} in whole minutes (${range.min}-${range.max}).`,
  default: def,
  validations: [
    {
      condition: `var.${name} == floor(var.${name}) && var.${name} >= ${range.min} && var.${name} <= ${range.max}`,
      errorMessage: `${name} must be whole minutes from ${range.min} to ${range.max}.`,
    },
  ],
});

const text = (name: string, description: string, example?: string): VariableSpec => ({
  name,
  type: "string",
  description,
  default: "",
  ...(example !== undefined ? { example } : {}),
});

export const sessionPreferences: ModuleDefinition = {
  name: "session-preferences",
  constructs: ["SessionPreferences"],
  summary:
    "The Session Manager preferences of one account and region: the `SSM-SessionManagerRunShell` document that sends " +
    "every session's log to S3 and/or CloudWatch Logs, encrypts the session with a KMS key, and sets the idle " +
    "timeout, the maximum duration and run-as. Use it with the session-logging module's outputs.",
  notes: [
    '**One per account and region.** Session Manager reads exactly this document name. If the console\'s Preferences page already created it, adopt it instead of failing with `DocumentAlreadyExists`: in your root module add `import { to = module.session_preferences.aws_ssm_document.this  id = "SSM-SessionManagerRunShell" }` (Terraform >= 1.5), plan, and apply.',
    "KMS encryption and a log destination are required unless you give a written reason in `waive_kms_encryption` / " +
      "`waive_logging` (checked at plan time).",
  ],
  variables: [
    {
      name: "document_name",
      type: "string",
      description: "Name of the Session document; Session Manager reads SSM-SessionManagerRunShell.",
      default: PREFERENCES_DOCUMENT,
    },
    text(
      "s3_bucket_name",
      "Bucket that receives session logs (empty: no S3 logging).",
      "bastionless-dev-session-logs-111111111111",
    ),
    text("s3_key_prefix", "Key prefix of the session logs in the bucket.", "sessions/"),
    text(
      "cloudwatch_log_group_name",
      "Log group that receives session logs (empty: no CloudWatch logging).",
      "/bastionless/dev/sessions",
    ),
    {
      name: "cloudwatch_streaming",
      type: "bool",
      description: "Stream session data to CloudWatch Logs as it happens (false: upload at session end).",
      default: DEFAULT_CLOUDWATCH_STREAMING,
    },
    text(
      "kms_key_id",
      "KMS key (ARN, id or alias) that encrypts session data; required unless waive_kms_encryption is given.",
      "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
    ),
    text(
      "waive_kms_encryption",
      "A written reason to run sessions without KMS encryption (empty: kms_key_id is required).",
    ),
    text(
      "waive_logging",
      "A written reason to log sessions nowhere (empty: s3_bucket_name or cloudwatch_log_group_name is required).",
    ),
    minutes(
      "idle_session_timeout_minutes",
      "Idle time after which a session ends",
      DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES,
      IDLE_SESSION_TIMEOUT_MINUTES,
    ),
    minutes(
      "max_session_duration_minutes",
      "Longest a session may last",
      DEFAULT_MAX_SESSION_DURATION_MINUTES,
      MAX_SESSION_DURATION_MINUTES,
    ),
    {
      name: "run_as_default_user",
      type: "string",
      description: "Run Linux sessions as this OS user (empty: run-as off, sessions run as ssm-user).",
      default: "",
      validations: [
        {
          condition: `var.run_as_default_user == "" || (${matches(LINUX_USER, "var.run_as_default_user")} && var.run_as_default_user != "root")`,
          errorMessage: "run_as_default_user must be a Linux user name (not root, which Session Manager refuses).",
        },
      ],
    },
    text("shell_profile_linux", "Commands run at the start of every Linux session."),
    text("shell_profile_windows", "Commands run at the start of every Windows session."),
    {
      name: "tags",
      type: "map(string)",
      description: "Tags for the document.",
      default: {},
      validations: tagRules("tags"),
      example: { Environment: "dev" },
    },
  ],
  build(stack, v) {
    const s3 = v.string("s3_bucket_name");
    const logGroup = v.string("cloudwatch_log_group_name");
    const inputs: Record<keyof SessionDocumentContent["inputs"], unknown> = {
      s3BucketName: s3,
      s3KeyPrefix: v.string("s3_key_prefix"),
      s3EncryptionEnabled: ref('var.s3_bucket_name != ""'),
      cloudWatchLogGroupName: logGroup,
      cloudWatchEncryptionEnabled: ref('var.cloudwatch_log_group_name != ""'),
      cloudWatchStreamingEnabled: ref('var.cloudwatch_log_group_name != "" && var.cloudwatch_streaming'),
      kmsKeyId: v.string("kms_key_id"),
      runAsEnabled: ref('var.run_as_default_user != ""'),
      runAsDefaultUser: v.string("run_as_default_user"),
      idleSessionTimeout: Fn.tostring(v.number("idle_session_timeout_minutes")),
      maxSessionDuration: Fn.tostring(v.number("max_session_duration_minutes")),
      shellProfile: { windows: v.string("shell_profile_windows"), linux: v.string("shell_profile_linux") },
    };
    v.bool("cloudwatch_streaming");
    v.string("waive_kms_encryption");
    v.string("waive_logging");
    const content: Omit<SessionDocumentContent, "inputs"> & { inputs: typeof inputs } = {
      schemaVersion: "1.0",
      description: "Session Manager preferences (managed by bastionless)",
      sessionType: "Standard_Stream",
      inputs,
    };
    const doc = new SsmDocument(new Construct(stack, "Preferences"), "Resource", {
      name: v.string("document_name"),
      documentType: "Session",
      documentFormat: "JSON",
      content: Fn.jsonencode(content),
      tags: v.stringMap("tags"),
      lifecycle: {
        precondition: [
          {
            condition: ref('var.kms_key_id != "" || var.waive_kms_encryption != ""'),
            errorMessage:
              "kms_key_id is required (session data must be KMS-encrypted); give waive_kms_encryption with a reason " +
              "to go without.",
          },
          {
            condition: ref(
              'var.s3_bucket_name != "" || var.cloudwatch_log_group_name != "" || var.waive_logging != ""',
            ),
            errorMessage:
              "No log destination: give s3_bucket_name and/or cloudwatch_log_group_name, or waive_logging with a " +
              "reason.",
          },
        ],
      },
    });
    return [
      { name: "document_name", description: "Name of the preferences document.", value: doc.name },
      { name: "document_arn", description: "ARN of the preferences document.", value: doc.arn },
      { name: "content", description: "The document body (JSON) Session Manager reads.", value: doc.content },
    ];
  },
  tests: {
    "bad-input.tftest.hcl": `# Generated by \`npm run build:terraform-modules\`: inputs the construct refuses are refused at plan time.
mock_provider "aws" {}

run "kms_key_required_unless_waived" {
  command = plan
  variables {
    cloudwatch_log_group_name = "/bastionless/dev/sessions"
  }
  expect_failures = [aws_ssm_document.this]
}

run "a_log_destination_required_unless_waived" {
  command = plan
  variables {
    kms_key_id = "alias/bastionless-dev-sessions"
  }
  expect_failures = [aws_ssm_document.this]
}

run "idle_timeout_above_the_limit" {
  command = plan
  variables {
    kms_key_id                   = "alias/bastionless-dev-sessions"
    cloudwatch_log_group_name    = "/bastionless/dev/sessions"
    idle_session_timeout_minutes = ${IDLE_SESSION_TIMEOUT_MINUTES.max + 1}
  }
  expect_failures = [var.idle_session_timeout_minutes]
}

run "run_as_root" {
  command = plan
  variables {
    kms_key_id                = "alias/bastionless-dev-sessions"
    cloudwatch_log_group_name = "/bastionless/dev/sessions"
    run_as_default_user       = "root"
  }
  expect_failures = [var.run_as_default_user]
}
`,
  },
  checks: [
    {
      condition: 'jsondecode(output.content).inputs.cloudWatchLogGroupName == "/bastionless/dev/sessions"',
      message: "sessions go to the given log group",
    },
    {
      condition: "jsondecode(output.content).inputs.s3EncryptionEnabled == true",
      message: "S3 logging is encrypted when a bucket is given",
    },
    {
      condition: 'jsondecode(output.content).inputs.idleSessionTimeout == "20"',
      message: "numbers are strings in the Session schema",
    },
    {
      condition: 'output.document_name == "SSM-SessionManagerRunShell"',
      message: "the document Session Manager reads",
    },
  ],
};
