/**
 * The `ci` stack's shape: per account the GitHub OIDC provider and the project's permissions boundary, per
 * environment a plan and an apply role with their policies, its own remote state, the outputs the workflows and the
 * GitHub checklist read; config/ci.yaml's errors; and the boundary wired into every role the environment stacks
 * create. Who may assume the roles and what they may do is proven with the IAM engine in test/policy/ci-trust.test.ts
 * and test/policy/ci-apply-role.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ciSchema, loadCiConfig, type CiConfig } from "../../loader/ci";
import { ConfigError } from "../../loader/load";
import {
  IamOpenidConnectProvider,
  IamPolicy,
  IamRole,
  IamRolePolicy,
  IamRolePolicyAttachment,
} from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { CiStack } from "../../stacks/ci-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { projectBoundaryArn } from "../../stacks/permissions-boundary";
import { addressOf, exampleConfig, resources, resourcesByName, synthJson, type TfJson } from "../helpers/synth";

const github = { owner: "acme", ownerId: 1001, repository: "infra", repositoryId: 2002 };
const ci: CiConfig = ciSchema.parse({ github, environments: { prod: { requiredReviewers: ["acme/leads"] } } });
const dev = exampleConfig("dev");
const prod = exampleConfig("prod");
const staging = exampleConfig("staging");
const stack = new CiStack(Testing.app(), "ci", { environments: [dev, staging, prod], ci });
const tf: TfJson = synthJson(stack);

describe("CI identities", () => {
  test("one OIDC provider and one permissions boundary per account, a plan and an apply role per environment", () => {
    expect(Object.keys(resourcesByName(tf, IamOpenidConnectProvider))).toHaveLength(3);
    expect(resources(tf, IamOpenidConnectProvider)[0]).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    expect(resources(tf, IamPolicy).filter((p) => p.name === "bastionless-permissions-boundary")).toHaveLength(3);
    expect(Object.keys(resourcesByName(tf, IamRole)).sort()).toEqual([
      "dev-apply",
      "dev-plan",
      "prod-apply",
      // prod's break-glass role (breakGlass in prod.yaml), the ci stack's: test/policy/break-glass.test.ts
      addressOf(stack.breakGlassRoles.prod.role).split(".")[1],
      "prod-plan",
      "staging-apply",
      "staging-plan",
    ]);
    expect((resourcesByName(tf, IamRole)["prod-apply"] as { name: string }).name).toBe("bastionless-prod-ci-apply");
  });

  test("each role: its own inline policy; the shared reads attached to both, the apply denies to the apply role", () => {
    const attached = (role: string) =>
      resources(tf, IamRolePolicyAttachment)
        .filter((a) => a.role === `\${aws_iam_role.${role}.name}`)
        .map((a) => a.policy_arn)
        .sort();
    expect(attached("dev-plan")).toEqual(["${aws_iam_policy.dev-read.arn}"]);
    expect(attached("dev-apply")).toEqual(["${aws_iam_policy.dev-apply-denies.arn}", "${aws_iam_policy.dev-read.arn}"]);
    const denies = JSON.parse((resourcesByName(tf, IamPolicy)["dev-apply-denies"] as { policy: string }).policy) as {
      Statement: { Effect: string }[];
    };
    expect(denies.Statement.every((s) => s.Effect === "Deny")).toBe(true);
    const inline = JSON.parse(
      (resourcesByName(tf, IamRolePolicy)["dev-apply-policy"] as { policy: string }).policy,
    ) as {
      Statement: { Effect: string }[];
    };
    expect(inline.Statement.every((s) => s.Effect === "Allow")).toBe(true);
  });

  test("outputs: the workflows' role maps and the GitHub environments' checklist", () => {
    expect(tf.output!.aws_plan_role_arns.value).toMatch(/^\$\{jsonencode\(\{"dev" = aws_iam_role\.dev-plan\.arn/);
    expect(tf.output!.aws_apply_role_arns.value).toContain('"prod" = aws_iam_role.prod-apply.arn');
    expect(JSON.parse(tf.output!.github_environments.value as string)).toEqual([
      { environment: "dev", deploymentBranch: "main", requiredReviewers: [], pullRequestPlans: true },
      { environment: "prod", deploymentBranch: "main", requiredReviewers: ["acme/leads"], pullRequestPlans: false },
      { environment: "staging", deploymentBranch: "main", requiredReviewers: [], pullRequestPlans: true },
    ]);
  });

  test("the synth summary carries the GitHub checklist, and says when the stack's state is local", () => {
    expect(stack.summary()).toEqual([
      "state: local (state/terraform.ci.tfstate): set state in config/ci.yaml",
      "break-glass roles of prod: applied here, by an administrator (a change of breakGlass.principals takes effect with this stack's apply, not the pipeline's)",
      "GitHub: create environments dev, prod, staging before the first run, each deploying from main only",
      "prod requires reviewers acme/leads (no pull-request plans)",
    ]);
  });

  test("GIVEN state in ci.yaml THEN the stack keeps its state in that S3 bucket with S3 locking; none: local", () => {
    const remote = ciSchema.parse({
      github,
      state: { bucket: "bastionless-tfstate-333333333333", region: "eu-central-1" },
    });
    const t = synthJson(new CiStack(Testing.app(), "ci", { environments: [dev], ci: remote }));
    expect(t.terraform!.backend).toEqual({
      s3: {
        bucket: "bastionless-tfstate-333333333333",
        key: "bastionless/ci.tfstate",
        region: "eu-central-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(Object.keys(tf.terraform!.backend!)).toEqual(["local"]);
  });

  test("GIVEN an account that already has GitHub's OIDC provider THEN it is reused, not created (IAM allows one)", () => {
    const reuse = ciSchema.parse({ github, oidcProvider: { reuseInAccounts: [dev.account] } });
    const t = synthJson(new CiStack(Testing.app(), "ci", { environments: [dev, prod], ci: reuse }));
    expect(Object.keys(resourcesByName(t, IamOpenidConnectProvider))).toEqual([`GitHubOidc-${prod.account}`]);
    expect((resourcesByName(t, IamRole)["dev-plan"] as { assume_role_policy: string }).assume_role_policy).toContain(
      `arn:aws:iam::${dev.account}:oidc-provider/token.actions.githubusercontent.com`,
    );
  });
});

describe("the permissions boundary on every role the environment stacks create", () => {
  const roles = (t: TfJson) =>
    resources(t, IamRole).map((r) => ({ name: r.name ?? r.name_prefix, boundary: r.permissions_boundary }));

  test.each([dev, staging, prod])("GIVEN the ci stack's boundary THEN every role of $name carries it", (config) => {
    const boundary = projectBoundaryArn(config);
    // Applied by the CI roles, as main.ts builds it: the boundary on every role, the break-glass role in the ci stack.
    const t = synthJson(
      new EnvironmentStack(Testing.app(), config.name, {
        config,
        permissionsBoundaryArn: boundary,
        breakGlassRoleInCiStack: true,
      }),
    );
    const all = roles(t);
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) expect(r).toEqual({ name: r.name, boundary });
  });

  test("GIVEN dev and prod THEN the flow-log role, the instance role and the DHMC role are among them, named in the environment's prefix", () => {
    const names = [dev, prod].flatMap((config) =>
      roles(
        synthJson(
          new EnvironmentStack(Testing.app(), config.name, {
            config,
            permissionsBoundaryArn: projectBoundaryArn(config),
            breakGlassRoleInCiStack: true,
          }),
        ),
      ).map((r) => r.name),
    );
    expect(names.sort()).toEqual([
      "bastionless-dev-main-flow-logs",
      "bastionless-dev-session-instance",
      "bastionless-prod-dhmc",
      "bastionless-prod-session-instance",
    ]);
  });

  test("GIVEN an environment that names its organization's boundary THEN its roles carry that one", () => {
    const own = "arn:aws:iam::111111111111:policy/org-boundary";
    const config = exampleConfig("dev", (i) => {
      i.instanceAccess = { ...(i.instanceAccess as object), permissionsBoundaryArn: own };
    });
    const t = synthJson(
      new EnvironmentStack(Testing.app(), "dev", { config, permissionsBoundaryArn: projectBoundaryArn(config) }),
    );
    expect(new Set(roles(t).map((r) => r.boundary))).toEqual(new Set([own]));
  });

  test("GIVEN no ci stack and no boundary in the environment file THEN the roles carry none (library use)", () => {
    const t = synthJson(new EnvironmentStack(Testing.app(), "dev", { config: dev }));
    expect(roles(t).map((r) => r.boundary)).toEqual([undefined, undefined]);
  });
});

describe("config/ci.yaml", () => {
  const write = (text: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-ci-")), "ci.yaml");
    fs.writeFileSync(file, text);
    return file;
  };
  const ids = "ownerId: 1001, repositoryId: 2002";

  test("the repository's file is valid; a missing file means no ci stack", () => {
    const repo = loadCiConfig(path.join(__dirname, "..", "..", "config", "ci.yaml"), ["dev", "staging", "prod"]);
    expect(repo?.github.defaultBranch).toBe("main");
    expect(repo?.github.subjectFormats).toEqual(["named", "immutable"]);
    expect(loadCiConfig("/nonexistent/ci.yaml")).toBeUndefined();
  });

  test("GIVEN a bad owner THEN a ConfigError naming the file, field, value and line:column", () => {
    const file = write(`github:\n  owner: 'acme corp'\n  ownerId: 1\n  repository: infra\n  repositoryId: 2\n`);
    expect(() => loadCiConfig(file)).toThrow(ConfigError);
    expect(() => loadCiConfig(file)).toThrow(
      /ci\.yaml: github\.owner: "acme corp" is not a GitHub owner.*line 2, column 10/,
    );
  });

  test("GIVEN no repositoryId THEN it is required (every trust policy pins the repository by id)", () => {
    expect(() => loadCiConfig(write("github: { owner: a, ownerId: 1, repository: b }\n"))).toThrow(
      /github\.repositoryId: is required/,
    );
    expect(() => loadCiConfig(write("github: { owner: a, ownerId: 1, repository: b, repositoryId: 'x12' }\n"))).toThrow(
      /github\.repositoryId: "x12" is not a GitHub repository id/,
    );
  });

  test("GIVEN an unknown sub format, key or account THEN the error says what is allowed", () => {
    expect(() =>
      loadCiConfig(write(`github: { owner: a, repository: b, ${ids}, subjectFormats: [named, numeric] }\n`)),
    ).toThrow(/github\.subjectFormats\[1\]: "numeric" is not allowed; allowed: "named", "immutable"/);
    expect(() => loadCiConfig(write(`github: { owner: a, repository: b, ${ids}, branch: main }\n`))).toThrow(/branch/);
    expect(() =>
      loadCiConfig(write(`github: { owner: a, repository: b, ${ids} }\noidcProvider: { reuseInAccounts: ['12'] }\n`)),
    ).toThrow(/"12" is not a 12-digit account id/);
  });

  test("GIVEN an environment that does not exist THEN the error names it, the environments and its line", () => {
    const file = write(
      `github: { owner: a, repository: b, ${ids} }\nenvironments:\n  prd:\n    requiredReviewers: [a/leads]\n`,
    );
    expect(() => loadCiConfig(file, ["dev", "prod"])).toThrow(
      /ci\.yaml: environments\.prd: "prd" is not an environment; allowed: dev, prod \(line 3, column 3\)/,
    );
  });

  test("GIVEN a pull-request opt-in without a reason THEN it is refused (a written reason is the opt-in)", () => {
    expect(() =>
      loadCiConfig(
        write(`github: { owner: a, repository: b, ${ids} }\nenvironments: { prod: { pullRequestPlans: yes } }\n`),
      ),
    ).toThrow(
      /environments\.prod\.pullRequestPlans: "yes" is out of range; must be at least 10 character\(s\) \(line 2/,
    );
  });
});
