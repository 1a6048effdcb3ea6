/**
 * The ready-to-attach service control policy (cdktf.out/scp/access-tag-protection.json) evaluated as what it is:
 * an SCP on the organization root, with the IAM engine's serviceControlPolicies (AWS's FullAWSAccess at every
 * level, the tag-protection SCP at the root). It reserves the access tag keys (accessTagPrefix `bastionless:`) and
 * nothing else: an administrator cannot tag an instance into reach, another team keeps tagging `Environment` and
 * `Team`, and the exempt principals are exact ARNs: the CI apply roles the `ci` stack creates (read from its
 * synthesized output) and the break-glass role, account by account.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { loadCiConfig } from "../../loader/ci";
import { loadEnvironments } from "../../loader/load";
import { IamRole } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { CiStack } from "../../stacks/ci-stack";
import { CI_FILE, identityStack } from "../helpers/policies";
import { ENV_DIR, resources, synthJson } from "../helpers/synth";

const DEV = "111111111111";
const OTHER_ACCOUNT = "444455556666";
const INSTANCE = `arn:aws:ec2:eu-west-1:${DEV}:instance/i-0123456789abcdef0`;
const FULL_AWS_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const admin = `arn:aws:iam::${DEV}:role/Admin`;
const otherTeam = `arn:aws:iam::${DEV}:role/payments-terraform`;
const ACCESS_KEYS = ["bastionless:team", "bastionless:tier"];
/** What the pipeline's RunInstances carries: the provider's default tags and the launch template's access tags. */
const PIPELINE_LAUNCH_TAGS = ["Project", "Environment", "ManagedBy", "CostCenter", ...ACCESS_KEYS];

const environments = loadEnvironments(ENV_DIR);
let scp: object;
let applyRoles: string[];
beforeAll(() => {
  scp = identityStack(environments).scp!;
  // The apply roles as the ci stack creates them: account from the provider, path and name from the role.
  const ci = synthJson(
    new CiStack(Testing.app(), "ci", { environments: environments.map((e) => e.config), ci: loadCiConfig(CI_FILE)! }),
  );
  applyRoles = resources(ci, IamRole)
    .filter((r) => String(r.name).endsWith("-ci-apply"))
    .map((r) => {
      const account = /a(\d{12})$/.exec(String(r.provider))![1];
      return `arn:aws:iam::${account}:role${String(r.path ?? "/")}${String(r.name)}`;
    });
});

async function underScp(
  principal: string,
  action: string,
  context: Record<string, string | string[]>,
  policy: object | null = scp,
  resource = INSTANCE,
  principalArn = principal,
): Promise<string> {
  const account = /::(\d{12}):/.exec(principal)![1];
  const r = await runSimulation(
    {
      identityPolicies: [{ name: "AdministratorAccess", policy: FULL_AWS_ACCESS }],
      serviceControlPolicies: [
        {
          orgIdentifier: "r-abcd",
          policies: [
            { name: "FullAWSAccess", policy: FULL_AWS_ACCESS },
            ...(policy ? [{ name: "access-tag-protection", policy }] : []),
          ],
        },
        { orgIdentifier: account, policies: [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }] },
      ],
      resourceControlPolicies: [],
      request: {
        principal,
        action,
        resource: { accountId: account, resource: resource.replace(DEV, account) },
        contextVariables: { "aws:PrincipalArn": principalArn, ...context },
      },
    },
    {},
  );
  if (r.resultType === "error") throw new Error(JSON.stringify(r.errors));
  return r.overallResult;
}

describe("GIVEN the tag-protection SCP attached at the organization root", () => {
  test("the SCP reserves exactly the access tag keys of the environments: no Environment, no Team", () => {
    const text = JSON.stringify(scp);
    const keys = new Set(
      (scp as { Statement: { Condition: Record<string, Record<string, unknown>> }[] }).Statement.flatMap((s) =>
        Object.values(s.Condition).flatMap((c) => (Array.isArray(c["aws:TagKeys"]) ? c["aws:TagKeys"] : [])),
      ),
    );
    expect([...keys].sort()).toEqual(["bastionless:environment", ...ACCESS_KEYS]);
    expect(text).not.toMatch(/"(Environment|Team)"|ResourceTag\/(Environment|Team)"/);
  });

  test("the exemptions are exact ARNs: the ci stack's apply roles and the break-glass role, no * anywhere", () => {
    expect(applyRoles).toHaveLength(3);
    const statements = (scp as { Statement: { Condition: Record<string, Record<string, string[]>> }[] }).Statement;
    for (const s of statements) {
      const exempt = s.Condition.ArnNotEquals["aws:PrincipalArn"];
      expect(exempt).toEqual(expect.arrayContaining(applyRoles));
      expect(exempt).toContain(`arn:aws:iam::${DEV}:role/bastionless-break-glass`);
      for (const arn of exempt) expect(arn).toMatch(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/);
    }
  });

  test("(control) WITHOUT the SCP an administrator may tag an instance into reach", async () => {
    expect(await underScp(admin, "ec2:CreateTags", { "aws:TagKeys": ["bastionless:team"] }, null)).toBe("Allowed");
  });

  describe("an operator or administrator cannot tag an instance into reach", () => {
    test.each([
      ["adds an access tag", "ec2:CreateTags", { "aws:TagKeys": ["bastionless:team"] }],
      ["adds it in another case", "ec2:CreateTags", { "aws:TagKeys": ["BASTIONLESS:TEAM"] }],
      ["adds it next to Name", "ec2:CreateTags", { "aws:TagKeys": ["Name", "bastionless:tier"] }],
      [
        "removes an access tag",
        "ec2:DeleteTags",
        { "aws:TagKeys": ["bastionless:environment"], "ec2:ResourceTag/bastionless:environment": "prod" },
      ],
      [
        "removes every tag of an access-tagged instance",
        "ec2:DeleteTags",
        { "ec2:ResourceTag/bastionless:team": "sre" },
      ],
      ["launches an instance carrying an access tag", "ec2:RunInstances", { "aws:TagKeys": ["bastionless:team"] }],
    ])("WHEN an administrator %s THEN the SCP denies it explicitly", async (_what, action, context) => {
      expect(await underScp(admin, action, context)).toBe("ExplicitlyDenied");
    });
    test("WHEN an administrator sets an access key through the tagging API or an Auto Scaling group THEN it is denied", async () => {
      const group = `arn:aws:autoscaling:eu-west-1:${DEV}:autoScalingGroup:0f1e2d3c-1111-2222-3333-444455556666:autoScalingGroupName/web`;
      const access = { "aws:TagKeys": ["bastionless:team"] };
      expect(await underScp(admin, "tag:TagResources", access, scp, "*")).toBe("ExplicitlyDenied");
      for (const action of ["autoscaling:CreateAutoScalingGroup", "autoscaling:CreateOrUpdateTags"])
        expect([action, await underScp(admin, action, access, scp, group)]).toEqual([action, "ExplicitlyDenied"]);
    });
  });

  describe("another team's own tags are none of the SCP's business", () => {
    test.each([
      ["tags its instance Environment and Team", "ec2:CreateTags", { "aws:TagKeys": ["Environment", "Team"] }],
      ["removes Environment", "ec2:DeleteTags", { "aws:TagKeys": ["Environment"], "ec2:ResourceTag/Team": "pay" }],
      [
        "launches with its default_tags",
        "ec2:RunInstances",
        { "aws:TagKeys": ["Environment", "Team", "Project", "Name"] },
      ],
      ["removes every tag of its own instance", "ec2:DeleteTags", { "ec2:ResourceTag/Environment": "prod" }],
    ])("WHEN another team's Terraform role %s THEN it is allowed", async (_what, action, context) => {
      expect(await underScp(otherTeam, action, context)).toBe("Allowed");
    });
    test("WHEN it tags Environment through the tagging API or an Auto Scaling group THEN it is allowed", async () => {
      const group = `arn:aws:autoscaling:eu-west-1:${DEV}:autoScalingGroup:0f1e2d3c-1111-2222-3333-444455556666:autoScalingGroupName/web`;
      const theirs = { "aws:TagKeys": ["Environment", "Team"] };
      expect(await underScp(otherTeam, "tag:TagResources", theirs, scp, "*")).toBe("Allowed");
      expect(await underScp(otherTeam, "autoscaling:CreateAutoScalingGroup", theirs, scp, group)).toBe("Allowed");
    });
  });

  describe("the pipeline still launches and tags its instances", () => {
    test("WHEN each environment's CI apply role launches the example instance with its tags THEN it is allowed", async () => {
      for (const role of applyRoles) {
        const launch = await underScp(role, "ec2:RunInstances", { "aws:TagKeys": PIPELINE_LAUNCH_TAGS });
        const tag = await underScp(role, "ec2:CreateTags", {
          "aws:TagKeys": PIPELINE_LAUNCH_TAGS,
          "ec2:CreateAction": "RunInstances",
        });
        const retag = await underScp(role, "ec2:DeleteTags", { "aws:TagKeys": ACCESS_KEYS });
        expect([role, launch, tag, retag]).toEqual([role, "Allowed", "Allowed", "Allowed"]);
      }
    });
    test("WHEN the apply role's session (assumed-role ARN; aws:PrincipalArn is the role) tags an instance THEN it is allowed", async () => {
      const role = applyRoles.find((r) => r.includes(DEV))!;
      const session = `arn:aws:sts::${DEV}:assumed-role/${role.split("/").pop()}/GitHubActions`;
      expect(await underScp(session, "ec2:CreateTags", { "aws:TagKeys": ACCESS_KEYS }, scp, INSTANCE, role)).toBe(
        "Allowed",
      );
    });
    test("WHEN the break-glass role of an environment account tags an instance THEN it is allowed", async () => {
      const breakGlass = `arn:aws:iam::${DEV}:role/bastionless-break-glass`;
      expect(await underScp(breakGlass, "ec2:CreateTags", { "aws:TagKeys": ACCESS_KEYS })).toBe("Allowed");
    });
  });

  describe("exemption by exact ARN: a look-alike is not exempt", () => {
    test("WHEN a role named like the dev apply role in another account tags an instance THEN it is denied", async () => {
      const role = applyRoles.find((r) => r.includes(DEV))!;
      const lookalike = role.replace(DEV, OTHER_ACCOUNT);
      expect(await underScp(lookalike, "ec2:CreateTags", { "aws:TagKeys": ["bastionless:team"] })).toBe(
        "ExplicitlyDenied",
      );
    });
    test("WHEN a break-glass role of the same name in a non-environment account tags an instance THEN it is denied", async () => {
      const lookalike = `arn:aws:iam::${OTHER_ACCOUNT}:role/bastionless-break-glass`;
      expect(await underScp(lookalike, "ec2:CreateTags", { "aws:TagKeys": ACCESS_KEYS })).toBe("ExplicitlyDenied");
    });
    test("WHEN the apply role's name is behind another path (role/x/<name>) THEN it is denied", async () => {
      const role = applyRoles.find((r) => r.includes(DEV))!;
      const lookalike = role.replace(":role/", ":role/x/");
      expect(await underScp(lookalike, "ec2:CreateTags", { "aws:TagKeys": ACCESS_KEYS })).toBe("ExplicitlyDenied");
    });
    test("WHEN the plan role (pull requests) tags an instance THEN it is denied: only apply roles are exempt", async () => {
      const plan = applyRoles.find((r) => r.includes(DEV))!.replace(/-ci-apply$/, "-ci-plan");
      expect(await underScp(plan, "ec2:CreateTags", { "aws:TagKeys": ACCESS_KEYS })).toBe("ExplicitlyDenied");
    });
    test("WHEN there is no config/ci.yaml THEN no apply role is exempt (the exemption comes from ci.yaml)", async () => {
      const withoutCi = identityStack(environments, undefined, null).scp!;
      const role = applyRoles.find((r) => r.includes(DEV))!;
      expect(await underScp(role, "ec2:CreateTags", { "aws:TagKeys": ACCESS_KEYS }, withoutCi)).toBe(
        "ExplicitlyDenied",
      );
    });
  });
});
