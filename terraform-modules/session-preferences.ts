/**
 * The session-preferences registry module: the account+region's `SSM-SessionManagerRunShell` document (type
 * Session, schema 1.0, Standard_Stream), which tells Session Manager where sessions are logged and with which key.
 * Without it, the session-logging module's key, log group and bucket receive nothing.
 *
 * The document body is the `SessionPreferences` construct's (its `SessionDocumentContent` type fixes the key set, so
 * a key added to the construct fails to compile here), written as a `jsonencode` of the variables; the variables
 * mirror the construct's checks with the same limits (modules/core/limits.ts).
 */
import { DataAwsCallerIdentity, DataAwsPartition, SsmDocument } from "../modules/core/aws";
import { conditional, Construct, Fn, ref, Token } from "../modules/core/cdktf";
import {
  DEFAULT_CLOUDWATCH_STREAMING,
  DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES,
  DEFAULT_MAX_SESSION_DURATION_MINUTES,
} from "../modules/core/defaults";
import { IDLE_SESSION_TIMEOUT_MINUTES, LINUX_USER, MAX_SESSION_DURATION_MINUTES } from "../modules/core/limits";
import { PREFERENCES_DOCUMENT, type SessionDocumentContent } from "../modules/session-preferences";
import type { ModuleDefinition, VariableSpec } from "./framework";
import { currentRegion, sessionLoggingInput } from "./common";
import { address } from "./constructs";
import { mockDefaults } from "./publishable";
import { EXAMPLE } from "./example-values";
import { hclString } from "../tools/hcl";
import { LOG_PREFIX, matches, tagRules } from "./validations";

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

/** Two asserts of a test run: the document sends logs to the example's bucket and log group (by name). */
const namesExampleDestinations = (bucketMessage: string, logGroupMessage: string) => `  assert {
    condition     = jsondecode(aws_ssm_document.this[0].content).inputs.s3BucketName == "${EXAMPLE.logBucketName}"
    error_message = ${hclString(bucketMessage)}
  }
  assert {
    condition     = jsondecode(aws_ssm_document.this[0].content).inputs.cloudWatchLogGroupName == "${EXAMPLE.logGroupName}"
    error_message = ${hclString(logGroupMessage)}
  }`;

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
  npmSubpath: "session-preferences",
  summary:
    "The Session Manager preferences of one account and region: the `SSM-SessionManagerRunShell` document that sends " +
    "every session's log to S3 and/or CloudWatch Logs, encrypts the session with a KMS key, and sets the idle " +
    "timeout, the maximum duration and run-as. Use it with the session-logging module's outputs.",
  notes: [
    '**One per account and region.** Session Manager reads exactly this document name. If the console\'s Preferences page already created it, adopt it instead of failing with `DocumentAlreadyExists`: in your root module add `import { to = module.session_preferences.aws_ssm_document.this[0]  id = "SSM-SessionManagerRunShell" }` (Terraform >= 1.5), plan, and apply.',
    "KMS encryption and a log destination are required unless you give a written reason in `waive_kms_encryption` / " +
      "`waive_logging` (checked at plan time).",
  ],
  variables: [
    {
      name: "create",
      type: "bool",
      description:
        "Create the document. Session Manager reads one SSM-SessionManagerRunShell per account and region: set false " +
        "in every configuration of that account and region but the one that manages it (the outputs then describe " +
        "this module's inputs: document_name and log_prefix for instance-access and operator-access).",
      default: true,
    },
    {
      name: "document_name",
      type: "string",
      description: "Name of the Session document; Session Manager reads SSM-SessionManagerRunShell.",
      default: PREFERENCES_DOCUMENT,
    },
    sessionLoggingInput("log_bucket_arn", "ARN of the bucket that receives session logs (null: no S3 logging).", {
      default: null,
      formerly: {
        name: "s3_bucket_name",
        convert: `var.s3_bucket_name == "" ? null : "arn:\${data.aws_partition.current.partition}:s3:::\${var.s3_bucket_name}"`,
        validations: [],
        hint: "the bucket's ARN, e.g. the session-logging module's log_bucket_arn output, not its name",
      },
      fallback: null,
    }),
    {
      name: "log_prefix",
      type: "string",
      description:
        "Key prefix of the session logs in the bucket, without leading or trailing / (the agent adds it); the " +
        "instance-access module's log_prefix must be the same (wire it from this module's log_prefix output).",
      default: null,
      formerly: { name: "s3_key_prefix", validations: [] },
      fallback: "",
      validations: [
        {
          condition: matches(LOG_PREFIX, "var.log_prefix"),
          errorMessage: "log_prefix must be a key prefix without leading or trailing /.",
        },
      ],
      example: EXAMPLE.logPrefix,
    },
    sessionLoggingInput(
      "log_group_arn",
      "ARN of the log group that receives session logs (null: no CloudWatch logging).",
      {
        default: null,
        formerly: {
          name: "cloudwatch_log_group_name",
          convert:
            'var.cloudwatch_log_group_name == "" ? null : ' +
            '"arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:' +
            '${data.aws_caller_identity.current.account_id}:log-group:${var.cloudwatch_log_group_name}"',
          validations: [],
          hint: "the log group's ARN, e.g. the session-logging module's log_group_arn output, not its name",
        },
        fallback: null,
      },
    ),
    {
      name: "cloudwatch_streaming",
      type: "bool",
      description: "Stream session data to CloudWatch Logs as it happens (false: upload at session end).",
      default: DEFAULT_CLOUDWATCH_STREAMING,
    },
    sessionLoggingInput(
      "kms_key_arn",
      "ARN of the KMS key that encrypts session data; required unless waive_kms_encryption is given.",
      {
        default: null,
        formerly: {
          name: "kms_key_id",
          convert: 'var.kms_key_id == "" ? null : var.kms_key_id',
          validations: [],
          hint: "the key's ARN, e.g. the session-logging module's kms_key_arn output",
        },
        fallback: null,
      },
    ),
    text(
      "waive_kms_encryption",
      "A written reason to run sessions without KMS encryption (empty: kms_key_arn is required).",
    ),
    text(
      "waive_logging",
      "A written reason to log sessions nowhere (empty: log_bucket_arn or log_group_arn is required).",
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
      example: EXAMPLE.tags,
    },
  ],
  build(stack, v) {
    // The former names' conversions (aliases.tf) form ARNs in the provider's partition, region and account.
    new DataAwsPartition(stack, "partition");
    currentRegion(stack);
    new DataAwsCallerIdentity(stack, "caller");
    // Read through local.<name> (the new name, else the deprecated one): names from the ARNs, "" for none.
    const s3 = v.expression(
      ["log_bucket_arn"],
      'local.log_bucket_arn == null ? "" : split(":::", local.log_bucket_arn)[1]',
    );
    const logGroup = v.expression(
      ["log_group_arn"],
      'local.log_group_arn == null ? "" : regex("log-group:([^:]+)", local.log_group_arn)[0]',
    );
    const inputs: Record<keyof SessionDocumentContent["inputs"], unknown> = {
      s3BucketName: s3,
      s3KeyPrefix: v.string("log_prefix"),
      s3EncryptionEnabled: ref("local.log_bucket_arn != null"),
      cloudWatchLogGroupName: logGroup,
      cloudWatchEncryptionEnabled: ref("local.log_group_arn != null"),
      cloudWatchStreamingEnabled: ref("local.log_group_arn != null && var.cloudwatch_streaming"),
      kmsKeyId: v.expression(["kms_key_arn"], 'local.kms_key_arn == null ? "" : local.kms_key_arn'),
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
      count: Token.asNumber(conditional(v.bool("create"), 1, 0)),
      name: v.string("document_name"),
      documentType: "Session",
      documentFormat: "JSON",
      content: Fn.jsonencode(content),
      tags: v.stringMap("tags"),
      lifecycle: {
        precondition: [
          {
            condition: ref('local.kms_key_arn != null || var.waive_kms_encryption != ""'),
            errorMessage:
              "kms_key_arn is required (session data must be KMS-encrypted); give waive_kms_encryption with a reason " +
              "to go without.",
          },
          {
            condition: ref('local.log_bucket_arn != null || local.log_group_arn != null || var.waive_logging != ""'),
            errorMessage:
              "No log destination: give log_bucket_arn and/or log_group_arn, or waive_logging with a reason.",
          },
        ],
      },
    });
    const created = address(doc);
    return [
      {
        name: "document_name",
        description: "Name of the preferences document (with create = false: document_name, managed elsewhere).",
        value: `\${var.create ? ${created}[0].name : var.document_name}`,
      },
      {
        name: "document_arn",
        description: "ARN of the preferences document (null with create = false).",
        value: `\${one(${created}[*].arn)}`,
      },
      {
        name: "content",
        description: "The document body (JSON) Session Manager reads (null with create = false).",
        value: `\${one(${created}[*].content)}`,
      },
      {
        name: "log_prefix",
        description:
          "The key prefix the document sends S3 session logs to (with create = false: log_prefix, which the document " +
          "managed elsewhere must use): the instance-access module's log_prefix input (the instances may write there " +
          "only).",
        value: `\${var.create ? jsondecode(${created}[0].content).inputs.s3KeyPrefix : ${v.string("log_prefix")}}`,
      },
    ];
  },
  tests: {
    "bad-input.tftest.hcl": `# Generated by \`npm run build:terraform-modules\`: inputs the construct refuses are refused at plan time.
mock_provider "aws" {}

run "kms_key_required_unless_waived" {
  command = plan
  variables {
    log_group_arn = "${EXAMPLE.logGroupArn}"
  }
  expect_failures = [aws_ssm_document.this]
}

run "a_log_destination_required_unless_waived" {
  command = plan
  variables {
    kms_key_arn = "${EXAMPLE.kmsKeyArn}"
  }
  expect_failures = [aws_ssm_document.this]
}

run "idle_timeout_above_the_limit" {
  command = plan
  variables {
    kms_key_arn                  = "${EXAMPLE.kmsKeyArn}"
    log_group_arn                = "${EXAMPLE.logGroupArn}"
    idle_session_timeout_minutes = ${IDLE_SESSION_TIMEOUT_MINUTES.max + 1}
  }
  expect_failures = [var.idle_session_timeout_minutes]
}

run "run_as_root" {
  command = plan
  variables {
    kms_key_arn         = "${EXAMPLE.kmsKeyArn}"
    log_group_arn       = "${EXAMPLE.logGroupArn}"
    run_as_default_user = "root"
  }
  expect_failures = [var.run_as_default_user]
}

run "a_prefix_with_a_trailing_slash" {
  command = plan
  variables {
    kms_key_arn    = "${EXAMPLE.kmsKeyArn}"
    log_bucket_arn = "${EXAMPLE.logBucketArn}"
    log_prefix     = "sessions/"
  }
  expect_failures = [var.log_prefix]
}

run "a_bucket_name_where_its_arn_belongs" {
  command = plan
  variables {
    kms_key_arn    = "${EXAMPLE.kmsKeyArn}"
    log_bucket_arn = "${EXAMPLE.logBucketName}"
  }
  expect_failures = [var.log_bucket_arn]
}
`,
    "create.tftest.hcl": `# Generated by \`npm run build:terraform-modules\`: one document per account and region; the other
# configurations there set create = false and still feed instance-access and operator-access.
mock_provider "aws" {
${mockDefaults()}}

run "create_false_makes_no_document" {
  command = apply
  variables {
    create     = false
    log_prefix = "${EXAMPLE.logPrefix}"
  }
  assert {
    condition     = length(aws_ssm_document.this) == 0
    error_message = "create = false creates no document"
  }
  assert {
    condition     = output.document_name == "SSM-SessionManagerRunShell" && output.log_prefix == "${EXAMPLE.logPrefix}"
    error_message = "the outputs still name the document and the prefix for instance-access and operator-access"
  }
  assert {
    condition     = output.document_arn == null && output.content == null
    error_message = "no document, no ARN or body"
  }
}
`,
    "upgrade.tftest.hcl": `# Generated by \`npm run build:terraform-modules\`: upgrading from 0.1 (no create toggle) keeps the document
# (moved.tf moves aws_ssm_document.this to this[0]), proven by applying 0.1's address, then this module on its state.
mock_provider "aws" {
${mockDefaults()}}

run "release_0_1_0" {
  state_key = "0.1.0"
  module {
    source = "./tests/releases/0.1.0"
  }
}

run "upgrade_from_0_1_0" {
  state_key = "0.1.0"
  variables {
    log_group_arn = "${EXAMPLE.logGroupArn}"
    kms_key_arn   = "${EXAMPLE.kmsKeyArn}"
  }
  assert {
    condition     = aws_ssm_document.this[0].id == run.release_0_1_0.document_id
    error_message = "the document moves to this[0] (no destroy/create)"
  }
}
`,
    "releases/0.1.0/main.tf": `# Generated by \`npm run build:terraform-modules\`: the session-preferences document as release 0.1.0 declared it.
resource "aws_ssm_document" "this" {
  name            = "SSM-SessionManagerRunShell"
  document_type   = "Session"
  document_format = "JSON"
  content         = jsonencode({ schemaVersion = "1.0", sessionType = "Standard_Stream", inputs = {} })
}

output "document_id" {
  value = aws_ssm_document.this.id
}
`,
    "former-names.tftest.hcl": `# Generated by \`npm run build:terraform-modules\`: the inputs' 0.1 names still work for one release (with a
# warning: the check blocks of aliases.tf), and give the same document as the new names.
mock_provider "aws" {
${mockDefaults()}}

run "former_names" {
  command = plan
  variables {
    s3_bucket_name            = "${EXAMPLE.logBucketName}"
    s3_key_prefix             = "${EXAMPLE.logPrefix}"
    cloudwatch_log_group_name = "${EXAMPLE.logGroupName}"
    kms_key_id                = "${EXAMPLE.kmsKeyArn}"
  }
  expect_failures = [
    check.deprecated_s3_bucket_name,
    check.deprecated_s3_key_prefix,
    check.deprecated_cloudwatch_log_group_name,
    check.deprecated_kms_key_id,
  ]
${namesExampleDestinations("s3_bucket_name still names the bucket", "cloudwatch_log_group_name still names the log group")}
  assert {
    condition     = output.log_prefix == "${EXAMPLE.logPrefix}"
    error_message = "s3_key_prefix still sets the prefix"
  }
  assert {
    condition     = jsondecode(aws_ssm_document.this[0].content).inputs.kmsKeyId == "${EXAMPLE.kmsKeyArn}"
    error_message = "kms_key_id still sets the key"
  }
}

run "new_names" {
  command = plan
  variables {
    log_bucket_arn = "${EXAMPLE.logBucketArn}"
    log_prefix     = "${EXAMPLE.logPrefix}"
    log_group_arn  = "${EXAMPLE.logGroupArn}"
    kms_key_arn    = "${EXAMPLE.kmsKeyArn}"
  }
${namesExampleDestinations("the bucket's name is read from its ARN", "the log group's name is read from its ARN")}
}

run "the_new_name_wins" {
  command = plan
  variables {
    log_bucket_arn = "${EXAMPLE.logBucketArn}"
    s3_bucket_name = "another-bucket-111111111111"
    kms_key_arn    = "${EXAMPLE.kmsKeyArn}"
  }
  expect_failures = [check.deprecated_s3_bucket_name]
  assert {
    condition     = jsondecode(aws_ssm_document.this[0].content).inputs.s3BucketName == "${EXAMPLE.logBucketName}"
    error_message = "log_bucket_arn wins over the deprecated s3_bucket_name"
  }
}
`,
  },
  checks: [
    {
      condition: `jsondecode(output.content).inputs.cloudWatchLogGroupName == "${EXAMPLE.logGroupName}"`,
      message: "sessions go to the given log group",
    },
    {
      condition: `jsondecode(output.content).inputs.s3BucketName == "${EXAMPLE.logBucketName}"`,
      message: "sessions go to the given bucket",
    },
    {
      condition: `output.log_prefix == "${EXAMPLE.logPrefix}"`,
      message: "log_prefix is the prefix the document writes under",
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
