/**
 * The project's permissions boundary: the ceiling of every IAM role the environment stacks create (instance role,
 * Default Host Management role, flow-log role). The `ci` stack creates it once per account and project, the apply
 * roles may create or change a role only when it carries it (or the boundary an environment names in
 * instanceAccess.permissionsBoundaryArn), and may never change or remove it. Its name is fixed by project and
 * account, so environment stacks reference it by ARN without a dependency on the `ci` stack's state.
 */
import type { EnvironmentConfig } from "../loader/schema";
import type { Statement } from "../modules/core/iam";
import { SSM_AGENT_CHANNEL_ACTIONS, SSM_AGENT_LEGACY_MESSAGE_ACTIONS } from "../modules/core/ssm-agent";

export function partitionOf(region: string): string {
  return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** `<project>-permissions-boundary`: one managed policy per account and project. */
export const boundaryPolicyName = (project: string) => `${project}-permissions-boundary`;

/** The ARN of the project's boundary in the environment's account. */
export function projectBoundaryArn(env: Pick<EnvironmentConfig, "project" | "account" | "region">): string {
  return `arn:${partitionOf(env.region)}:iam::${env.account}:policy/${boundaryPolicyName(env.project)}`;
}

/**
 * The boundary the environment's roles carry: the one the environment names (an organization's own boundary, an
 * explicit choice in the environment file), else the project's.
 */
export function environmentBoundaryArn(env: EnvironmentConfig): string {
  return env.instanceAccess.permissionsBoundaryArn ?? projectBoundaryArn(env);
}

/**
 * Actions of AWS's managed policies the stacks attach (AmazonSSMManagedEC2InstanceDefaultPolicy for Default Host
 * Management, AmazonSSMManagedInstanceCore when instanceAccess.managedInstanceCore is on; aws-facts §3.1, §3.4).
 */
export const MANAGED_AGENT_ACTIONS = [
  "ssm:DescribeAssociation",
  "ssm:DescribeDocument",
  "ssm:GetDeployablePatchSnapshotForInstance",
  "ssm:GetDocument",
  "ssm:GetManifest",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:ListAssociations",
  "ssm:ListInstanceAssociations",
  "ssm:PutComplianceItems",
  "ssm:PutConfigurePackageResult",
  "ssm:PutInventory",
  "ssm:UpdateAssociationStatus",
  "ssm:UpdateInstanceAssociationStatus",
] as const;

/** What a role of the project may ever do: the SSM agent, writing (never reading) session logs and flow logs. */
export const BOUNDARY_STATEMENTS: Statement[] = [
  {
    sid: "SessionManagerAgent",
    effect: "Allow",
    actions: [...SSM_AGENT_CHANNEL_ACTIONS, ...SSM_AGENT_LEGACY_MESSAGE_ACTIONS, ...MANAGED_AGENT_ACTIONS],
    resources: ["*"],
  },
  {
    sid: "WriteSessionAndFlowLogs",
    effect: "Allow",
    actions: [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
      "s3:PutObject",
      "s3:GetEncryptionConfiguration",
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ],
    resources: ["*"],
  },
  {
    sid: "NoIdentityChangesNoSessionsNoTranscripts",
    effect: "Deny",
    actions: [
      "iam:*",
      "sts:AssumeRole",
      "ssm:StartSession",
      "ssm:SendCommand",
      "s3:GetObject",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
      "logs:StartQuery",
    ],
    resources: ["*"],
  },
];
