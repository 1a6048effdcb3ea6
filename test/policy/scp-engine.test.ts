/**
 * The ready-to-attach service control policy (cdktf.out/scp/access-tag-protection.json) evaluated as what it is:
 * an SCP on the organization root, with the IAM engine's serviceControlPolicies (AWS's FullAWSAccess at every
 * level, the tag-protection SCP at the root). A principal with AdministratorAccess cannot set, change or remove an
 * access tag key; it can still tag Name; the exempt platform role manages the access keys.
 */
import { loadEnvironments } from "../../loader/load";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { identityStack } from "../helpers/policies";
import { ENV_DIR } from "../helpers/synth";

const ACCOUNT = "111111111111";
const INSTANCE = `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`;
const FULL_AWS_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const ADMINISTRATOR_ACCESS = FULL_AWS_ACCESS;
const admin = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const platform = `arn:aws:iam::${ACCOUNT}:role/bastionless-platform`;

let scp: object;
beforeAll(() => {
  scp = identityStack(loadEnvironments(ENV_DIR)).scp!;
});

async function underScp(
  principal: string,
  action: string,
  context: Record<string, string | string[]>,
  withScp = true,
  resource = INSTANCE,
): Promise<string> {
  const r = await runSimulation(
    {
      identityPolicies: [{ name: "AdministratorAccess", policy: ADMINISTRATOR_ACCESS }],
      serviceControlPolicies: [
        {
          orgIdentifier: "r-abcd",
          policies: [
            { name: "FullAWSAccess", policy: FULL_AWS_ACCESS },
            ...(withScp ? [{ name: "access-tag-protection", policy: scp }] : []),
          ],
        },
        { orgIdentifier: ACCOUNT, policies: [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }] },
      ],
      resourceControlPolicies: [],
      request: {
        principal,
        action,
        resource: { accountId: ACCOUNT, resource },
        contextVariables: { "aws:PrincipalArn": principal, ...context },
      },
    },
    {},
  );
  if (r.resultType === "error") throw new Error(JSON.stringify(r.errors));
  return r.overallResult;
}

describe("GIVEN the tag-protection SCP attached at the organization root", () => {
  test("(control) WITHOUT the SCP an administrator may tag an instance into reach", async () => {
    expect(await underScp(admin, "ec2:CreateTags", { "aws:TagKeys": ["Team"] }, false)).toBe("Allowed");
  });
  test.each([
    ["adds an access tag", "ec2:CreateTags", { "aws:TagKeys": ["Team"], "aws:RequestTag/Team": "platform" }],
    ["adds it in another case", "ec2:CreateTags", { "aws:TagKeys": ["TEAM"], "aws:RequestTag/TEAM": "platform" }],
    ["adds it next to Name", "ec2:CreateTags", { "aws:TagKeys": ["Name", "AccessTier"] }],
    [
      "removes an access tag",
      "ec2:DeleteTags",
      { "aws:TagKeys": ["Environment"], "ec2:ResourceTag/Environment": "prod" },
    ],
    ["removes every tag of an access-tagged instance", "ec2:DeleteTags", { "ec2:ResourceTag/Team": "sre" }],
    ["launches an instance carrying an access tag", "ec2:RunInstances", { "aws:TagKeys": ["Team"] }],
  ])("WHEN an administrator %s THEN the SCP denies it explicitly", async (_what, action, context) => {
    expect(await underScp(admin, action, context)).toBe("ExplicitlyDenied");
  });
  test("WHEN an administrator sets an access key through the tagging API or an Auto Scaling group THEN it is denied", async () => {
    const group = `arn:aws:autoscaling:eu-west-1:${ACCOUNT}:autoScalingGroup:0f1e2d3c-1111-2222-3333-444455556666:autoScalingGroupName/web`;
    const team = { "aws:TagKeys": ["Team"] };
    expect(await underScp(admin, "tag:TagResources", team, true, "*")).toBe("ExplicitlyDenied");
    for (const action of ["autoscaling:CreateAutoScalingGroup", "autoscaling:CreateOrUpdateTags"])
      expect([action, await underScp(admin, action, team, true, group)]).toEqual([action, "ExplicitlyDenied"]);
    expect(await underScp(admin, "tag:TagResources", { "aws:TagKeys": ["Name"] }, true, "*")).toBe("Allowed");
  });
  test("WHEN an administrator tags or untags Name THEN it is allowed", async () => {
    expect(await underScp(admin, "ec2:CreateTags", { "aws:TagKeys": ["Name"], "aws:RequestTag/Name": "web" })).toBe(
      "Allowed",
    );
    expect(await underScp(admin, "ec2:DeleteTags", { "aws:TagKeys": ["Name"], "ec2:ResourceTag/Team": "sre" })).toBe(
      "Allowed",
    );
  });
  test.each([
    ["sets an access tag", "ec2:CreateTags", { "aws:TagKeys": ["Team"], "aws:RequestTag/Team": "sre" }],
    ["removes an access tag", "ec2:DeleteTags", { "aws:TagKeys": ["Team"], "ec2:ResourceTag/Team": "sre" }],
    ["launches a tagged instance", "ec2:RunInstances", { "aws:TagKeys": ["Team", "Environment"] }],
  ])("WHEN the exempt platform role %s THEN it is allowed", async (_what, action, context) => {
    expect(await underScp(platform, action, context)).toBe("Allowed");
  });
  test("WHEN the platform role's session (assumed-role ARN; aws:PrincipalArn is the role) tags an instance THEN it is allowed", async () => {
    const r = await runSimulation(
      {
        identityPolicies: [{ name: "AdministratorAccess", policy: ADMINISTRATOR_ACCESS }],
        serviceControlPolicies: [
          {
            orgIdentifier: "r-abcd",
            policies: [
              { name: "FullAWSAccess", policy: FULL_AWS_ACCESS },
              { name: "scp", policy: scp },
            ],
          },
          { orgIdentifier: ACCOUNT, policies: [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }] },
        ],
        resourceControlPolicies: [],
        request: {
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/bastionless-platform/ci-run-42`,
          action: "ec2:CreateTags",
          resource: { accountId: ACCOUNT, resource: INSTANCE },
          contextVariables: { "aws:PrincipalArn": platform, "aws:TagKeys": ["Team"] },
        },
      },
      {},
    );
    expect(r.resultType === "error" ? r.errors : r.overallResult).toBe("Allowed");
  });
  test("WHEN a role merely named like the platform role in a path (role/x/bastionless-platform) THEN it is denied", async () => {
    const lookalike = `arn:aws:iam::${ACCOUNT}:role/x/bastionless-platform`;
    expect(await underScp(lookalike, "ec2:CreateTags", { "aws:TagKeys": ["Team"] })).toBe("ExplicitlyDenied");
  });
});
