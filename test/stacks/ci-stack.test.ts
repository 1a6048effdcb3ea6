/**
 * The `ci` stack: GitHub OIDC provider per account and per environment a plan and an apply role, proven with the
 * IAM engine on the synthesized policies: the plan role reads but cannot write (nor read session logs), the apply
 * role cannot open sessions or touch the CI identities, and the trust policies accept only this repository (apply:
 * only the GitHub environment of that name; never a pull request).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ciSchema, loadCiConfig, type CiConfig } from "../../loader/ci";
import { ConfigError } from "../../loader/load";
import { IamOpenidConnectProvider, IamRole, IamRolePolicy } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { CiStack, GITHUB_OIDC_HOST } from "../../stacks/ci-stack";
import { evaluate, type Outcome } from "../../ops/lib/iam-evaluate";
import { exampleConfig, resources, resourcesByName, synthJson, type TfJson } from "../helpers/synth";

const ci: CiConfig = ciSchema.parse({ github: { owner: "acme", repository: "infra" } });
const dev = exampleConfig("dev");
const prod = exampleConfig("prod");
const staging = exampleConfig("staging");
const tf: TfJson = synthJson(new CiStack(Testing.app(), "ci", { environments: [dev, staging, prod], ci }));

const role = (name: string) => resourcesByName(tf, IamRole)[name] as { name: string; assume_role_policy: string };
const policy = (name: string) =>
  JSON.parse((resourcesByName(tf, IamRolePolicy)[`${name}-policy`] as { policy: string }).policy) as object;
const arnOf = (env: { account: string }, roleName: string) => `arn:aws:iam::${env.account}:role/${roleName}`;

/** A KMS key policy that leaves access to IAM policies (KMS needs the key policy to allow as well). */
const ACCOUNT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${dev.account}:root` }, Action: "kms:*", Resource: "*" },
  ],
};

async function can(kind: "plan" | "apply", action: string, resource: string, context = {}): Promise<Outcome> {
  const r = role(`dev-${kind}`);
  const keyPolicy = resource.includes(":kms:") ? ACCOUNT_KEY_POLICY : undefined;
  return evaluate({ principal: arnOf(dev, r.name), action, resource, context }, [policy(`dev-${kind}`)], keyPolicy);
}

/**
 * The engine's IAM reference data knows GitHub's claim keys (repository, environment, …) but not the generic `sub`
 * and `aud` of an OIDC issuer; those two are evaluated under the Google issuer's names for the same claims (the
 * same StringEquals on the same strings), in the policy and in the request alike.
 */
async function assume(
  kind: "plan" | "apply",
  claims: { sub: string; repository: string; environment?: string; aud?: string },
) {
  const r = role(`dev-${kind}`);
  const trustText = r.assume_role_policy
    .replaceAll(`${GITHUB_OIDC_HOST}:sub`, "accounts.google.com:sub")
    .replaceAll(`${GITHUB_OIDC_HOST}:aud`, "accounts.google.com:aud");
  const context: Record<string, string> = {
    "accounts.google.com:sub": claims.sub,
    "accounts.google.com:aud": claims.aud ?? "sts.amazonaws.com",
    [`${GITHUB_OIDC_HOST}:repository`]: claims.repository,
  };
  if (claims.environment) context[`${GITHUB_OIDC_HOST}:environment`] = claims.environment;
  return evaluate(
    {
      principal: `arn:aws:iam::${dev.account}:oidc-provider/${GITHUB_OIDC_HOST}`,
      action: "sts:AssumeRoleWithWebIdentity",
      resource: arnOf(dev, r.name),
      resourceAccount: dev.account,
      context,
    },
    [],
    JSON.parse(trustText) as object,
  );
}

const STATE = "arn:aws:s3:::bastionless-tfstate-111111111111/bastionless/dev.tfstate";

describe("CI identities", () => {
  test("one OIDC provider per account, a plan and an apply role per environment, outputs in the workflows' variable format", () => {
    expect(Object.keys(resourcesByName(tf, IamOpenidConnectProvider))).toHaveLength(3);
    expect(resources(tf, IamOpenidConnectProvider)[0]).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    expect(Object.keys(resourcesByName(tf, IamRole)).sort()).toEqual([
      "dev-apply",
      "dev-plan",
      "prod-apply",
      "prod-plan",
      "staging-apply",
      "staging-plan",
    ]);
    expect(role("prod-apply").name).toBe("bastionless-prod-ci-apply");
    expect(tf.output!.aws_plan_role_arns.value).toMatch(/^\$\{jsonencode\(\{"dev" = aws_iam_role\.dev-plan\.arn/);
    expect(tf.output!.aws_apply_role_arns.value).toContain('"prod" = aws_iam_role.prod-apply.arn');
  });

  test("GIVEN an account that already has GitHub's OIDC provider THEN it is reused, not created (IAM allows one)", () => {
    const reuse = ciSchema.parse({ github: ci.github, oidcProvider: { reuseInAccounts: [dev.account] } });
    const t = synthJson(new CiStack(Testing.app(), "ci", { environments: [dev, prod], ci: reuse }));
    expect(Object.keys(resourcesByName(t, IamOpenidConnectProvider))).toEqual([`GitHubOidc-${prod.account}`]);
    expect((resourcesByName(t, IamRole)["dev-plan"] as { assume_role_policy: string }).assume_role_policy).toContain(
      `arn:aws:iam::${dev.account}:oidc-provider/token.actions.githubusercontent.com`,
    );
  });
});

describe("plan role (IAM engine)", () => {
  test.each([
    ["ec2:DescribeVpcEndpoints", "*"],
    ["iam:GetRole", "arn:aws:iam::111111111111:role/bastionless-dev-instance"],
    ["kms:GetKeyPolicy", "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["s3:GetObject", STATE],
    ["s3:PutObject", `${STATE}.tflock`],
    ["s3:DeleteObject", `${STATE}.tflock`],
  ])("GIVEN a plan THEN it may %s on %s", async (action, resource) => {
    expect(await can("plan", action, resource)).toBe("Allowed");
  });

  test.each([
    ["ec2:CreateVpcEndpoint", "arn:aws:ec2:eu-west-1:111111111111:vpc-endpoint/*"],
    ["ec2:RunInstances", "arn:aws:ec2:eu-west-1:111111111111:instance/*"],
    ["iam:CreateRole", "arn:aws:iam::111111111111:role/x"],
    ["iam:PutRolePolicy", "arn:aws:iam::111111111111:role/bastionless-dev-instance"],
    ["iam:PassRole", "arn:aws:iam::111111111111:role/bastionless-dev-instance"],
    ["kms:ScheduleKeyDeletion", "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["kms:Decrypt", "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["s3:PutObject", STATE],
    ["s3:DeleteObject", STATE],
    ["s3:GetObject", "arn:aws:s3:::bastionless-tfstate-111111111111/bastionless/staging.tfstate"],
    ["s3:GetObject", "arn:aws:s3:::bastionless-dev-sessions-111111111111/sessions/i-0abc.log"],
    ["logs:GetLogEvents", "arn:aws:logs:eu-west-1:111111111111:log-group:/bastionless/dev/sessions:log-stream:x"],
    ["ssm:StartSession", "arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0"],
    ["ssm:SendCommand", "arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0"],
    ["ssm:UpdateDocument", "arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell"],
    ["ssm:GetParameter", "arn:aws:ssm:eu-west-1:111111111111:parameter/app/db-password"],
    ["ec2:GetPasswordData", "arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0"],
  ])("GIVEN a plan THEN it may not %s on %s", async (action, resource) => {
    expect(await can("plan", action, resource)).not.toBe("Allowed");
  });
});

test("GIVEN a plan THEN SSM parameters are readable only under AWS's public /aws/service/ path (the AMI lookup)", () => {
  const statement = (
    policy("dev-plan") as { Statement: { Sid: string; Action: string[]; Resource: string }[] }
  ).Statement.find((s) => s.Sid === "ReadPublicParameters");
  expect(statement).toMatchObject({
    Action: ["ssm:GetParameter", "ssm:GetParameters"],
    Resource: "arn:aws:ssm:*::parameter/aws/service/*",
  });
});

describe("apply role (IAM engine)", () => {
  test.each([
    ["ec2:CreateVpcEndpoint", "arn:aws:ec2:eu-west-1:111111111111:vpc-endpoint/*"],
    ["iam:CreateRole", "arn:aws:iam::111111111111:role/bastionless-dev-instance"],
    ["kms:CreateKey", "*"],
    ["s3:PutObject", STATE],
    ["ssm:UpdateDocument", "arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell"],
  ])("GIVEN an apply THEN it may %s on %s", async (action, resource) => {
    expect(await can("apply", action, resource)).toBe("Allowed");
  });

  test("GIVEN an apply THEN iam:PassRole only for this project's roles and only to EC2 or SSM", async () => {
    const instanceRole = "arn:aws:iam::111111111111:role/bastionless-dev-instance";
    expect(await can("apply", "iam:PassRole", instanceRole, { "iam:PassedToService": "ec2.amazonaws.com" })).toBe(
      "Allowed",
    );
    expect(
      await can("apply", "iam:PassRole", instanceRole, { "iam:PassedToService": "lambda.amazonaws.com" }),
    ).not.toBe("Allowed");
    expect(
      await can("apply", "iam:PassRole", "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole", {
        "iam:PassedToService": "ec2.amazonaws.com",
      }),
    ).not.toBe("Allowed");
  });

  test.each([
    ["ssm:StartSession", "arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0"],
    ["ssm:SendCommand", "arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0"],
    ["iam:CreateAccessKey", "arn:aws:iam::111111111111:user/someone"],
    ["iam:UpdateAssumeRolePolicy", "arn:aws:iam::111111111111:role/bastionless-dev-ci-apply"],
    ["iam:PutRolePolicy", "arn:aws:iam::111111111111:role/bastionless-prod-ci-plan"],
    ["iam:DeleteOpenIDConnectProvider", "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"],
    ["s3:DeleteBucket", "arn:aws:s3:::bastionless-tfstate-111111111111"],
    ["s3:PutBucketPolicy", "arn:aws:s3:::bastionless-tfstate-111111111111"],
  ])("GIVEN an apply THEN %s on %s is explicitly denied", async (action, resource) => {
    expect(await can("apply", action, resource)).toBe("ExplicitlyDenied");
  });
});

describe("trust (IAM engine)", () => {
  const repo = "acme/infra";
  test("the apply role accepts only jobs of this repository in the GitHub environment of its name", async () => {
    expect(
      await assume("apply", { sub: "repo:acme/infra:environment:dev", repository: repo, environment: "dev" }),
    ).toBe("Allowed");
    expect(await assume("apply", { sub: "repo:acme/infra:pull_request", repository: repo })).not.toBe("Allowed");
    expect(await assume("apply", { sub: "repo:acme/infra:ref:refs/heads/main", repository: repo })).not.toBe("Allowed");
    expect(
      await assume("apply", { sub: "repo:acme/infra:environment:prod", repository: repo, environment: "prod" }),
    ).not.toBe("Allowed");
    expect(
      await assume("apply", { sub: "repo:evil/infra:environment:dev", repository: "evil/infra", environment: "dev" }),
    ).not.toBe("Allowed");
    expect(
      await assume("apply", {
        sub: "repo:acme/infra:environment:dev",
        repository: repo,
        environment: "dev",
        aud: "https://github.com/acme",
      }),
    ).not.toBe("Allowed");
  });

  test("the plan role accepts this repository's pull requests and default branch, nothing else", async () => {
    expect(await assume("plan", { sub: "repo:acme/infra:pull_request", repository: repo })).toBe("Allowed");
    expect(await assume("plan", { sub: "repo:acme/infra:ref:refs/heads/main", repository: repo })).toBe("Allowed");
    expect(await assume("plan", { sub: "repo:acme/infra:ref:refs/heads/feature", repository: repo })).not.toBe(
      "Allowed",
    );
    expect(await assume("plan", { sub: "repo:acme/other:pull_request", repository: "acme/other" })).not.toBe("Allowed");
    expect(
      await assume("plan", { sub: "repo:acme/infra:environment:dev", repository: repo, environment: "dev" }),
    ).not.toBe("Allowed");
  });
});

describe("config/ci.yaml", () => {
  const write = (text: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-ci-")), "ci.yaml");
    fs.writeFileSync(file, text);
    return file;
  };

  test("the repository's file is valid; a missing file means no ci stack", () => {
    expect(loadCiConfig(path.join(__dirname, "..", "..", "config", "ci.yaml"))?.github.defaultBranch).toBe("main");
    expect(loadCiConfig("/nonexistent/ci.yaml")).toBeUndefined();
  });

  test("GIVEN a bad owner THEN a ConfigError naming the file, field, value and line:column", () => {
    const file = write("github:\n  owner: 'acme corp'\n  repository: infra\n");
    expect(() => loadCiConfig(file)).toThrow(ConfigError);
    expect(() => loadCiConfig(file)).toThrow(
      /ci\.yaml: github\.owner: "acme corp" is not a GitHub owner.*line 2, column 10/,
    );
  });

  test("GIVEN an unknown key or a bad account THEN the error says so", () => {
    expect(() => loadCiConfig(write("github: { owner: a, repository: b, branch: main }\n"))).toThrow(/branch/);
    expect(() =>
      loadCiConfig(write("github: { owner: a, repository: b }\noidcProvider: { reuseInAccounts: ['12'] }\n")),
    ).toThrow(/"12" is not a 12-digit account id/);
  });
});
