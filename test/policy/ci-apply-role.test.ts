/**
 * The apply role in an account other teams share, evaluated with the IAM engine on the policies the `ci` stack
 * synthesizes (its inline policy and the managed policies attached to it): it manages the environment's own roles
 * (only with the permissions boundary), endpoints, key, bucket and log groups, and is denied what would reach other
 * teams: rewriting a foreign role's trust, a new identity provider, AdministratorAccess, a role without the
 * boundary, a foreign bucket's objects, a foreign endpoint, a session, a transcript. The boundary itself covers
 * every permission the environment stacks give their roles, and nothing that reads transcripts.
 */
import * as path from "path";
import { ciSchema, loadCiConfig } from "../../loader/ci";
import { loadEnvironments } from "../../loader/load";
import type { EnvironmentConfig } from "../../loader/schema";
import { IamPolicy, IamRole, IamRolePolicy, IamRolePolicyAttachment } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { policySize } from "../../modules/guardrails/rules/bl-iam-007-policy-size";
import { CiStack } from "../../stacks/ci-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { BOUNDARY_STATEMENTS, projectBoundaryArn } from "../../stacks/permissions-boundary";
import { concretePolicy, evaluate, KEY_ID, lookupIn, type Outcome } from "../../ops/lib/iam-evaluate";
import { policyDocument } from "../../modules/core/iam";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import {
  ENV_DIR,
  exampleConfig,
  resources,
  resourcesByName,
  synthJson,
  type Body,
  type TfJson,
} from "../helpers/synth";

const environments = loadEnvironments(ENV_DIR).map((e) => e.config);
const ci = loadCiConfig(path.join(__dirname, "..", "..", "config", "ci.yaml"))!;
const tf = synthJson(new CiStack(Testing.app(), "ci", { environments, ci }));
const byName = <T extends Body>(type: Parameters<typeof resourcesByName>[1], name: string) =>
  resourcesByName(tf, type)[name] as T;

/** Every policy the role holds: its inline policy and the managed policies attached to it (found by reference). */
function policiesOf(role: string): object[] {
  const inline = resources(tf, IamRolePolicy).filter((p) => p.role === `\${aws_iam_role.${role}.name}`);
  const attached = resources(tf, IamRolePolicyAttachment)
    .filter((a) => a.role === `\${aws_iam_role.${role}.name}`)
    .map((a) => /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(a.policy_arn as string)![1])
    .map((name) => byName<{ policy: string }>(IamPolicy, name));
  return [...inline, ...attached].map((p) => JSON.parse(p.policy as string) as object);
}

const dev = environments.find((e) => e.name === "dev")!;
const prod = environments.find((e) => e.name === "prod")!;
const A = dev.account;
const R = dev.region;
const BOUNDARY = projectBoundaryArn(dev);
const iamArn = (r: string) => `arn:aws:iam::${A}:${r}`;
const ec2Arn = (r: string) => `arn:aws:ec2:${R}:${A}:${r}`;
const DEV_TAGS = { "aws:ResourceTag/Project": "bastionless", "aws:ResourceTag/Environment": "dev" };
const REQUEST_TAGS = { "aws:RequestTag/Project": "bastionless", "aws:RequestTag/Environment": "dev" };
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const LOG_BUCKET = "arn:aws:s3:::bastionless-dev-session-logs-111111111111";

/** A KMS key policy that leaves access to IAM policies (KMS needs the key policy to allow as well). */
const keyPolicy = (account: string) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
});

async function apply(
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
  env: EnvironmentConfig = dev,
): Promise<Outcome> {
  return evaluate(
    { principal: iamArn(`role/bastionless-${env.name}-ci-apply`), action, resource, context },
    policiesOf(`${env.name}-apply`),
    resource.includes(":kms:") ? keyPolicy(env.account) : undefined,
  );
}

describe("GIVEN the dev apply role in an account other teams share", () => {
  test.each<[string, string, string, Record<string, string | string[]>]>([
    ["rewrite a foreign role's trust", "iam:UpdateAssumeRolePolicy", iamArn("role/OrganizationAccountAccessRole"), {}],
    ["create an OIDC provider", "iam:CreateOpenIDConnectProvider", iamArn("oidc-provider/gitlab.example.com"), {}],
    [
      "attach AdministratorAccess to its own role",
      "iam:AttachRolePolicy",
      iamArn("role/bastionless-dev-session-instance"),
      { "iam:PolicyARN": ADMIN, "iam:PermissionsBoundary": BOUNDARY },
    ],
    [
      "attach AdministratorAccess to a foreign role",
      "iam:AttachRolePolicy",
      iamArn("role/team-b-app"),
      { "iam:PolicyARN": ADMIN },
    ],
    ["create a role without the boundary", "iam:CreateRole", iamArn("role/bastionless-dev-escape"), {}],
    [
      "create a role with another boundary",
      "iam:CreateRole",
      iamArn("role/bastionless-dev-escape"),
      { "iam:PermissionsBoundary": iamArn("policy/PowerUserBoundary") },
    ],
    [
      "remove a role's boundary",
      "iam:DeleteRolePermissionsBoundary",
      iamArn("role/bastionless-dev-session-instance"),
      {},
    ],
    ["rewrite the boundary", "iam:CreatePolicyVersion", BOUNDARY, {}],
    ["delete the boundary", "iam:DeletePolicy", BOUNDARY, {}],
    [
      "create a foreign role with the boundary",
      "iam:CreateRole",
      iamArn("role/team-b-app"),
      { "iam:PermissionsBoundary": BOUNDARY },
    ],
    ["change its own trust", "iam:UpdateAssumeRolePolicy", iamArn("role/bastionless-dev-ci-apply"), {}],
    ["create an access key", "iam:CreateAccessKey", iamArn("user/someone"), {}],
    ["read a foreign bucket's objects", "s3:GetObject", "arn:aws:s3:::team-b-data/export.csv", {}],
    ["read a session transcript", "s3:GetObject", `${LOG_BUCKET}/dev/i-0abc.log`, {}],
    ["delete a transcript version", "s3:DeleteObjectVersion", `${LOG_BUCKET}/dev/i-0abc.log`, {}],
    ["bypass the log bucket's retention", "s3:BypassGovernanceRetention", `${LOG_BUCKET}/dev/i-0abc.log`, {}],
    [
      "decrypt with the session key",
      "kms:Decrypt",
      `arn:aws:kms:${R}:${A}:key/${KEY_ID}`,
      { "aws:ResourceTag/Project": "bastionless", "aws:ResourceTag/Environment": "dev" },
    ],
    [
      "read session log events",
      "logs:GetLogEvents",
      `arn:aws:logs:${R}:${A}:log-group:/bastionless/dev/sessions:log-stream:x`,
      {},
    ],
    ["delete a foreign VPC endpoint", "ec2:DeleteVpcEndpoints", ec2Arn("vpc-endpoint/vpce-0123456789abcdef0"), {}],
    [
      "delete another team's tagged endpoint",
      "ec2:DeleteVpcEndpoints",
      ec2Arn("vpc-endpoint/vpce-0123456789abcdef0"),
      { "aws:ResourceTag/Project": "payments" },
    ],
    ["modify a foreign VPC endpoint", "ec2:ModifyVpcEndpoint", ec2Arn("vpc-endpoint/vpce-0123456789abcdef0"), {}],
    ["terminate a foreign instance", "ec2:TerminateInstances", ec2Arn("instance/i-0123456789abcdef0"), {}],
    ["start a session", "ssm:StartSession", ec2Arn("instance/i-0123456789abcdef0"), DEV_TAGS],
    ["send a command", "ssm:SendCommand", ec2Arn("instance/i-0123456789abcdef0"), DEV_TAGS],
  ])("WHEN it tries to %s THEN it is explicitly denied", async (_what, action, resource, context) => {
    expect(await apply(action, resource, context)).toBe("ExplicitlyDenied");
  });

  test.each<[string, string, string, Record<string, string | string[]>]>([
    [
      "pass a foreign role to EC2",
      "iam:PassRole",
      iamArn("role/team-b-app"),
      { "iam:PassedToService": "ec2.amazonaws.com" },
    ],
    [
      "pass its instance role to Lambda",
      "iam:PassRole",
      iamArn("role/bastionless-dev-session-instance"),
      { "iam:PassedToService": "lambda.amazonaws.com" },
    ],
    ["put a policy on a foreign role", "iam:PutRolePolicy", iamArn("role/team-b-app"), {}],
    ["change a foreign bucket's policy", "s3:PutBucketPolicy", "arn:aws:s3:::team-b-data", {}],
    ["create an endpoint without the environment's tags", "ec2:CreateVpcEndpoint", ec2Arn("vpc-endpoint/*"), {}],
    ["tag a foreign endpoint", "ec2:CreateTags", ec2Arn("vpc-endpoint/vpce-0123456789abcdef0"), REQUEST_TAGS],
    [
      "authorize a rule on a foreign security group",
      "ec2:AuthorizeSecurityGroupIngress",
      ec2Arn("security-group/sg-0123456789abcdef0"),
      REQUEST_TAGS,
    ],
    ["change a foreign key's policy", "kms:PutKeyPolicy", `arn:aws:kms:${R}:${A}:key/${KEY_ID}`, {}],
    ["delete a foreign log group", "logs:DeleteLogGroup", `arn:aws:logs:${R}:${A}:log-group:/team-b/app`, {}],
    [
      "create a role of the staging environment",
      "iam:CreateRole",
      iamArn("role/bastionless-staging-x"),
      { "iam:PermissionsBoundary": BOUNDARY },
    ],
    [
      "write another environment's state",
      "s3:PutObject",
      "arn:aws:s3:::bastionless-tfstate-111111111111/bastionless/staging.tfstate",
      {},
    ],
    ["stop the trail", "cloudtrail:StopLogging", `arn:aws:cloudtrail:${R}:${A}:trail/bastionless-dev-audit-trail`, {}],
  ])("WHEN it tries to %s THEN it is not allowed", async (_what, action, resource, context) => {
    expect(await apply(action, resource, context)).not.toBe("Allowed");
  });

  test.each<[string, string, string, Record<string, string | string[]>]>([
    [
      "create its instance role with the boundary",
      "iam:CreateRole",
      iamArn("role/bastionless-dev-session-instance"),
      { "iam:PermissionsBoundary": BOUNDARY },
    ],
    [
      "put the instance role's policy",
      "iam:PutRolePolicy",
      iamArn("role/bastionless-dev-session-instance"),
      { "iam:PermissionsBoundary": BOUNDARY },
    ],
    [
      "set the boundary on an existing role of its own",
      "iam:PutRolePermissionsBoundary",
      iamArn("role/bastionless-dev-session-instance"),
      { "iam:PermissionsBoundary": BOUNDARY },
    ],
    ["update its own role's trust", "iam:UpdateAssumeRolePolicy", iamArn("role/bastionless-dev-session-instance"), {}],
    [
      "create the flow-log role",
      "iam:CreateRole",
      iamArn("role/bastionless-dev-main-flow-logs"),
      { "iam:PermissionsBoundary": BOUNDARY },
    ],
    [
      "pass the instance role to EC2",
      "iam:PassRole",
      iamArn("role/bastionless-dev-session-instance"),
      { "iam:PassedToService": "ec2.amazonaws.com" },
    ],
    [
      "pass the flow-log role to VPC Flow Logs",
      "iam:PassRole",
      iamArn("role/bastionless-dev-main-flow-logs"),
      { "iam:PassedToService": "vpc-flow-logs.amazonaws.com" },
    ],
    [
      "create the instance profile",
      "iam:CreateInstanceProfile",
      iamArn("instance-profile/bastionless-dev-session-instance"),
      {},
    ],
    ["put the access group's policy on the operator role it names", "iam:PutRolePolicy", iamArn("role/developer"), {}],
    ["create an endpoint tagged as the environment's", "ec2:CreateVpcEndpoint", ec2Arn("vpc-endpoint/*"), REQUEST_TAGS],
    [
      "create the endpoint in its subnet",
      "ec2:CreateVpcEndpoint",
      ec2Arn("subnet/subnet-0123456789abcdef0"),
      REQUEST_TAGS,
    ],
    [
      "tag on create",
      "ec2:CreateTags",
      ec2Arn("vpc-endpoint/vpce-0123456789abcdef0"),
      { "ec2:CreateAction": "CreateVpcEndpoint" },
    ],
    ["modify its endpoint", "ec2:ModifyVpcEndpoint", ec2Arn("vpc-endpoint/vpce-0123456789abcdef0"), DEV_TAGS],
    ["delete its endpoint", "ec2:DeleteVpcEndpoints", ec2Arn("vpc-endpoint/vpce-0123456789abcdef0"), DEV_TAGS],
    ["create its flow log", "ec2:CreateFlowLogs", ec2Arn("vpc-flow-log/*"), REQUEST_TAGS],
    ["create the session key", "kms:CreateKey", "*", REQUEST_TAGS],
    ["change the session key's policy", "kms:PutKeyPolicy", `arn:aws:kms:${R}:${A}:key/${KEY_ID}`, DEV_TAGS],
    ["create the key alias", "kms:CreateAlias", `arn:aws:kms:${R}:${A}:alias/bastionless-dev-sessions`, {}],
    ["create the log group", "logs:CreateLogGroup", `arn:aws:logs:${R}:${A}:log-group:/bastionless/dev/sessions`, {}],
    ["change the log bucket's policy", "s3:PutBucketPolicy", LOG_BUCKET, {}],
    ["read its state", "s3:GetObject", "arn:aws:s3:::bastionless-tfstate-111111111111/bastionless/dev.tfstate", {}],
    [
      "take the state lock",
      "s3:PutObject",
      "arn:aws:s3:::bastionless-tfstate-111111111111/bastionless/dev.tfstate.tflock",
      {},
    ],
    ["read what it manages", "ec2:DescribeVpcEndpoints", "*", {}],
  ])("WHEN it tries to %s THEN it is allowed", async (_what, action, resource, context) => {
    expect(await apply(action, resource, context)).toBe("Allowed");
  });

  test("WHEN prod (Default Host Management) attaches the DHMC managed policy THEN allowed; any other managed policy is denied", async () => {
    const role = `arn:aws:iam::${prod.account}:role/service-role/bastionless-prod-dhmc`;
    const boundary = projectBoundaryArn(prod);
    const attach = (policy: string) =>
      evaluate(
        {
          principal: `arn:aws:iam::${prod.account}:role/bastionless-prod-ci-apply`,
          action: "iam:AttachRolePolicy",
          resource: role,
          context: { "iam:PolicyARN": policy, "iam:PermissionsBoundary": boundary },
        },
        policiesOf("prod-apply"),
      );
    expect(await attach("arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy")).toBe("Allowed");
    expect(await attach("arn:aws:iam::aws:policy/AmazonSSMFullAccess")).toBe("ExplicitlyDenied");
  });

  test("WHEN it creates its security groups' rules THEN the tagged rule is allowed on its own group, not on another team's", async () => {
    const rule = ec2Arn("security-group-rule/*");
    expect(await apply("ec2:AuthorizeSecurityGroupIngress", rule, REQUEST_TAGS)).toBe("Allowed");
    expect(
      await apply("ec2:AuthorizeSecurityGroupIngress", ec2Arn("security-group/sg-0123456789abcdef0"), {
        ...REQUEST_TAGS,
        ...DEV_TAGS,
      }),
    ).toBe("Allowed");
    expect(
      await apply("ec2:AuthorizeSecurityGroupIngress", ec2Arn("security-group/sg-0123456789abcdef0"), REQUEST_TAGS),
    ).not.toBe("Allowed");
  });

  test("WHEN it adopts its VPC's default security group THEN it tags it once as its unused default group and may only strip it", async () => {
    const sg = ec2Arn("security-group/sg-0123456789abcdef0");
    const defaultName = { "aws:RequestTag/Name": "bastionless-dev-main-default-unused" };
    // The first tagging of the untagged default group.
    expect(
      await apply("ec2:CreateTags", sg, {
        ...REQUEST_TAGS,
        ...defaultName,
        "aws:TagKeys": ["Name", "Project", "Environment"],
      }),
    ).toBe("Allowed");
    expect(await apply("ec2:CreateTags", sg, { ...REQUEST_TAGS, "aws:RequestTag/Name": "team-b-web" })).not.toBe(
      "Allowed",
    );
    // Tagged: its rules may be revoked, none added, the group not deleted and its name and owner never changed.
    const tagged = { ...DEV_TAGS, "aws:ResourceTag/Name": "bastionless-dev-main-default-unused" };
    expect(await apply("ec2:RevokeSecurityGroupIngress", sg, tagged)).toBe("Allowed");
    expect(await apply("ec2:AuthorizeSecurityGroupIngress", sg, tagged)).toBe("ExplicitlyDenied");
    expect(await apply("ec2:ModifySecurityGroupRules", sg, tagged)).toBe("ExplicitlyDenied");
    expect(await apply("ec2:DeleteSecurityGroup", sg, tagged)).toBe("ExplicitlyDenied");
    expect(
      await apply("ec2:CreateTags", sg, {
        ...tagged,
        "aws:RequestTag/Name": "bastionless-dev-web",
        "aws:TagKeys": ["Name"],
      }),
    ).toBe("ExplicitlyDenied");
    expect(
      await apply("ec2:CreateTags", sg, {
        ...tagged,
        "aws:RequestTag/CostCenter": "platform",
        "aws:TagKeys": ["CostCenter"],
      }),
    ).toBe("Allowed");
  });

  test("WHEN staging adds the 443 rule to a reused endpoint's security group in its adopted VPC THEN allowed; elsewhere not", async () => {
    const staging = environments.find((e) => e.name === "staging")!;
    const sg = `arn:aws:ec2:${staging.region}:${staging.account}:security-group/sg-0aaaaaaaaaaaaaaaa`;
    const authorize = (vpc: string) =>
      evaluate(
        {
          principal: `arn:aws:iam::${staging.account}:role/bastionless-staging-ci-apply`,
          action: "ec2:AuthorizeSecurityGroupIngress",
          resource: sg,
          context: { "ec2:Vpc": `arn:aws:ec2:${staging.region}:${staging.account}:vpc/${vpc}` },
        },
        policiesOf("staging-apply"),
      );
    expect(await authorize("vpc-0a1b2c3d4e5f60718")).toBe("Allowed");
    expect(await authorize("vpc-0ffffffffffffffff")).not.toBe("Allowed");
  });
});

describe("GIVEN a plan role", () => {
  const plan = (action: string, resource: string, context = {}) =>
    evaluate(
      { principal: iamArn("role/bastionless-dev-ci-plan"), action, resource, context },
      policiesOf("dev-plan"),
      resource.includes(":kms:") ? keyPolicy(A) : undefined,
    );
  const STATE = "arn:aws:s3:::bastionless-tfstate-111111111111/bastionless/dev.tfstate";

  test("THEN it reads the state but never writes the lock object (pull requests and drift plan with -lock=false)", async () => {
    expect(await plan("s3:GetObject", STATE)).toBe("Allowed");
    expect(await plan("s3:PutObject", `${STATE}.tflock`)).toBe("ImplicitlyDenied");
    expect(await plan("s3:DeleteObject", `${STATE}.tflock`)).toBe("ImplicitlyDenied");
    expect(await plan("s3:PutObject", STATE)).toBe("ImplicitlyDenied");
  });

  test.each([
    ["ec2:DescribeVpcEndpoints", "*"],
    ["iam:GetRole", iamArn("role/bastionless-dev-session-instance")],
    ["kms:GetKeyPolicy", `arn:aws:kms:${R}:${A}:key/${KEY_ID}`],
  ])("THEN it may %s on %s (what a plan refreshes)", async (action, resource) => {
    expect(await plan(action, resource)).toBe("Allowed");
  });

  test.each([
    ["ec2:CreateVpcEndpoint", ec2Arn("vpc-endpoint/*")],
    ["ec2:RunInstances", ec2Arn("instance/*")],
    ["iam:CreateRole", iamArn("role/x")],
    ["iam:PutRolePolicy", iamArn("role/bastionless-dev-session-instance")],
    ["iam:PassRole", iamArn("role/bastionless-dev-session-instance")],
    ["kms:ScheduleKeyDeletion", `arn:aws:kms:${R}:${A}:key/${KEY_ID}`],
    ["s3:DeleteObject", STATE],
    ["s3:GetObject", "arn:aws:s3:::bastionless-tfstate-111111111111/bastionless/staging.tfstate"],
    ["ssm:UpdateDocument", `arn:aws:ssm:${R}:${A}:document/SSM-SessionManagerRunShell`],
    ["ssm:GetParameter", `arn:aws:ssm:${R}:${A}:parameter/app/db-password`],
    ["ec2:GetPasswordData", ec2Arn("instance/i-0123456789abcdef0")],
  ])("THEN it may not %s on %s", async (action, resource) => {
    expect(await plan(action, resource)).not.toBe("Allowed");
  });

  test.each([
    ["s3:GetObject", `${LOG_BUCKET}/dev/i-0abc.log`, {}],
    ["logs:GetLogEvents", `arn:aws:logs:${R}:${A}:log-group:/bastionless/dev/sessions:log-stream:x`, {}],
    ["logs:StartQuery", `arn:aws:logs:${R}:${A}:log-group:/bastionless/dev/sessions`, {}],
    ["kms:Decrypt", `arn:aws:kms:${R}:${A}:key/${KEY_ID}`, { "aws:ResourceTag/Project": "bastionless" }],
    ["ssm:StartSession", ec2Arn("instance/i-0123456789abcdef0"), {}],
  ])("THEN plan text can never hold a transcript: %s is explicitly denied", async (action, resource, context) => {
    expect(await plan(action, resource, context)).toBe("ExplicitlyDenied");
  });
});

describe("the permissions boundary", () => {
  test("GIVEN the ci stack THEN one boundary per account, named for the project, the same document as BOUNDARY_STATEMENTS", () => {
    const boundaries = Object.values(resourcesByName(tf, IamPolicy)).filter(
      (p) => p.name === "bastionless-permissions-boundary",
    );
    expect(boundaries).toHaveLength(new Set(environments.map((e) => e.account)).size);
    for (const b of boundaries) expect(JSON.parse(b.policy as string)).toEqual(policyDocument(BOUNDARY_STATEMENTS));
  });

  /** Every role policy an environment stack gives a role it creates, made concrete. */
  function rolePolicies(
    config: EnvironmentConfig,
  ): { role: string; policy: { Statement: { Action: string | string[]; Resource?: string | string[] }[] } }[] {
    const envTf = synthJson(
      // As main.ts builds it when the CI roles apply it: the break-glass role is the ci stack's, not under the boundary.
      new EnvironmentStack(Testing.app(), config.name, {
        config,
        permissionsBoundaryArn: projectBoundaryArn(config),
        breakGlassRoleInCiStack: true,
      }),
    );
    return resources(envTf, IamRolePolicy)
      .filter((p) => /^\$\{aws_iam_role\./.test(p.role as string))
      .map((p) => ({
        role: p.role as string,
        policy: concretePolicy(lookupIn(envTf), p.policy as string, config.account, config.region) as never,
      }));
  }

  test.each(["dev", "staging", "prod"])(
    "GIVEN the %s environment stack THEN the boundary allows every action its roles' policies grant, on their resources",
    async (name) => {
      const config = exampleConfig(name, (i) => {
        // The opt-in that attaches AmazonSSMManagedInstanceCore too: its actions must fit under the boundary as well.
        (i.instanceAccess as Record<string, unknown>) = { ...(i.instanceAccess as object), managedInstanceCore: true };
      });
      const boundary = policyDocument(BOUNDARY_STATEMENTS);
      const checked: string[] = [];
      for (const { role, policy } of rolePolicies(config))
        for (const s of policy.Statement)
          for (const action of [s.Action].flat())
            for (const resource of [s.Resource ?? "*"].flat()) {
              checked.push(action);
              expect([
                role,
                action,
                resource,
                await evaluate(
                  { principal: `arn:aws:iam::${config.account}:role/x`, action, resource },
                  [boundary],
                  resource.includes(":kms:") ? keyPolicy(config.account) : undefined,
                ),
              ]).toEqual([role, action, resource, "Allowed"]);
            }
      expect(checked).toContain("ssm:UpdateInstanceInformation");
    },
  );

  test("GIVEN AWS's managed policies the stacks attach THEN the boundary allows each of their actions (aws-facts §3.1, §3.4)", async () => {
    // AmazonSSMManagedInstanceCore v2 and AmazonSSMManagedEC2InstanceDefaultPolicy, as AWS documents them.
    const managed = [
      "ssm:DescribeAssociation",
      "ssm:GetDeployablePatchSnapshotForInstance",
      "ssm:GetDocument",
      "ssm:DescribeDocument",
      "ssm:GetManifest",
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:ListAssociations",
      "ssm:ListInstanceAssociations",
      "ssm:PutInventory",
      "ssm:PutComplianceItems",
      "ssm:PutConfigurePackageResult",
      "ssm:UpdateAssociationStatus",
      "ssm:UpdateInstanceAssociationStatus",
      "ssm:UpdateInstanceInformation",
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
      "ec2messages:AcknowledgeMessage",
      "ec2messages:DeleteMessage",
      "ec2messages:FailMessage",
      "ec2messages:GetEndpoint",
      "ec2messages:GetMessages",
      "ec2messages:SendReply",
    ];
    const boundary = policyDocument(BOUNDARY_STATEMENTS);
    for (const action of managed)
      expect([action, await evaluate({ principal: iamArn("role/x"), action, resource: "*" }, [boundary])]).toEqual([
        action,
        "Allowed",
      ]);
  });

  test.each([
    ["s3:GetObject", `${LOG_BUCKET}/dev/i-0abc.log`],
    ["logs:GetLogEvents", `arn:aws:logs:${R}:${A}:log-group:/bastionless/dev/sessions:log-stream:x`],
    ["iam:CreateRole", iamArn("role/anything")],
    ["iam:PassRole", iamArn("role/anything")],
    ["ssm:StartSession", ec2Arn("instance/i-0123456789abcdef0")],
    ["ssm:SendCommand", ec2Arn("instance/i-0123456789abcdef0")],
    ["ec2:RunInstances", ec2Arn("instance/*")],
    ["s3:DeleteObject", `${LOG_BUCKET}/dev/i-0abc.log`],
  ])("GIVEN a role with AdministratorAccess under the boundary THEN %s is not allowed", async (action, resource) => {
    expect(await underBoundary(action, resource)).not.toBe("Allowed");
  });

  test("GIVEN a role with AdministratorAccess under the boundary THEN the agent and log writes stay allowed", async () => {
    expect(await underBoundary("ssm:UpdateInstanceInformation", ec2Arn("instance/i-0123456789abcdef0"))).toBe(
      "Allowed",
    );
    expect(await underBoundary("s3:PutObject", `${LOG_BUCKET}/dev/i-0abc.log`)).toBe("Allowed");
  });
});

/** A role holding AdministratorAccess with the project boundary as its permissions boundary. */
async function underBoundary(action: string, resource: string): Promise<string | undefined> {
  const admin = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
  const r = await runSimulation(
    {
      identityPolicies: [{ name: "admin", policy: admin }],
      permissionBoundaryPolicies: [{ name: "boundary", policy: policyDocument(BOUNDARY_STATEMENTS) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: iamArn("role/bastionless-dev-session-instance"),
        action,
        resource: { accountId: A, resource },
        contextVariables: {},
      },
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (r.resultType === "error") throw new Error(JSON.stringify(r.errors));
  return r.overallResult;
}

describe("IAM size limits of the generated policies (aws-facts §27)", () => {
  const LIMITS = { trust: 2048, inline: 10240, managed: 6144 };
  const many = exampleConfig("staging", (i) => {
    // A large environment: ten operator roles with long names.
    (i.accessGroups as Record<string, unknown>[])[0].principals = {
      roleNames: Array.from({ length: 10 }, (_, n) => `operators-team-${n}-with-a-long-role-name`),
    };
  });
  const large = synthJson(
    new CiStack(Testing.app(), "ci", {
      environments: [many, prod],
      ci: ciSchema.parse({
        github: {
          owner: "an-organization-with-a-long-name",
          ownerId: 123456789,
          repository: "infrastructure-bastionless",
          repositoryId: 987654321,
        },
      }),
    }),
  );
  test.each([
    ["the example environments", tf],
    ["a large environment with a long repository name", large],
  ])("GIVEN %s THEN every trust, inline and managed policy is within IAM's limit", (_what, t: TfJson) => {
    const sizes = [
      ...Object.entries(resourcesByName(t, IamRole)).map(([n, r]) => ({
        n,
        kind: "trust",
        size: policySize(r.assume_role_policy as string),
      })),
      ...Object.entries(resourcesByName(t, IamRolePolicy)).map(([n, p]) => ({
        n,
        kind: "inline",
        size: policySize(p.policy as string),
      })),
      ...Object.entries(resourcesByName(t, IamPolicy)).map(([n, p]) => ({
        n,
        kind: "managed",
        size: policySize(p.policy as string),
      })),
    ];
    expect(sizes.length).toBeGreaterThan(6);
    for (const s of sizes)
      expect([s.n, s.kind, s.size <= LIMITS[s.kind as keyof typeof LIMITS]]).toEqual([s.n, s.kind, true]);
  });
});
