/**
 * The registry modules, each generated from the constructs it names. Validation blocks mirror what the
 * constructs and the environment schema check (Terraform's regex is RE2: no look-around, so bucket-name rules are
 * spelled out).
 */
import { TAGS_VARIABLE, TAGS_VARIABLE_NOTHING_TAGGABLE } from "./tags";
import { DataAwsCallerIdentity, DataAwsPartition, type KmsAlias } from "../modules/core/aws";
import {
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_KMS_DELETION_WINDOW_DAYS,
  DEFAULT_LEGACY_AGENT_SUPPORT,
  DEFAULT_LOG_EXPIRE_DAYS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_MANAGED_INSTANCE_CORE,
  DEFAULT_LOG_NONCURRENT_EXPIRE_DAYS,
  DEFAULT_SESSION_INTERFACES,
} from "../modules/core/defaults";
import {
  IAM_GROUP_NAME,
  IAM_POLICY_ARN,
  IAM_ROLE_NAME,
  INSTANCE_TYPE,
  KMS_DELETION_WINDOW_DAYS,
  LOG_RETENTION_DAYS,
  PHYSICAL_NAME_LIMITS,
  SESSION_INTERFACES,
} from "../modules/core/limits";
import { HardenedLaunchTemplate } from "../modules/instance-access";
import { INTERFACE_ACTIONS, interfaceStatementId } from "../modules/operator-access";
import {
  grantLogBucketSessionWrite,
  grantLogGroupSessionWrite,
  grantSessionKeyEncryptDecrypt,
  grantSessionKeyStart,
  SessionKey,
  SessionLogBucket,
  SessionLogGroup,
} from "../modules/session-logging";
import { PREFERENCES_DOCUMENT } from "../modules/session-preferences";
import type { TerraformStack } from "../modules/core/cdktf";
import { currentRegion, sessionLoggingInput } from "./common";
import { EXAMPLE } from "./example-values";
import { bucketNameRules, ipv4Cidr, kmsAliasRule, LOG_PREFIX, matches, tagRules, wholeNumber } from "./validations";
import { address, moduleAccessGroup, moduleInstanceRole } from "./constructs";
import { mockDefaults } from "./publishable";
import type { ModuleDefinition } from "./framework";
import { network } from "./network";
import { sessionPreferences } from "./session-preferences";

/** The account, region and partition the module is applied in (the caller's provider decides). */
function accountScope(stack: TerraformStack) {
  return {
    account: new DataAwsCallerIdentity(stack, "caller").accountId,
    region: currentRegion(stack),
    partition: new DataAwsPartition(stack, "partition").partition,
  };
}

export const instanceAccess: ModuleDefinition = {
  name: "instance-access",
  constructs: ["InstanceRole", "HardenedLaunchTemplate"],
  npmSubpath: "instance-access",
  summary:
    "The identity and launch template of instances reached through Session Manager: an instance role and profile " +
    "trusted by ec2.amazonaws.com with only what the SSM Agent needs plus session-logging writes to the given " +
    "log group, bucket prefix and key, and a launch template with no public IP, IMDSv2 required and an encrypted " +
    "root volume.",
  notes: [
    "AmazonSSMManagedInstanceCore is an explicit opt-in (`managed_instance_core`): it adds Run Command and Patch " +
      "Manager, and `ssm:GetParameter(s)` on every parameter of the account.",
    "Construct-only: Default Host Management Configuration (`DefaultHostManagement`).",
  ],
  variables: [
    {
      name: "role_name",
      type: "string",
      description: "Name of the instance role and instance profile.",
      validations: [
        {
          condition: matches(IAM_ROLE_NAME, "var.role_name"),
          errorMessage:
            `role_name must be 1-${PHYSICAL_NAME_LIMITS.iamRole} characters ` + "of letters, digits and +=,.@_-.",
        },
      ],
      example: EXAMPLE.instanceRoleName,
    },
    {
      name: "legacy_agent_support",
      type: "bool",
      description: "Keep the ec2messages actions for SSM Agent older than 3.3.40.0.",
      default: DEFAULT_LEGACY_AGENT_SUPPORT,
      example: false,
    },
    {
      name: "managed_instance_core",
      type: "bool",
      description:
        "Also attach AmazonSSMManagedInstanceCore (Run Command, Patch Manager; adds ssm:GetParameter* on *).",
      default: DEFAULT_MANAGED_INSTANCE_CORE,
    },
    {
      name: "permissions_boundary_arn",
      type: "string",
      description: "Permissions boundary for the role (null: none).",
      default: null,
      validations: [
        {
          condition:
            "var.permissions_boundary_arn == null || " + matches(IAM_POLICY_ARN, "var.permissions_boundary_arn"),
          errorMessage: "permissions_boundary_arn must be an IAM managed policy ARN.",
        },
      ],
    },
    sessionLoggingInput("log_group_arn", "ARN of the session log group the agent writes to."),
    sessionLoggingInput("log_bucket_arn", "ARN of the session-log bucket."),
    {
      name: "log_prefix",
      type: "string",
      description:
        "Key prefix the instances may write session logs under: the one the preferences document sends them to " +
        "(the session-preferences module's log_prefix output).",
      validations: [
        {
          condition: matches(LOG_PREFIX, "var.log_prefix"),
          errorMessage: "log_prefix must be a key prefix without leading or trailing /.",
        },
      ],
      example: EXAMPLE.logPrefix,
      wiredFrom: "module.session_preferences.log_prefix",
    },
    sessionLoggingInput("kms_key_arn", "ARN of the session KMS key (kms:Decrypt and kms:GenerateDataKey)."),
    {
      name: "instance_type",
      type: "string",
      description: "Instance type of the launch template.",
      default: DEFAULT_INSTANCE_TYPE,
      validations: [
        {
          condition: matches(INSTANCE_TYPE, "var.instance_type"),
          errorMessage: "instance_type must be an EC2 instance type.",
        },
      ],
    },
    {
      name: "architecture",
      type: "string",
      description: "Architecture of the Amazon Linux 2023 AMI (match the instance type).",
      default: "arm64",
      validations: [
        {
          condition: 'contains(["arm64", "x86_64"], var.architecture)',
          errorMessage: "architecture must be arm64 or x86_64.",
        },
      ],
    },
    {
      name: "security_group_ids",
      type: "list(string)",
      description: "Security groups of the instances (the network module's instance_security_group_id).",
      validations: [
        { condition: "length(var.security_group_ids) > 0", errorMessage: "Give at least one security group." },
      ],
      example: ["sg-0a1b2c3d4e5f60001"],
      wiredFrom: "[module.network.instance_security_group_id]",
    },
    {
      name: "instance_tags",
      type: "map(string)",
      description:
        "Tags applied to instances and volumes launched from the template; operator access groups match them " +
        "(the target_instance_tags output).",
      default: {},
      validations: tagRules("instance_tags"),
      example: EXAMPLE.instanceTags,
    },
    TAGS_VARIABLE,
  ],
  build(stack, v) {
    const role = moduleInstanceRole(
      stack,
      "InstanceRole",
      { roleName: v.string("role_name"), permissionsBoundaryArn: v.string("permissions_boundary_arn") },
      {
        legacyAgentSupport: v.bool("legacy_agent_support"),
        managedInstanceCore: v.bool("managed_instance_core"),
        partition: new DataAwsPartition(stack, "partition").partition,
      },
    );
    // The same grants the logging constructs give, to resources passed in by ARN.
    grantLogGroupSessionWrite(role, v.string("log_group_arn"));
    grantLogBucketSessionWrite(role, v.string("log_bucket_arn"), v.string("log_prefix"));
    grantSessionKeyEncryptDecrypt(role, v.string("kms_key_arn"));
    const lt = new HardenedLaunchTemplate(stack, "LaunchTemplate", {
      name: v.string("role_name"),
      instanceType: v.string("instance_type"),
      architecture: v.string("architecture"),
      instanceProfile: role.instanceProfile,
      securityGroupIds: v.list("security_group_ids"),
      instanceTags: v.stringMap("instance_tags"),
    });
    return [
      { name: "role_name", description: "Name of the instance role.", value: role.role.name },
      { name: "role_arn", description: "ARN of the instance role.", value: role.role.arn },
      { name: "instance_profile_name", description: "Name of the instance profile.", value: role.instanceProfile.name },
      { name: "instance_profile_arn", description: "ARN of the instance profile.", value: role.instanceProfile.arn },
      { name: "launch_template_id", description: "Id of the hardened launch template.", value: lt.template.id },
      {
        name: "instance_policy_json",
        description: "The instance role's inline policy (for review).",
        value: role.policy.policy,
      },
      {
        name: "target_instance_tags",
        description:
          "The instance_tags the launch template gives instances, one value per key: the operator-access module's " +
          "target_instance_tags input.",
        value: `\${{ for k in keys(${v.string("instance_tags")}) : k => [${address(lt.template)}.tag_specifications[0].tags[k]] }}`,
      },
    ];
  },
  checks: [
    { condition: `output.role_name == "${EXAMPLE.instanceRoleName}"`, message: "the role takes role_name" },
    { condition: 'output.launch_template_id == "lt-0123456789abcdef0"', message: "the launch template is created" },
    {
      condition: '!strcontains(output.instance_policy_json, "ec2messages:")',
      message: "legacy_agent_support = false leaves out the ec2messages actions",
    },
    {
      condition: `strcontains(output.instance_policy_json, "${EXAMPLE.logBucketArn}/${EXAMPLE.logPrefix}/*")`,
      message: "log writes are limited to the environment's prefix",
    },
    {
      condition: `jsonencode(output.target_instance_tags) == jsonencode({ Team = ["platform"] })`,
      message: "operators are given the tags the launch template applies",
    },
  ],
};

export const operatorAccess: ModuleDefinition = {
  name: "operator-access",
  constructs: ["AccessGroup"],
  npmSubpath: "operator-access",
  summary:
    "One access group of operators: an IAM group (and optionally existing roles) allowed to start Session Manager " +
    "shell sessions on instances with the given tags only, through the logged preferences document, with the " +
    "document access check, their own sessions only for terminate/resume, no SendCommand, no changes to the " +
    "preferences document, MFA required, an optional source-network restriction, and the read permissions of the " +
    "chosen interfaces (CLI, Session Manager console, EC2 console) only.",
  notes: [
    "Tags are matched with StringEquals (never ...IfExists): an untagged instance is never reachable.",
    "Construct-only: port forwarding (a Port document per host:port), SSH, and Identity Center permission sets.",
  ],
  variables: [
    {
      name: "name",
      type: "string",
      description: "Name of the IAM group and of the role policies.",
      validations: [
        {
          condition: matches(IAM_GROUP_NAME, "var.name"),
          errorMessage: `name must be 1-${PHYSICAL_NAME_LIMITS.iamGroup} characters of letters, digits and +=,.@_-.`,
        },
      ],
      example: EXAMPLE.accessGroupName,
    },
    {
      name: "target_instance_tags",
      type: "map(list(string))",
      description:
        "Instance tags the group may reach: every key must match one of its values (the instance-access module's " +
        "target_instance_tags output). Required.",
      default: null,
      formerly: { name: "instance_tags", hint: "the same map: tags an instance must carry to be reached" },
      validations: [
        {
          condition: "length(var.target_instance_tags) > 0",
          errorMessage: "Name at least one tag; without one the group would reach every instance.",
        },
        {
          condition: "alltrue([for k, v in var.target_instance_tags : length(v) > 0])",
          errorMessage: "Every tag needs at least one value.",
        },
        ...tagRules("target_instance_tags", true),
      ],
      example: Object.fromEntries(Object.entries(EXAMPLE.instanceTags).map(([k, x]) => [k, [x]])),
      wiredFrom: "module.instance_access.target_instance_tags",
    },
    {
      name: "shell_document_name",
      type: "string",
      description: "The session preferences document operators start shells with (logged).",
      default: PREFERENCES_DOCUMENT,
      wiredFrom: "module.session_preferences.document_name",
    },
    {
      name: "role_names",
      type: "list(string)",
      description: "Existing IAM roles that also get the policy inline.",
      default: [],
      validations: [
        {
          condition: `alltrue([for r in var.role_names : ${matches(IAM_ROLE_NAME, "r")}])`,
          errorMessage:
            "Every role_names entry must be an IAM role name " +
            `(1-${PHYSICAL_NAME_LIMITS.iamRole} of letters, digits and +=,.@_-).`,
        },
      ],
      example: ["developer"],
    },
    {
      name: "require_mfa",
      type: "bool",
      description: "Deny StartSession/ResumeSession without MFA (long-term access keys included).",
      default: true,
    },
    {
      name: "interfaces",
      type: "list(string)",
      description:
        `Where members may start sessions from, any combination of ${SESSION_INTERFACES.join(", ")}: each console ` +
        "adds its read-only prerequisites (no wider reach: no instance or document is added); cli needs none. IAM " +
        "cannot tell a console request from a CLI one: a member holding those reads from another policy can still " +
        "use a console.",
      default: [...DEFAULT_SESSION_INTERFACES],
      validations: [
        {
          condition: `length(var.interfaces) > 0 && length(distinct(var.interfaces)) == length(var.interfaces) && alltrue([for i in var.interfaces : contains([${SESSION_INTERFACES.map((i) => JSON.stringify(i)).join(", ")}], i)])`,
          errorMessage: `interfaces must name at least one of ${SESSION_INTERFACES.join(", ")}, each once.`,
        },
      ],
      example: ["cli", "session-manager-console"],
    },
    {
      name: "source_cidrs",
      type: "list(string)",
      description: "Only allow sessions from these source addresses (empty: no restriction).",
      default: [],
      validations: [
        {
          condition: `alltrue([for c in var.source_cidrs : ${ipv4Cidr("c")}])`,
          errorMessage:
            "source_cidrs must be IPv4 CIDRs without host bits set, and not /0 (omit the restriction instead).",
        },
      ],
    },
    sessionLoggingInput(
      "kms_key_arn",
      "ARN of the session KMS key (kms:GenerateDataKey for encrypted sessions). Required.",
      { default: null, formerly: { name: "session_key_arn" } },
    ),
    TAGS_VARIABLE_NOTHING_TAGGABLE,
  ],
  build(stack, v) {
    const group = moduleAccessGroup(
      stack,
      "AccessGroup",
      {
        ...accountScope(stack),
        name: v.string("name"),
        description: "Session Manager access group",
        instanceTags: v.listMap("target_instance_tags"),
        shellDocumentName: v.string("shell_document_name"),
        iamGroup: true,
        roleNames: v.list("role_names"),
        sourceCidrs: v.list("source_cidrs"),
        preferencesDocumentName: v.string("shell_document_name"),
      },
      { requireMfa: v.bool("require_mfa"), interfaces: v.list("interfaces") },
    );
    grantSessionKeyStart(group, v.string("kms_key_arn"));
    return [
      { name: "group_name", description: "Name of the IAM group; add operators to it.", value: group.iamGroup!.name },
      { name: "group_arn", description: "ARN of the IAM group.", value: group.iamGroup!.arn },
      {
        name: "policy_json",
        description: "The group's identity policy (for review).",
        value: group.groupPolicy!.policy,
      },
    ];
  },
  tests: {
    "former-names.tftest.hcl": `# Generated by \`npm run build:terraform-modules\`: the 0.1 input names still work for one release (with a
# warning: the check blocks of aliases.tf), and one of the two names of a required input must be given.
mock_provider "aws" {
${mockDefaults()}}

variables {
  name = "${EXAMPLE.accessGroupName}"
}

run "former_names" {
  command = plan
  variables {
    instance_tags   = { Team = ["platform"] }
    session_key_arn = "${EXAMPLE.kmsKeyArn}"
  }
  expect_failures = [check.deprecated_instance_tags, check.deprecated_session_key_arn]
  assert {
    condition     = jsondecode(aws_iam_group_policy.this.policy).Statement[0].Condition.StringEquals["ssm:resourceTag/Team"] == ["platform"]
    error_message = "instance_tags still names the tags the group may reach"
  }
  assert {
    condition     = strcontains(aws_iam_group_policy.this.policy, "${EXAMPLE.kmsKeyArn}")
    error_message = "session_key_arn still names the session key"
  }
}

run "the_key_under_neither_name" {
  command = plan
  variables {
    target_instance_tags = { Team = ["platform"] }
  }
  expect_failures = [aws_iam_group_policy.this]
}

run "the_tags_under_neither_name" {
  command = plan
  variables {
    kms_key_arn = "${EXAMPLE.kmsKeyArn}"
  }
  expect_failures = [aws_iam_group_policy.this]
}
`,
    "interfaces.tftest.hcl": `# Generated by \`npm run build:terraform-modules\`: each console's read statement exists exactly when
# var.interfaces names it; the default (the CLI only) has none; an unknown, repeated or missing name is refused.
mock_provider "aws" {
${mockDefaults()}}

variables {
  name                 = "${EXAMPLE.accessGroupName}"
  target_instance_tags = { Team = ["platform"] }
  kms_key_arn          = "${EXAMPLE.kmsKeyArn}"
}

run "cli_only_by_default" {
  command = plan
  assert {
    condition     = length([for s in jsondecode(aws_iam_group_policy.this.policy).Statement : s if endswith(try(s.Sid, ""), "ConsoleReads")]) == 0
    error_message = "the CLI needs no console read permissions"
  }
}

run "session_manager_console" {
  command = plan
  variables {
    interfaces = ["cli", "session-manager-console"]
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_group_policy.this.policy).Statement : s.Action if try(s.Sid, "") == "${interfaceStatementId("session-manager-console")}"] == [${JSON.stringify(INTERFACE_ACTIONS["session-manager-console"])}]
    error_message = "the Session Manager console gets exactly its reads"
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_group_policy.this.policy).Statement : s if try(s.Sid, "") == "${interfaceStatementId("ec2-console")}"]) == 0
    error_message = "the EC2 console's reads only when it is named"
  }
}

run "both_consoles" {
  command = plan
  variables {
    interfaces = ["ec2-console", "session-manager-console"]
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_group_policy.this.policy).Statement : s if endswith(try(s.Sid, ""), "ConsoleReads") && s.Resource == "*"]) == 2
    error_message = "each named console gets its own read statement, on no resource"
  }
}

run "unknown_interface" {
  command = plan
  variables {
    interfaces = ["console"]
  }
  expect_failures = [var.interfaces]
}

run "repeated_interface" {
  command = plan
  variables {
    interfaces = ["cli", "cli"]
  }
  expect_failures = [var.interfaces]
}

run "no_interface" {
  command = plan
  variables {
    interfaces = []
  }
  expect_failures = [var.interfaces]
}
`,
  },
  checks: [
    { condition: `output.group_name == "${EXAMPLE.accessGroupName}"`, message: "the group takes name" },
    {
      condition:
        'jsondecode(output.policy_json).Statement[0].Condition.StringEquals["ssm:resourceTag/Team"] == ["platform"]',
      message: "StartSession is limited to the instance tags, with StringEquals",
    },
    {
      condition:
        "jsondecode(output.policy_json).Statement[0].Condition" +
        '.BoolIfExists["ssm:SessionDocumentAccessCheck"] == "true"',
      message: "StartSession carries the document access check",
    },
    {
      condition: 'strcontains(output.policy_json, "$${aws:userid}")',
      message: "the IAM policy variable reaches IAM literally",
    },
    {
      condition:
        'length([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenySessionsWithoutMfa"]) == 1',
      message: "MFA is required by default",
    },
    {
      condition:
        "length([for s in jsondecode(output.policy_json).Statement : " +
        's if s.Sid == "DenySessionsFromOtherAddresses"]) == 0',
      message: "no source restriction when source_cidrs is empty",
    },
  ],
};

export const sessionLogging: ModuleDefinition = {
  name: "session-logging",
  constructs: ["SessionKey", "SessionLogGroup", "SessionLogBucket"],
  npmSubpath: "session-logging",
  summary:
    "Where sessions are recorded: a KMS key (rotation on, CloudWatch Logs admitted only for the session log group), " +
    "a KMS-encrypted CloudWatch log group kept on destroy, and an S3 log bucket that is owner-enforced, private, " +
    "SSE-KMS, versioned, TLS-only, refuses uploads naming another key, expires old logs and is protected from " +
    "destroy.",
  notes: [
    "The key and the bucket have `prevent_destroy`; the log group has `skip_destroy`: removing the module never " +
      "deletes logs or the key that decrypts them.",
    "Construct-only: S3 Object Lock, access logging and the audit alerts (`AuditAlerts`).",
  ],
  variables: [
    {
      name: "kms_key_alias",
      type: "string",
      description: "Alias of the session key.",
      validations: [kmsAliasRule("kms_key_alias")],
      example: EXAMPLE.kmsKeyAlias,
    },
    {
      name: "kms_deletion_window_days",
      type: "number",
      description: "Days before a scheduled key deletion happens.",
      default: DEFAULT_KMS_DELETION_WINDOW_DAYS,
      validations: [wholeNumber("kms_deletion_window_days", KMS_DELETION_WINDOW_DAYS)],
    },
    {
      name: "log_group_name",
      type: "string",
      description: "Name of the session log group.",
      validations: [
        {
          condition: 'can(regex("^[.\\\\-_/#A-Za-z0-9]{1,512}$", var.log_group_name))',
          errorMessage: "log_group_name must be 1-512 characters of letters, digits and ._-/#.",
        },
      ],
      example: EXAMPLE.logGroupName,
    },
    {
      name: "log_retention_days",
      type: "number",
      description: "Days CloudWatch Logs keeps session logs.",
      default: DEFAULT_LOG_RETENTION_DAYS,
      validations: [
        {
          condition: `contains([${LOG_RETENTION_DAYS.join(", ")}], var.log_retention_days)`,
          errorMessage: `log_retention_days must be one of ${LOG_RETENTION_DAYS.join(", ")}.`,
        },
      ],
    },
    {
      name: "log_bucket_name",
      type: "string",
      description: "Name of the session-log bucket. Required.",
      default: null,
      formerly: { name: "bucket_name" },
      validations: bucketNameRules("var.log_bucket_name"),
      example: EXAMPLE.logBucketName,
    },
    {
      name: "expire_days",
      type: "number",
      description: "Days before session logs in S3 expire.",
      default: DEFAULT_LOG_EXPIRE_DAYS,
      validations: [wholeNumber("expire_days", { min: 1 })],
    },
    {
      name: "noncurrent_expire_days",
      type: "number",
      description:
        "Days before overwritten or deleted log versions expire (at least expire_days: an overwritten transcript is kept as long as the others).",
      default: DEFAULT_LOG_NONCURRENT_EXPIRE_DAYS,
      validations: [wholeNumber("noncurrent_expire_days", { min: 1 })],
    },
    TAGS_VARIABLE,
  ],
  build(stack, v) {
    const scope = accountScope(stack);
    const key = new SessionKey(stack, "SessionKey", {
      ...scope,
      alias: v.string("kms_key_alias"),
      deletionWindowDays: v.number("kms_deletion_window_days"),
      logGroupNamePattern: v.string("log_group_name"),
    });
    const group = new SessionLogGroup(stack, "SessionLogGroup", {
      name: v.string("log_group_name"),
      retentionDays: v.number("log_retention_days"),
      encryptionKey: key,
    });
    const bucket = new SessionLogBucket(stack, "SessionLogBucket", {
      bucketName: v.string("log_bucket_name"),
      encryptionKey: key,
      expireDays: v.number("expire_days"),
      noncurrentExpireDays: v.number("noncurrent_expire_days"),
    });
    const alias = key.node.findChild("Alias") as KmsAlias;
    const bucketName = bucket.bucket.bucket;
    const logGroupName = group.resource.name;
    // The ARNs are formed from the resources' names (S3 and CloudWatch Logs ARNs are exactly that), so they are
    // known at plan time: the instance role's and the network's policies show in the plan instead of
    // "(known after apply)", and a mocked provider needs no ARN for them.
    const bucketArn = `arn:${scope.partition}:s3:::${bucketName}`;
    const logGroupArn = `arn:${scope.partition}:logs:${scope.region}:${scope.account}:log-group:${logGroupName}`;
    return [
      {
        name: "kms_key_arn",
        description:
          "ARN of the session key: the kms_key_arn input of session-preferences, instance-access and operator-access.",
        value: key.keyArn,
      },
      { name: "kms_key_alias", description: "Alias of the session key.", value: alias.name },
      {
        name: "log_group_name",
        description: "Name of the session log group.",
        value: logGroupName,
      },
      {
        name: "log_group_arn",
        description:
          "ARN of the session log group: the log_group_arn input of session-preferences and instance-access.",
        value: logGroupArn,
      },
      { name: "log_bucket_name", description: "Name of the session-log bucket.", value: bucketName },
      {
        name: "log_bucket_arn",
        description:
          "ARN of the session-log bucket: the log_bucket_arn input of session-preferences, instance-access and network.",
        value: bucketArn,
      },
      {
        name: "bucket_name",
        description: "Deprecated: use log_bucket_name (this output is removed in the next minor release).",
        value: bucketName,
      },
      {
        name: "bucket_arn",
        description: "Deprecated: use log_bucket_arn (this output is removed in the next minor release).",
        value: bucketArn,
      },
    ];
  },
  tests: {
    "former-names.tftest.hcl": `# Generated by \`npm run build:terraform-modules\`: the 0.1 input name bucket_name still works for one release
# (with a warning: the check block of aliases.tf); the bucket's name is required under one of its two names.
# Plan only: the key and the bucket keep prevent_destroy.
mock_provider "aws" {
  override_during = plan
${mockDefaults()}}

variables {
  kms_key_alias  = "${EXAMPLE.kmsKeyAlias}"
  log_group_name = "${EXAMPLE.logGroupName}"
}

run "former_name" {
  command = plan
  variables {
    bucket_name = "${EXAMPLE.logBucketName}"
  }
  expect_failures = [check.deprecated_bucket_name]
  assert {
    condition     = aws_s3_bucket.this.bucket == "${EXAMPLE.logBucketName}" && output.log_bucket_arn == "${EXAMPLE.logBucketArn}"
    error_message = "bucket_name still names the bucket"
  }
  assert {
    condition     = output.bucket_arn == output.log_bucket_arn
    error_message = "the deprecated bucket_arn output is log_bucket_arn"
  }
}

run "the_bucket_under_neither_name" {
  command = plan
  expect_failures = [aws_s3_bucket.this]
}
`,
  },
  checks: [
    {
      condition: `output.log_group_name == "${EXAMPLE.logGroupName}"`,
      message: "the log group takes log_group_name",
    },
    {
      condition: `output.log_group_arn == "${EXAMPLE.logGroupArn}"`,
      message: "the log group's ARN is known at plan time, in the account and region of the provider",
    },
    {
      condition: `output.log_bucket_name == "${EXAMPLE.logBucketName}"`,
      message: "the bucket takes log_bucket_name",
    },
    {
      condition: `output.log_bucket_arn == "${EXAMPLE.logBucketArn}"`,
      message: "the bucket's ARN is known at plan time",
    },
    {
      condition: `output.kms_key_alias == "${EXAMPLE.kmsKeyAlias}"`,
      message: "the key alias takes kms_key_alias",
    },
  ],
};

export const MODULES: readonly ModuleDefinition[] = [
  network,
  instanceAccess,
  operatorAccess,
  sessionLogging,
  sessionPreferences,
];
