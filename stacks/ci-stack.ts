import type { CiConfig } from "../loader/ci";
import type { EnvironmentConfig } from "../loader/schema";
import { AwsProvider, IamOpenidConnectProvider, IamRole, IamRolePolicy } from "../modules/core/aws";
import { Construct, Fn, LocalBackend, TerraformOutput, TerraformStack } from "../modules/core/cdktf";
import { renderPolicy, type Statement } from "../modules/core/iam";
import { compareText } from "../modules/core/order";
import { enableGuardrails, suppress } from "../modules/guardrails";

export interface CiStackProps {
  readonly environments: readonly EnvironmentConfig[];
  readonly ci: CiConfig;
}

/** GitHub's OIDC issuer (host) and the audience configure-aws-credentials asks for. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/** Thumbprints of GitHub's issuer certificates (IAM no longer checks them for this issuer; the API still takes them). */
const GITHUB_THUMBPRINTS = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"];

export function partitionOf(region: string): string {
  return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** The OIDC provider's ARN is fixed by account and host, so policies can name it whether it is created or reused. */
export function oidcProviderArn(env: EnvironmentConfig): string {
  return `arn:${partitionOf(env.region)}:iam::${env.account}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

export const roleName = (env: EnvironmentConfig, kind: "plan" | "apply") => `${env.project}-${env.name}-ci-${kind}`;

/** `sub` claims GitHub puts in a job's token (docs: "Example subject claims"). */
export const subjects = {
  pullRequest: (ci: CiConfig) => `repo:${ci.github.owner}/${ci.github.repository}:pull_request`,
  branch: (ci: CiConfig) => `repo:${ci.github.owner}/${ci.github.repository}:ref:refs/heads/${ci.github.defaultBranch}`,
  environment: (ci: CiConfig, name: string) => `repo:${ci.github.owner}/${ci.github.repository}:environment:${name}`,
};

function trust(env: EnvironmentConfig, ci: CiConfig, sub: string[], environment?: string): Statement[] {
  const claim = (name: string) => `${GITHUB_OIDC_HOST}:${name}`;
  return [
    {
      sid: "GitHubActionsOidc",
      effect: "Allow",
      principals: { Federated: [oidcProviderArn(env)] },
      actions: ["sts:AssumeRoleWithWebIdentity"],
      conditions: {
        StringEquals: {
          [claim("aud")]: GITHUB_OIDC_AUDIENCE,
          [claim("sub")]: sub,
          // The same repository again from its own claim (IAM's GitHub claim keys), and for apply the environment.
          [claim("repository")]: `${ci.github.owner}/${ci.github.repository}`,
          ...(environment ? { [claim("environment")]: environment } : {}),
        },
      },
    },
  ];
}

/** Plan role trust: this repository's pull requests and its default branch (merge-time plans, drift), nothing else. */
export const planTrust = (env: EnvironmentConfig, ci: CiConfig) =>
  trust(env, ci, [subjects.pullRequest(ci), subjects.branch(ci)]);
/** Apply role trust: only jobs of this repository running in the GitHub environment named like the environment. */
export const applyTrust = (env: EnvironmentConfig, ci: CiConfig) =>
  trust(env, ci, [subjects.environment(ci, env.name)], env.name);

/** The state object and its S3 lock object (`use_lockfile`), and the DynamoDB lock table when used. */
function stateStatements(env: EnvironmentConfig, writeState: boolean): Statement[] {
  const p = partitionOf(env.region);
  const state = env.state;
  if (!state.bucket) return [];
  const key = `arn:${p}:s3:::${state.bucket}/${state.keyPrefix}/${env.name}.tfstate`;
  const out: Statement[] = [
    { sid: "StateList", effect: "Allow", actions: ["s3:ListBucket"], resources: [`arn:${p}:s3:::${state.bucket}`] },
    {
      sid: "StateRead",
      effect: "Allow",
      actions: writeState ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"],
      resources: [key],
    },
    {
      sid: "StateLock",
      effect: "Allow",
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [`${key}.tflock`],
    },
  ];
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
  "sso:Describe*",
  "sso:Get*",
  "sso:List*",
  "identitystore:Describe*",
  "identitystore:List*",
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
/** CloudTrail changes the apply makes for a created trail: never StopLogging or DeleteTrail (the trail is protected). */
const APPLY_CLOUDTRAIL = [
  "CreateTrail",
  "UpdateTrail",
  "StartLogging",
  "AddTags",
  "RemoveTags",
  "PutEventSelectors",
  "PutInsightSelectors",
];

export function planPolicy(env: EnvironmentConfig): Statement[] {
  const p = partitionOf(env.region);
  return [
    { sid: "ReadManagedResources", effect: "Allow", actions: PLAN_READ_ACTIONS, resources: ["*"] },
    {
      sid: "ReadPublicParameters",
      effect: "Allow",
      actions: ["ssm:GetParameter", "ssm:GetParameters"],
      resources: [`arn:${p}:ssm:*::parameter/aws/service/*`],
    },
    ...stateStatements(env, false),
  ];
}

/** Services the environment stack manages wholesale; IAM and SSM are listed action by action below. */
export const APPLY_SERVICES = ["ec2", "kms", "logs", "s3", "sns", "events", "cloudwatch", "sso", "identitystore"];
/** IAM changes without iam:PassRole (scoped below) and without opening a console or key login (denied below). */
const APPLY_IAM = ["Create*", "Delete*", "Put*", "Attach*", "Detach*", "Update*", "Tag*", "Untag*", "Add*", "Remove*"];
/** SSM changes the stack makes (documents, service settings, tags): no session, command or automation. */
const APPLY_SSM = [
  "CreateDocument",
  "UpdateDocument",
  "DeleteDocument",
  "UpdateDocumentDefaultVersion",
  "ModifyDocumentPermission",
  "AddTagsToResource",
  "RemoveTagsFromResource",
  "UpdateServiceSetting",
  "ResetServiceSetting",
];

export function applyPolicy(env: EnvironmentConfig): Statement[] {
  const p = partitionOf(env.region);
  const iam = (path: string) => `arn:${p}:iam::${env.account}:${path}`;
  return [
    ...planPolicy(env).filter((s) => s.sid !== "StateRead" && s.sid !== "StateLock" && s.sid !== "StateList"),
    {
      sid: "ManageEnvironment",
      effect: "Allow",
      actions: [
        ...APPLY_SERVICES.map((s) => `${s}:*`),
        ...APPLY_IAM.map((a) => `iam:${a}`),
        ...APPLY_SSM.map((a) => `ssm:${a}`),
        ...APPLY_CLOUDTRAIL.map((a) => `cloudtrail:${a}`),
      ],
      resources: ["*"],
    },
    {
      sid: "PassOnlyThisProjectsRoles",
      effect: "Allow",
      actions: ["iam:PassRole"],
      resources: [iam(`role/${env.project}-*`)],
      conditions: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ssm.amazonaws.com"] } },
    },
    ...stateStatements(env, true),
    {
      sid: "NoSessionsOrCommands",
      effect: "Deny",
      actions: ["ssm:StartSession", "ssm:ResumeSession", "ssm:SendCommand", "ssm:StartAutomationExecution"],
      resources: ["*"],
    },
    {
      sid: "NoLongLivedCredentials",
      effect: "Deny",
      actions: ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"],
      resources: ["*"],
    },
    {
      sid: "NoChangesToCiIdentities",
      effect: "Deny",
      notActions: ["iam:Get*", "iam:List*"],
      resources: [iam(`role/${env.project}-*-ci-*`), iam(`oidc-provider/${GITHUB_OIDC_HOST}`)],
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
  ];
}

/**
 * CI identities for the GitOps workflows: per account the IAM OIDC provider for GitHub Actions (created, or reused
 * where `oidcProvider.reuseInAccounts` says one exists: IAM allows one per issuer), and per environment a plan role
 * (read-only on what the stack manages, state read, lock-object write; trusted by this repository's pull requests
 * and default branch) and an apply role (trusted only by jobs in the GitHub environment of that name). Outputs are
 * the JSON maps the workflows read from the AWS_PLAN_ROLE_ARNS / AWS_APPLY_ROLE_ARNS repository variables.
 * Applied by hand with administrator credentials, like the bootstrap stack (local state, git-ignored).
 * Environments whose state is in HCP Terraform (state.cloud) are not run by these workflows and get no roles.
 */
export class CiStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: CiStackProps) {
    super(scope, id);
    new LocalBackend(this, { path: `../../../state/terraform.${id}.tfstate` });
    const providers = new Map<string, AwsProvider>();
    const plan: Record<string, string> = {};
    const apply: Record<string, string> = {};
    for (const env of [...props.environments]
      .filter((e) => !e.state.cloud)
      .sort((a, b) => compareText(a.name, b.name))) {
      let provider = providers.get(env.account);
      if (!provider) {
        provider = new AwsProvider(this, `aws-${env.account}`, {
          alias: `a${env.account}`,
          region: env.region,
          allowedAccountIds: [env.account],
          defaultTags: [{ tags: { Project: env.project, ManagedBy: "bastionless", Purpose: "ci" } }],
        });
        providers.set(env.account, provider);
        if (!props.ci.oidcProvider.reuseInAccounts.includes(env.account))
          new IamOpenidConnectProvider(this, `GitHubOidc-${env.account}`, {
            provider,
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIdList: [GITHUB_OIDC_AUDIENCE],
            thumbprintList: GITHUB_THUMBPRINTS,
          });
      }
      for (const kind of ["plan", "apply"] as const) {
        const role = new IamRole(this, `${env.name}-${kind}`, {
          provider,
          name: roleName(env, kind),
          description: `bastionless ${env.name}: GitHub Actions ${kind} role (${props.ci.github.owner}/${props.ci.github.repository})`,
          assumeRolePolicy: renderPolicy(kind === "plan" ? planTrust(env, props.ci) : applyTrust(env, props.ci)),
          maxSessionDuration: 3600,
        });
        const policy = new IamRolePolicy(this, `${env.name}-${kind}-policy`, {
          provider,
          role: role.name,
          name: `${kind}-${env.name}`,
          policy: renderPolicy(kind === "plan" ? planPolicy(env) : applyPolicy(env)),
        });
        if (kind === "apply")
          suppress(
            policy,
            "BL-IAM-002",
            "the apply role creates, changes and deletes every resource of its environment stack; IAM and SSM actions are listed one by one, iam:PassRole is scoped, sessions, commands, long-lived keys, the CI roles and the state bucket are denied",
          );
        (kind === "plan" ? plan : apply)[env.name] = role.arn;
      }
    }
    new TerraformOutput(this, "aws_plan_role_arns", {
      value: Fn.jsonencode(plan),
      description: "Value of the AWS_PLAN_ROLE_ARNS repository variable (terraform output -raw aws_plan_role_arns)",
    });
    new TerraformOutput(this, "aws_apply_role_arns", {
      value: Fn.jsonencode(apply),
      description: "Value of the AWS_APPLY_ROLE_ARNS repository variable (terraform output -raw aws_apply_role_arns)",
    });
    enableGuardrails(this);
  }
}
