import { pullRequestPlans, type CiConfig } from "../loader/ci";
import type { EnvironmentConfig } from "../loader/schema";
import {
  AwsProvider,
  IamOpenidConnectProvider,
  IamPolicy,
  IamRole,
  IamRolePolicy,
  IamRolePolicyAttachment,
} from "../modules/core/aws";
import { Construct, Fn, LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "../modules/core/cdktf";
import { renderPolicy, type Conditions, type Statement } from "../modules/core/iam";
import { breakGlassRoleName, logGroupName, physicalName } from "../modules/core/naming";
import { compareText } from "../modules/core/order";
import { enableGuardrails, suppress } from "../modules/guardrails";
import { DEFAULT_SECURITY_GROUP_SUFFIX } from "../modules/network-security";
import { BreakGlassRole } from "../modules/operator-access";
import { PREFERENCES_DOCUMENT } from "../modules/session-preferences";
import {
  BOUNDARY_STATEMENTS,
  boundaryPolicyName,
  environmentBoundaryArn,
  partitionOf,
  projectBoundaryArn,
} from "./permissions-boundary";
import { breakGlassPolicyProps } from "./operator-policy-props";
import type { ISummarized } from "./summary";

export { partitionOf } from "./permissions-boundary";

export interface CiStackProps {
  readonly environments: readonly EnvironmentConfig[];
  readonly ci: CiConfig;
}

/** GitHub's OIDC issuer (host) and the audience configure-aws-credentials asks for. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/** Thumbprints of GitHub's issuer certificates (IAM no longer checks them for this issuer; the API still takes them). */
const GITHUB_THUMBPRINTS = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"];

/** The OIDC provider's ARN is fixed by account and host, so policies can name it whether it is created or reused. */
export function oidcProviderArn(env: EnvironmentConfig): string {
  return `arn:${partitionOf(env.region)}:iam::${env.account}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

export const roleName = (env: EnvironmentConfig, kind: "plan" | "apply") => `${env.project}-${env.name}-ci-${kind}`;

/** A GitHub claim as an IAM condition key (AWS STS evaluates GitHub's claims since early 2026; aws-facts §30). */
export const claim = (name: string) => `${GITHUB_OIDC_HOST}:${name}`;

/**
 * `sub` claims GitHub puts in a job's token (docs: "Example subject claims"), in each format ci.yaml accepts:
 * named `repo:OWNER/REPO:<context>` and immutable `repo:OWNER-<ownerId>/REPO-<repositoryId>:<context>`.
 */
export function subjects(ci: CiConfig, context: string): string[] {
  const g = ci.github;
  return ci.github.subjectFormats.map((format) =>
    format === "named"
      ? `repo:${g.owner}/${g.repository}:${context}`
      : `repo:${g.owner}-${g.ownerId}/${g.repository}-${g.repositoryId}:${context}`,
  );
}

/** `job_workflow_ref` of a job of `workflow` as the default branch has it: the reviewed code, nothing else. */
export const workflowRef = (ci: CiConfig, workflow: string) =>
  `${ci.github.owner}/${ci.github.repository}/${workflow}@refs/heads/${ci.github.defaultBranch}`;

/** The claims every CI role requires: GitHub's audience for AWS and this repository by its immutable ids. */
const repositoryClaims = (ci: CiConfig) => ({
  [claim("aud")]: GITHUB_OIDC_AUDIENCE,
  [claim("repository_id")]: ci.github.repositoryId,
  [claim("repository_owner_id")]: ci.github.ownerId,
});

function webIdentity(env: EnvironmentConfig, sid: string, conditions: Conditions): Statement {
  return {
    sid,
    effect: "Allow",
    principals: { Federated: [oidcProviderArn(env)] },
    actions: ["sts:AssumeRoleWithWebIdentity"],
    conditions,
  };
}

/**
 * Plan role trust: the plan workflow of the default branch (apply.yml's plan job, drift), and this repository's pull
 * requests unless the environment is protected (required reviewers in ci.yaml) without the written opt-in. A pull
 * request's token carries the workflow the pull request itself may have edited: the plan role is read-only.
 */
export function planTrust(env: EnvironmentConfig, ci: CiConfig): Statement[] {
  const ref = `refs/heads/${ci.github.defaultBranch}`;
  return [
    webIdentity(env, "DefaultBranchPlans", {
      StringEquals: {
        ...repositoryClaims(ci),
        [claim("sub")]: subjects(ci, `ref:${ref}`),
        [claim("ref")]: ref,
        [claim("job_workflow_ref")]: workflowRef(ci, ci.github.workflows.plan),
      },
    }),
    ...(pullRequestPlans(ci, env.name)
      ? [
          webIdentity(env, "PullRequestPlans", {
            StringEquals: { ...repositoryClaims(ci), [claim("sub")]: subjects(ci, "pull_request") },
            StringLike: { [claim("ref")]: "refs/pull/*/merge" },
          }),
        ]
      : []),
  ];
}

/**
 * Apply role trust: only the apply workflow as the default branch has it (`job_workflow_ref`), run for the default
 * branch (`ref`: no branch, dispatch from a branch or pull request), in the GitHub environment of that name, of this
 * repository by its immutable ids (no other repository of the organization, no fork, no recreated namesake).
 */
export function applyTrust(env: EnvironmentConfig, ci: CiConfig): Statement[] {
  return [
    webIdentity(env, "ReviewedApplyWorkflow", {
      StringEquals: {
        ...repositoryClaims(ci),
        [claim("sub")]: subjects(ci, `environment:${env.name}`),
        [claim("environment")]: env.name,
        [claim("ref")]: `refs/heads/${ci.github.defaultBranch}`,
        [claim("job_workflow_ref")]: workflowRef(ci, ci.github.workflows.apply),
      },
    }),
  ];
}

/** The state object and its S3 lock object (`use_lockfile`), and the DynamoDB lock table when used. */
function stateStatements(env: EnvironmentConfig, write: boolean): Statement[] {
  const p = partitionOf(env.region);
  const state = env.state;
  if (!state.bucket) return [];
  const key = `arn:${p}:s3:::${state.bucket}/${state.keyPrefix}/${env.name}.tfstate`;
  const out: Statement[] = [
    { sid: "StateList", effect: "Allow", actions: ["s3:ListBucket"], resources: [`arn:${p}:s3:::${state.bucket}`] },
    {
      sid: "StateRead",
      effect: "Allow",
      actions: write ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"],
      resources: [key],
    },
  ];
  // Plans run with -lock=false (terraform-plan.sh): only the apply takes the lock.
  if (!write) return out;
  out.push({
    sid: "StateLock",
    effect: "Allow",
    actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
    resources: [`${key}.tflock`],
  });
  if (state.locking !== "lockfile" && state.dynamodbTable)
    out.push({
      sid: "StateLockTable",
      effect: "Allow",
      actions: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
      resources: [`arn:${p}:dynamodb:${state.region ?? env.region}:${env.account}:table/${state.dynamodbTable}`],
    });
  return out;
}

/**
 * Read-only actions a plan of an environment stack needs to refresh what it manages. Deliberately not `*:Get*`:
 * no s3:GetObject (session logs), no logs:GetLogEvents / FilterLogEvents (session transcripts), no
 * ec2:GetPasswordData or console output, no ssm:GetParameter outside AWS's public parameters.
 */
export const PLAN_READ_ACTIONS = [
  "ec2:Describe*",
  "ec2:GetManagedPrefixListEntries",
  "iam:Get*",
  "iam:List*",
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListResourceTags",
  "logs:DescribeLogGroups",
  "logs:DescribeMetricFilters",
  "logs:DescribeSubscriptionFilters",
  "logs:ListTagsForResource",
  "logs:ListTagsLogGroup",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucket*",
  "s3:GetEncryptionConfiguration",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:ListBucket",
  "s3:GetObjectLockConfiguration",
  "ssm:DescribeDocument",
  "ssm:DescribeDocumentPermission",
  "ssm:GetDocument",
  "ssm:GetServiceSetting",
  "ssm:ListTagsForResource",
  "sns:GetSubscriptionAttributes",
  "sns:GetTopicAttributes",
  "sns:ListSubscriptionsByTopic",
  "sns:ListTagsForResource",
  "events:DescribeRule",
  "events:ListTagsForResource",
  "events:ListTargetsByRule",
  "cloudwatch:DescribeAlarms",
  "cloudwatch:ListTagsForResource",
  // The session audit kit: dashboard, saved queries, the session-starts resource policy, the transcripts table.
  "cloudwatch:GetDashboard",
  "logs:DescribeQueryDefinitions",
  "logs:DescribeResourcePolicies",
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetTags",
  "sts:GetCallerIdentity",
  // logging.cloudTrail: the trail read through Cloud Control (the handler's read permissions) or the created trail.
  "cloudformation:GetResource",
  "cloudtrail:DescribeTrails",
  "cloudtrail:GetEventConfiguration",
  "cloudtrail:GetEventSelectors",
  "cloudtrail:GetInsightSelectors",
  "cloudtrail:GetTrail",
  "cloudtrail:GetTrailStatus",
  "cloudtrail:ListTags",
];

/** Reading session transcripts: log events, queries over them, and objects (the log bucket's and any other). */
export const TRANSCRIPT_READS = [
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
  "logs:StartQuery",
  "logs:GetQueryResults",
  "logs:StartLiveTail",
  "logs:GetLogRecord",
  "logs:Unmask",
];

/** Explicit denies both CI roles carry: no sessions or commands, no transcripts, no objects but the state. */
function transcriptDenies(env: EnvironmentConfig): Statement[] {
  const p = partitionOf(env.region);
  const stateObjects = env.state.bucket ? [`arn:${p}:s3:::${env.state.bucket}/${env.state.keyPrefix}/*`] : [];
  return [
    {
      sid: "NoSessionsOrCommands",
      effect: "Deny",
      actions: [
        "ssm:StartSession",
        "ssm:ResumeSession",
        "ssm:SendCommand",
        "ssm:StartAutomationExecution",
        "ec2-instance-connect:*",
      ],
      resources: ["*"],
    },
    { sid: "NoSessionTranscripts", effect: "Deny", actions: TRANSCRIPT_READS, resources: ["*"] },
    {
      sid: "NoObjectReadsButState",
      effect: "Deny",
      actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:RestoreObject"],
      notResources: stateObjects.length > 0 ? stateObjects : [`arn:${p}:s3:::${env.project}-no-state-bucket/*`],
    },
    {
      // The project's keys (session data, logs, alerts) are tagged Project=<project>: no CI role decrypts with them.
      sid: "NoDecryptWithProjectKeys",
      effect: "Deny",
      actions: ["kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey*", "kms:CreateGrant"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:ResourceTag/Project": env.project } },
    },
  ];
}

/** The reads both CI roles share (a managed policy attached to both). */
const READ_SIDS = ["ReadManagedResources", "ReadPublicParameters"];
export function readPolicy(env: EnvironmentConfig): Statement[] {
  const p = partitionOf(env.region);
  return [
    { sid: READ_SIDS[0], effect: "Allow", actions: PLAN_READ_ACTIONS, resources: ["*"] },
    {
      sid: READ_SIDS[1],
      effect: "Allow",
      actions: ["ssm:GetParameter", "ssm:GetParameters"],
      resources: [`arn:${p}:ssm:*::parameter/aws/service/*`],
    },
  ];
}

/** Everything the plan role holds (its inline policy and the shared reads). */
export function planPolicy(env: EnvironmentConfig): Statement[] {
  return [...readPolicy(env), ...stateStatements(env, false), ...transcriptDenies(env)];
}

/** AWS managed policies the environment stacks attach (DHMC; AmazonSSMManagedInstanceCore when opted in). */
export function attachablePolicies(env: EnvironmentConfig): string[] {
  const p = partitionOf(env.region);
  return [
    `arn:${p}:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy`,
    ...(env.instanceAccess.managedInstanceCore ? [`arn:${p}:iam::aws:policy/AmazonSSMManagedInstanceCore`] : []),
  ];
}

/** The session-log bucket's name as the environment stack names it. */
export function logBucketName(env: EnvironmentConfig): string {
  return (
    env.logging.s3.bucketName ??
    `${physicalName({ project: env.project, environment: env.name }, "session-logs")}-${env.account}`
  );
}

/** EC2 creations: the created resource must carry the environment's Project and Environment tags. */
const EC2_CREATE = [
  "CreateVpc",
  "CreateSubnet",
  "CreateRouteTable",
  "CreateSecurityGroup",
  "CreateVpcEndpoint",
  "CreateNetworkAcl",
  "CreateLaunchTemplate",
  "CreateFlowLogs",
  "RunInstances",
];
/** EC2 changes and deletes, only on resources already tagged as the environment's. */
const EC2_CHANGE = [
  "AssociateRouteTable",
  "AuthorizeSecurityGroupEgress",
  "AuthorizeSecurityGroupIngress",
  "CreateLaunchTemplateVersion",
  "CreateNetworkAclEntry",
  "CreateRoute",
  "CreateTags",
  "DeleteFlowLogs",
  "DeleteLaunchTemplate",
  "DeleteLaunchTemplateVersions",
  "DeleteNetworkAcl",
  "DeleteNetworkAclEntry",
  "DeleteRoute",
  "DeleteRouteTable",
  "DeleteSecurityGroup",
  "DeleteSubnet",
  "DeleteTags",
  "DeleteVpc",
  "DeleteVpcEndpoints",
  "DisassociateRouteTable",
  "ModifyInstanceAttribute",
  "ModifyInstanceMetadataOptions",
  "ModifyLaunchTemplate",
  "ModifySecurityGroupRules",
  "ModifySubnetAttribute",
  "ModifyVpcAttribute",
  "ModifyVpcEndpoint",
  "ReplaceNetworkAclAssociation",
  "ReplaceNetworkAclEntry",
  "ReplaceRoute",
  "ReplaceRouteTableAssociation",
  "RevokeSecurityGroupEgress",
  "RevokeSecurityGroupIngress",
  "StartInstances",
  "StopInstances",
  "TerminateInstances",
  "UpdateSecurityGroupRuleDescriptionsEgress",
  "UpdateSecurityGroupRuleDescriptionsIngress",
];
/** Security-group rule creations (the rule is a resource of its own, tagged on create). */
const EC2_RULE_CREATE = ["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"];
/** The Name suffix PrivateVpc gives a VPC's default security group, which it strips of every rule. */
const DEFAULT_GROUP_SUFFIX = DEFAULT_SECURITY_GROUP_SUFFIX;
/** Deletes the apply role may never make on a resource that is not the environment's (explicit deny). */
const EC2_FOREIGN_DELETES = [
  "DeleteVpcEndpoints",
  "ModifyVpcEndpoint",
  "DeleteVpc",
  "DeleteSubnet",
  "DeleteSecurityGroup",
  "DeleteRouteTable",
  "DeleteNetworkAcl",
  "DeleteFlowLogs",
  "DeleteLaunchTemplate",
  "TerminateInstances",
];
/** IAM changes on a role of the environment that IAM conditions on the role's boundary (iam:PermissionsBoundary). */
const IAM_ROLE_POLICY_CHANGES = ["PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy"];
/** Role changes IAM does not condition on the boundary: scoped by name. */
const IAM_ROLE_CHANGES = [
  "DeleteRole",
  "TagRole",
  "UntagRole",
  "UpdateRole",
  "UpdateRoleDescription",
  "UpdateAssumeRolePolicy",
];

/**
 * What the apply role needs for the session audit kit (modules/session-audit), unless it is waived: the alarms and
 * the dashboard by the environment's prefix, the Glue database of the transcripts table by name, saved queries (they
 * have no ARN to scope to) and, only with audit.sessionStarts, account-level CloudWatch Logs resource policies (no
 * ARN either: PutResourcePolicy can replace any named policy of the account, which is why sessionStarts is opt-in).
 */
function auditKitStatements(
  env: EnvironmentConfig,
  regional: (service: string, resource: string) => string,
): Statement[] {
  if (env.audit.waive !== undefined) return [];
  const p = partitionOf(env.region);
  const prefix = `${env.project}-${env.name}-`;
  const database = `${prefix}sessions`.replace(/-/g, "_");
  return [
    {
      sid: "AuditAlarms",
      effect: "Allow",
      actions: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        "cloudwatch:PutDashboard",
        "cloudwatch:DeleteDashboards",
      ],
      resources: [
        regional("cloudwatch", `alarm:${prefix}*`),
        `arn:${p}:cloudwatch::${env.account}:dashboard/${prefix}*`,
      ],
    },
    {
      sid: "AuditSavedQueries",
      effect: "Allow",
      actions: ["logs:PutQueryDefinition", "logs:DeleteQueryDefinition"],
      resources: ["*"],
    },
    {
      sid: "AuditCatalog",
      effect: "Allow",
      actions: [
        // Databases and tables of this one database only (the resources below); tags from the provider's default_tags.
        "glue:*Database",
        "glue:*Table",
        "glue:TagResource",
        "glue:UntagResource",
      ],
      resources: [
        regional("glue", "catalog"),
        regional("glue", `database/${database}`),
        regional("glue", `table/${database}/*`),
      ],
    },
    ...(env.audit.sessionStarts
      ? [
          {
            sid: "AuditSessionStartsDelivery",
            effect: "Allow" as const,
            actions: ["logs:PutResourcePolicy", "logs:DeleteResourcePolicy"],
            resources: ["*"],
          },
        ]
      : []),
  ];
}

/**
 * The apply role's policy, derived from what the environment stack contains: every write is scoped to the
 * environment's resources (its name prefix `<project>-<environment>-`, its log groups, bucket, alias and trail, or
 * its Project/Environment tags: on create through aws:RequestTag, on change through aws:ResourceTag), IAM roles only
 * with the permissions boundary, and explicit denies for what must never happen in an account other teams share.
 */
export function applyPolicy(env: EnvironmentConfig): Statement[] {
  const p = partitionOf(env.region);
  const prefix = `${env.project}-${env.name}-`;
  const naming = { project: env.project, environment: env.name };
  const regional = (service: string, resource: string) =>
    `arn:${p}:${service}:${env.region}:${env.account}:${resource}`;
  const iam = (resource: string) => `arn:${p}:iam::${env.account}:${resource}`;
  const ownRoles = [iam(`role/${prefix}*`), iam(`role/*/${prefix}*`)];
  const boundaries = [...new Set([projectBoundaryArn(env), environmentBoundaryArn(env)])];
  const tags = { Project: env.project, Environment: env.name };
  const requestTagged: Conditions = {
    StringEquals: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
  };
  const resourceTagged: Conditions = {
    StringEquals: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
  };
  const operatorRoles = [...new Set(env.accessGroups.flatMap((g) => g.principals.roleNames))].sort(compareText);
  const adoptedVpcs = env.vpcs.flatMap((v) => (v.mode === "adopt" ? [regional("ec2", `vpc/${v.vpcId}`)] : []));
  const bucket = `arn:${p}:s3:::${logBucketName(env)}`;
  const ec2InEnvironment = regional("ec2", "*");
  const alias = env.logging.kms.alias ?? `alias/${physicalName(naming, "sessions")}`;
  const documents = [
    regional("ssm", `document/${prefix}*`),
    ...(env.sessionPreferences.document === "none" ? [] : [regional("ssm", `document/${PREFERENCES_DOCUMENT}`)]),
  ];

  return [
    ...readPolicy(env),
    ...stateStatements(env, true),
    // IAM: roles of the environment only with the boundary, the boundary never changed, no new identity provider.
    {
      sid: "CreateRolesWithTheBoundary",
      effect: "Allow",
      actions: ["iam:CreateRole", "iam:PutRolePermissionsBoundary", ...IAM_ROLE_POLICY_CHANGES.map((a) => `iam:${a}`)],
      resources: ownRoles,
      conditions: { StringEquals: { "iam:PermissionsBoundary": boundaries } },
    },
    {
      sid: "ChangeRolesOfTheEnvironment",
      effect: "Allow",
      actions: [...IAM_ROLE_CHANGES.map((a) => `iam:${a}`)],
      resources: ownRoles,
    },
    {
      sid: "InstanceProfilesAndGroupsOfTheEnvironment",
      effect: "Allow",
      actions: [
        "iam:CreateInstanceProfile",
        "iam:DeleteInstanceProfile",
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:TagInstanceProfile",
        "iam:UntagInstanceProfile",
        "iam:CreateGroup",
        "iam:DeleteGroup",
        "iam:PutGroupPolicy",
        "iam:DeleteGroupPolicy",
      ],
      resources: [iam(`instance-profile/${prefix}*`), iam(`group/${prefix}*`), ...ownRoles],
    },
    ...(operatorRoles.length > 0
      ? [
          {
            // accessGroups[].principals.roleNames: existing roles that get the access group's inline policy.
            sid: "OperatorRolePolicies",
            effect: "Allow" as const,
            actions: ["iam:PutRolePolicy", "iam:DeleteRolePolicy"],
            resources: operatorRoles.map((r) => iam(`role/${r}`)),
          },
        ]
      : []),
    {
      sid: "PassOnlyTheEnvironmentsRoles",
      effect: "Allow",
      actions: ["iam:PassRole"],
      resources: ownRoles,
      conditions: {
        StringEquals: {
          "iam:PassedToService": ["ec2.amazonaws.com", "ssm.amazonaws.com", "vpc-flow-logs.amazonaws.com"],
        },
      },
    },
    {
      sid: "AttachOnlyTheAgentsManagedPolicies",
      effect: "Deny",
      actions: ["iam:AttachRolePolicy", "iam:AttachGroupPolicy", "iam:AttachUserPolicy"],
      resources: ["*"],
      conditions: { ArnNotEquals: { "iam:PolicyARN": attachablePolicies(env) } },
    },
    {
      sid: "NoRoleWithoutTheBoundary",
      effect: "Deny",
      actions: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      resources: ["*"],
      conditions: { StringNotEquals: { "iam:PermissionsBoundary": boundaries } },
    },
    {
      sid: "NoBoundaryChanges",
      effect: "Deny",
      actions: [
        "iam:DeleteRolePermissionsBoundary",
        "iam:DeleteUserPermissionsBoundary",
        "iam:CreatePolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ],
      resources: ["*"],
    },
    {
      sid: "NoTrustEditsOutsideTheEnvironment",
      effect: "Deny",
      actions: ["iam:UpdateAssumeRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:PutRolePermissionsBoundary"],
      notResources: ownRoles,
    },
    {
      sid: "NoIdentityProvidersOrLongLivedCredentials",
      effect: "Deny",
      actions: [
        "iam:CreateOpenIDConnectProvider",
        "iam:UpdateOpenIDConnectProviderThumbprint",
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:DeleteOpenIDConnectProvider",
        "iam:CreateSAMLProvider",
        "iam:UpdateSAMLProvider",
        "iam:CreateUser",
        "iam:CreateAccessKey",
        "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile",
        "iam:AddUserToGroup",
        "iam:CreateServiceSpecificCredential",
      ],
      resources: ["*"],
    },
    {
      sid: "NoChangesToCiIdentities",
      effect: "Deny",
      notActions: ["iam:Get*", "iam:List*"],
      resources: [iam(`role/${env.project}-*-ci-*`), iam(`oidc-provider/${GITHUB_OIDC_HOST}`)],
    },
    {
      // The break-glass role (issue 27) is the ci stack's, applied by administrators: the pipeline may neither
      // create, change nor delete it, nor assume it (sts:AssumeRole names the role as its resource).
      sid: "NoBreakGlassRole",
      effect: "Deny",
      notActions: ["iam:Get*", "iam:List*"],
      resources: [iam(`role/${breakGlassRoleName(naming)}`)],
    },
    // EC2: created with the environment's tags; changed or deleted only when tagged so.
    {
      sid: "Ec2CreateTagged",
      effect: "Allow",
      actions: EC2_CREATE.map((a) => `ec2:${a}`),
      resources: [ec2InEnvironment],
      conditions: requestTagged,
    },
    {
      // RunInstances also names what the instance uses (AMI, subnet, security group) and creates its volume and
      // network interface, which carry no request tag.
      sid: "Ec2LaunchReferences",
      effect: "Allow",
      actions: ["ec2:RunInstances"],
      resources: ["image", "subnet", "security-group", "network-interface", "volume", "launch-template"].map((t) =>
        t === "image" ? `arn:${p}:ec2:${env.region}::image/*` : regional("ec2", `${t}/*`),
      ),
    },
    {
      sid: "Ec2TagOnCreate",
      effect: "Allow",
      actions: ["ec2:CreateTags"],
      resources: [ec2InEnvironment],
      conditions: { StringEquals: { "ec2:CreateAction": [...EC2_CREATE, ...EC2_RULE_CREATE] } },
    },
    {
      // Security-group rules are resources of their own, created tagged; the group they belong to must be the
      // environment's (Ec2ChangeTheEnvironments) or in a VPC it adopts (Ec2RulesInAdoptedVpcs).
      sid: "Ec2RulesCreatedTagged",
      effect: "Allow",
      actions: EC2_RULE_CREATE.map((a) => `ec2:${a}`),
      resources: [regional("ec2", "security-group-rule/*")],
      conditions: requestTagged,
    },
    {
      // A VPC's default security group exists before anything tags it: the environment may tag it once as its own
      // unused default group (`<prefix>…-default-unused`), then only revoke its rules (DefaultGroupsStayEmpty).
      sid: "Ec2TagTheDefaultGroupOfItsVpc",
      effect: "Allow",
      actions: ["ec2:CreateTags"],
      resources: [regional("ec2", "security-group/*")],
      conditions: {
        ...requestTagged,
        StringLike: { "aws:RequestTag/Name": `${prefix}*${DEFAULT_GROUP_SUFFIX}` },
      },
    },
    {
      sid: "Ec2ChangeTheEnvironments",
      effect: "Allow",
      actions: EC2_CHANGE.map((a) => `ec2:${a}`),
      resources: [ec2InEnvironment],
      conditions: resourceTagged,
    },
    ...(adoptedVpcs.length > 0
      ? [
          {
            // An adopted VPC: rules on its existing (reused) endpoints' security groups, our NACL on its subnets.
            sid: "Ec2RulesInAdoptedVpcs",
            effect: "Allow" as const,
            actions: [
              "ec2:AuthorizeSecurityGroupIngress",
              "ec2:AuthorizeSecurityGroupEgress",
              "ec2:RevokeSecurityGroupIngress",
              "ec2:RevokeSecurityGroupEgress",
              "ec2:ReplaceNetworkAclAssociation",
            ],
            resources: [regional("ec2", "security-group/*"), regional("ec2", "network-acl/*")],
            conditions: { ArnEquals: { "ec2:Vpc": adoptedVpcs } },
          },
        ]
      : []),
    {
      sid: "DefaultGroupsStayEmpty",
      effect: "Deny",
      actions: [
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:ModifySecurityGroupRules",
        "ec2:DeleteSecurityGroup",
      ],
      resources: [ec2InEnvironment],
      conditions: { StringLike: { "aws:ResourceTag/Name": `*${DEFAULT_GROUP_SUFFIX}` } },
    },
    {
      sid: "DefaultGroupsKeepTheirNameAndOwner",
      effect: "Deny",
      actions: ["ec2:CreateTags", "ec2:DeleteTags"],
      resources: [ec2InEnvironment],
      conditions: {
        StringLike: { "aws:ResourceTag/Name": `*${DEFAULT_GROUP_SUFFIX}` },
        "ForAnyValue:StringEquals": { "aws:TagKeys": ["Name", "Project", "Environment"] },
      },
    },
    {
      sid: "NoDeletesOfOthersEc2",
      effect: "Deny",
      actions: EC2_FOREIGN_DELETES.map((a) => `ec2:${a}`),
      resources: [ec2InEnvironment],
      conditions: { StringNotEquals: { "aws:ResourceTag/Project": env.project } },
    },
    // KMS: the session key (created tagged, changed when tagged) and its alias.
    {
      sid: "KmsCreateTagged",
      effect: "Allow",
      actions: ["kms:CreateKey"],
      resources: ["*"],
      conditions: requestTagged,
    },
    {
      sid: "KmsChangeTheEnvironments",
      effect: "Allow",
      actions: [
        "kms:PutKeyPolicy",
        "kms:EnableKeyRotation",
        "kms:UpdateKeyDescription",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ScheduleKeyDeletion",
        "kms:CreateAlias",
        "kms:UpdateAlias",
        "kms:DeleteAlias",
      ],
      resources: [regional("kms", "key/*")],
      conditions: resourceTagged,
    },
    {
      sid: "KmsAlias",
      effect: "Allow",
      actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
      resources: [regional("kms", alias)],
    },
    // S3: the session-log bucket by name; no object of it (see NoObjectReadsButState), no retention bypass.
    {
      sid: "S3TheEnvironmentsBucket",
      effect: "Allow",
      actions: [
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:PutBucket*",
        "s3:DeleteBucketPolicy",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutAccelerateConfiguration",
      ],
      resources: [bucket],
    },
    {
      sid: "NoLogObjectChanges",
      effect: "Deny",
      actions: [
        "s3:BypassGovernanceRetention",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:PutObject",
        "s3:PutObjectRetention",
        "s3:PutObjectLegalHold",
      ],
      resources: [`${bucket}/*`],
    },
    // CloudWatch Logs, SNS, EventBridge, SSM, CloudTrail: by the environment's names.
    {
      sid: "LogGroupsOfTheEnvironment",
      effect: "Allow",
      actions: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey",
        "logs:DisassociateKmsKey",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:TagLogGroup",
        "logs:UntagLogGroup",
        "logs:PutMetricFilter",
        "logs:DeleteMetricFilter",
      ],
      resources: [regional("logs", `log-group:${logGroupName(naming, "*")}`)],
    },
    {
      sid: "AlertsOfTheEnvironment",
      effect: "Allow",
      actions: [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:TagResource",
        "sns:UntagResource",
        "events:PutRule",
        "events:DeleteRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:EnableRule",
        "events:DisableRule",
        "events:TagResource",
        "events:UntagResource",
      ],
      resources: [regional("sns", `${prefix}*`), regional("events", `rule/${prefix}*`)],
    },
    {
      sid: "SessionDocumentsOfTheEnvironment",
      effect: "Allow",
      actions: [
        "ssm:CreateDocument",
        "ssm:UpdateDocument",
        "ssm:DeleteDocument",
        "ssm:UpdateDocumentDefaultVersion",
        "ssm:AddTagsToResource",
        "ssm:RemoveTagsFromResource",
      ],
      resources: documents,
    },
    ...(env.instanceAccess.defaultHostManagement
      ? [
          {
            sid: "DefaultHostManagementSetting",
            effect: "Allow" as const,
            actions: ["ssm:UpdateServiceSetting", "ssm:ResetServiceSetting"],
            resources: [regional("ssm", "servicesetting/ssm/managed-instance/default-ec2-instance-management-role")],
          },
        ]
      : []),
    ...auditKitStatements(env, regional),
    {
      // Never StopLogging or DeleteTrail: the trail is protected.
      sid: "TrailOfTheEnvironment",
      effect: "Allow",
      actions: [
        "cloudtrail:CreateTrail",
        "cloudtrail:UpdateTrail",
        "cloudtrail:StartLogging",
        "cloudtrail:AddTags",
        "cloudtrail:RemoveTags",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:PutInsightSelectors",
      ],
      resources: [regional("cloudtrail", `trail/${physicalName(naming, "audit-trail")}`)],
    },
    {
      sid: "NoStateBucketChanges",
      effect: "Deny",
      actions: [
        "s3:DeleteBucket",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketVersioning",
        "s3:PutLifecycleConfiguration",
        "s3:DeleteObjectVersion",
      ],
      resources: env.state.bucket
        ? [`arn:${p}:s3:::${env.state.bucket}`, `arn:${p}:s3:::${env.state.bucket}/*`]
        : [`arn:${p}:s3:::${env.project}-no-state-bucket`],
    },
    ...transcriptDenies(env),
  ];
}

/** What the GitHub side must have for one environment (the synth's checklist and the `github_environments` output). */
export interface GitHubEnvironmentChecklist {
  readonly environment: string;
  /** The only branch that may deploy to it (deployment branch policy). */
  readonly deploymentBranch: string;
  readonly requiredReviewers: readonly string[];
  readonly pullRequestPlans: boolean;
}

export function githubChecklist(
  environments: readonly EnvironmentConfig[],
  ci: CiConfig,
): GitHubEnvironmentChecklist[] {
  return ciEnvironments(environments).map((env) => ({
    environment: env.name,
    deploymentBranch: ci.github.defaultBranch,
    requiredReviewers: ci.environments[env.name]?.requiredReviewers ?? [],
    pullRequestPlans: pullRequestPlans(ci, env.name),
  }));
}

/** The environments the workflows run (state in S3), by name. HCP Terraform environments get no CI roles. */
const ciEnvironments = (environments: readonly EnvironmentConfig[]) =>
  [...environments].filter((e) => !e.state.cloud).sort((a, b) => compareText(a.name, b.name));

/**
 * CI identities for the GitOps workflows: per account the IAM OIDC provider for GitHub Actions (created, or reused
 * where `oidcProvider.reuseInAccounts` says one exists: IAM allows one per issuer) and the project's permissions
 * boundary, and per environment a plan role (read-only, no state lock, no transcripts; trusted by the default
 * branch's plan workflow and, unless the environment is protected, this repository's pull requests) and an apply role
 * (trusted only by the default branch's apply workflow in the GitHub environment of that name; least privilege over
 * the environment's own resources). Outputs: the roles by environment (the workflows derive the same ARNs from the
 * environment files) and the GitHub environments' checklist. Applied by hand with
 * administrator credentials after the bootstrap stack, its state in the S3 bucket `state` of ci.yaml names.
 */
export class CiStack extends TerraformStack implements ISummarized {
  private readonly checklist: GitHubEnvironmentChecklist[];
  private readonly remoteState: boolean;
  /** The break-glass roles this stack creates, by environment. */
  public readonly breakGlassRoles: Record<string, BreakGlassRole> = {};

  constructor(scope: Construct, id: string, props: CiStackProps) {
    super(scope, id);
    const { ci } = props;
    this.remoteState = ci.state !== undefined;
    if (ci.state) {
      const backend = new S3Backend(this, {
        bucket: ci.state.bucket,
        key: ci.state.key,
        region: ci.state.region,
        encrypt: true,
      });
      backend.addOverride("use_lockfile", true);
    } else new LocalBackend(this, { path: `../../../state/terraform.${id}.tfstate` });
    const providers = new Map<string, AwsProvider>();
    const boundaries = new Set<string>();
    const plan: Record<string, string> = {};
    const apply: Record<string, string> = {};
    for (const env of ciEnvironments(props.environments)) {
      let provider = providers.get(env.account);
      if (!provider) {
        provider = new AwsProvider(this, `aws-${env.account}`, {
          alias: `a${env.account}`,
          region: env.region,
          allowedAccountIds: [env.account],
          defaultTags: [{ tags: { Project: env.project, ManagedBy: "bastionless", Purpose: "ci" } }],
        });
        providers.set(env.account, provider);
        if (!ci.oidcProvider.reuseInAccounts.includes(env.account))
          new IamOpenidConnectProvider(this, `GitHubOidc-${env.account}`, {
            provider,
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIdList: [GITHUB_OIDC_AUDIENCE],
            thumbprintList: GITHUB_THUMBPRINTS,
          });
      }
      const boundary = projectBoundaryArn(env);
      if (!boundaries.has(boundary)) {
        boundaries.add(boundary);
        const policy = new IamPolicy(this, `Boundary-${env.account}-${env.project}`, {
          provider,
          name: boundaryPolicyName(env.project),
          description: `bastionless ${env.project}: permissions boundary of every role the environment stacks create`,
          policy: renderPolicy(BOUNDARY_STATEMENTS),
        });
        suppress(
          policy,
          "BL-IAM-002",
          "a permissions boundary grants nothing: it caps the roles the environment stacks create, whose own policies scope every resource",
        );
      }
      const read = new IamPolicy(this, `${env.name}-read`, {
        provider,
        name: `${env.project}-${env.name}-ci-read`,
        description: `bastionless ${env.name}: what the CI roles read to plan the environment`,
        policy: renderPolicy(readPolicy(env)),
      });
      const denies = new IamPolicy(this, `${env.name}-apply-denies`, {
        provider,
        name: `${roleName(env, "apply")}-denies`,
        description: `bastionless ${env.name}: what the apply role may never do`,
        policy: renderPolicy(applyPolicy(env).filter((s) => s.effect === "Deny")),
      });
      for (const kind of ["plan", "apply"] as const) {
        const role = new IamRole(this, `${env.name}-${kind}`, {
          provider,
          name: roleName(env, kind),
          description: `bastionless ${env.name}: GitHub Actions ${kind} role (${ci.github.owner}/${ci.github.repository})`,
          assumeRolePolicy: renderPolicy(kind === "plan" ? planTrust(env, ci) : applyTrust(env, ci)),
          maxSessionDuration: 3600,
        });
        // Inline: what is particular to the role; managed (attached): the reads both roles share, the apply denies.
        const inline =
          kind === "plan"
            ? planPolicy(env).filter((s) => !READ_SIDS.includes(s.sid ?? ""))
            : applyPolicy(env).filter((s) => s.effect === "Allow" && !READ_SIDS.includes(s.sid ?? ""));
        const policy = new IamRolePolicy(this, `${env.name}-${kind}-policy`, {
          provider,
          role: role.name,
          name: `${kind}-${env.name}`,
          policy: renderPolicy(inline),
        });
        for (const attached of kind === "plan" ? [read] : [read, denies])
          new IamRolePolicyAttachment(this, `${env.name}-${kind}-attach-${attached === read ? "read" : "denies"}`, {
            provider,
            role: role.name,
            policyArn: attached.arn,
          });
        if (kind === "apply")
          suppress(
            policy,
            "BL-IAM-002",
            "kms:CreateKey has no resource ARN: the key must carry the environment's Project and Environment tags (aws:RequestTag); every other write is scoped by name, tag or permissions boundary",
          );
        (kind === "plan" ? plan : apply)[env.name] = role.arn;
      }
      if (env.breakGlass) {
        this.breakGlassRoles[env.name] = new BreakGlassRole(this, `${env.name}-break-glass`, {
          provider,
          roleName: breakGlassRoleName({ project: env.project, environment: env.name }),
          description: `bastionless ${env.name}: break-glass shell on the environment's instances (docs/break-glass.md); every use alerts`,
          principals: env.breakGlass.principals,
          policy: breakGlassPolicyProps(env),
        });
      }
    }
    this.checklist = githubChecklist(props.environments, ci);
    new TerraformOutput(this, "aws_plan_role_arns", {
      value: Fn.jsonencode(plan),
      description:
        "The plan roles by environment (the workflows derive the same ARNs from the environment files: .github/scripts/environments.mjs)",
    });
    new TerraformOutput(this, "aws_apply_role_arns", {
      value: Fn.jsonencode(apply),
      description:
        "The apply roles by environment (the workflows derive the same ARNs from the environment files: .github/scripts/environments.mjs)",
    });
    new TerraformOutput(this, "github_environments", {
      value: JSON.stringify(this.checklist),
      description:
        "The GitHub environments to create before the first run (deployment branch policy, required reviewers): docs/ci-identities.md",
    });
    enableGuardrails(this);
  }

  /** The GitHub-side checklist, in the synth summary: what no trust policy can check for itself. */
  public summary(): string[] {
    const branch = this.checklist[0]?.deploymentBranch;
    return [
      ...(this.remoteState ? [] : ["state: local (state/terraform.ci.tfstate): set state in config/ci.yaml"]),
      ...(Object.keys(this.breakGlassRoles).length === 0
        ? []
        : [
            `break-glass roles of ${Object.keys(this.breakGlassRoles).join(", ")}: applied here, by an administrator (a change of breakGlass.principals takes effect with this stack's apply, not the pipeline's)`,
          ]),
      ...(this.checklist.length === 0
        ? []
        : [
            `GitHub: create environments ${this.checklist.map((c) => c.environment).join(", ")} before the first run, each deploying from ${branch} only`,
            ...this.checklist
              .filter((c) => c.requiredReviewers.length > 0)
              .map(
                (c) =>
                  `${c.environment} requires reviewers ${c.requiredReviewers.join(", ")}${c.pullRequestPlans ? " (pull requests plan it: opted in)" : " (no pull-request plans)"}`,
              ),
          ]),
    ];
  }
}
