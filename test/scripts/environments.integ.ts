/**
 * .github/scripts/environments.mjs: the workflows' environment matrix and promotion stages, read from the
 * environment files by the config loader (the same files, the same validation as `npm run synth` and
 * `npm run atlantis`); stages narrowed by plan results (exit code 2 with every change reviewed; a failed plan or
 * unreviewed changes stop what comes after).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ciSchema } from "../../loader/ci";
import { loadEnvironments } from "../../loader/load";
import { IamRole } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { CiStack } from "../../stacks/ci-stack";
import { resourcesByName, synthJson } from "../helpers/synth";

const ROOT = path.join(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, ".github", "scripts", "environments.mjs");

let accounts = 0;
/** A small valid environment file (its own account, so no two collide): `promotion.after` and extra YAML optional. */
const env = (name: string, after?: string, extra = "") => {
  const account = String(100000000000 + ++accounts);
  return [
    `name: ${name}`,
    `account: "${account}"`,
    "region: eu-west-1",
    "state:",
    `  bucket: tfstate-${account}`,
    "logging:",
    "  cloudTrail:",
    "    waive: the test account has no trail to rely on",
    ...(after ? ["promotion:", `  after: ${after}`] : []),
    "vpcs:",
    "  - name: main",
    "    mode: create",
    `    cidr: 10.${accounts}.0.0/16`,
    "    privateSubnets:",
    `      - { cidr: 10.${accounts}.0.0/20, availabilityZone: eu-west-1a }`,
    extra,
  ].join("\n");
};
function configDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-envs-"));
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}
const run = (args: string[], dir?: string) =>
  spawnSync(process.execPath, [SCRIPT, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...(dir ? { BASTIONLESS_CONFIG_DIR: dir } : {}) },
  });
const matrix = (dir?: string) => {
  const r = run([], dir);
  expect(r.stderr).toBe("");
  return (JSON.parse(r.stdout) as { environment: string; stage: number }[]).map((e) => [e.environment, e.stage]);
};
const stages = (out: string) =>
  Object.fromEntries(
    out
      .trim()
      .split("\n")
      .map((l) => [
        l.slice(0, l.indexOf("=")),
        (JSON.parse(l.slice(l.indexOf("=") + 1)) as ({ environment: string } | string)[]).map((e) =>
          typeof e === "string" ? e : e.environment,
        ),
      ]),
  );
function results(map: Record<string, number | [number, boolean]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-results-"));
  for (const [environment, r] of Object.entries(map)) {
    const [exitcode, reviewed] = Array.isArray(r) ? r : [r, true];
    fs.mkdirSync(path.join(dir, `plan-${environment}`));
    fs.writeFileSync(
      path.join(dir, `plan-${environment}`, "result.json"),
      JSON.stringify({ environment, exitcode, reviewed }),
    );
  }
  return dir;
}

describe("environments.mjs", () => {
  test("GIVEN the repository's config THEN exactly the loader's environments, dev → staging → prod", () => {
    const loaded = loadEnvironments(path.join(ROOT, "config", "environments")).map((e) => e.config.name);
    const out = JSON.parse(execFileSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: "utf8" })) as {
      environment: string;
      region: string;
      account: string;
      stage: number;
    }[];
    expect(out.map((e) => e.environment).sort()).toEqual([...loaded].sort());
    expect(out.map((e) => [e.environment, e.stage])).toEqual([
      ["dev", 1],
      ["staging", 2],
      ["prod", 3],
    ]);
    expect(out.every((e) => /^\d{12}$/.test(e.account) && /^[a-z]{2}-[a-z]+-\d$/.test(e.region))).toBe(true);
    expect(stages(run(["--stages"]).stdout)).toEqual({
      stage1: ["dev"],
      stage2: ["staging"],
      stage3: ["prod"],
      stage4: [],
    });
  });

  test("GIVEN the repository's config THEN each row names the ci stack's plan and apply roles of the environment", () => {
    const matrix = JSON.parse(execFileSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: "utf8" })) as {
      environment: string;
      planRole: string;
      applyRole: string;
    }[];
    const configs = loadEnvironments(path.join(ROOT, "config", "environments")).map((e) => e.config);
    const ci = ciSchema.parse({ github: { owner: "o", ownerId: 1, repository: "r", repositoryId: 2 } });
    const outputs = synthJson(new CiStack(Testing.app(), "ci", { environments: configs, ci }));
    const roles = resourcesByName(outputs, IamRole);
    for (const row of matrix) {
      const config = configs.find((c) => c.name === row.environment)!;
      for (const kind of ["plan", "apply"] as const) {
        const role = roles[`${row.environment}-${kind}`] as { name: string };
        expect(row[`${kind}Role`]).toBe(`arn:aws:iam::${config.account}:role/${role.name}`);
      }
    }
    expect(matrix).toHaveLength(configs.length);
  });

  test("GIVEN qa.yml, an upper-case .YAML and an editor's lock file .#dev.yaml THEN the loader's rule: qa and the .YAML file, no lock file", () => {
    const dir = configDir({
      "dev.yaml": env("dev"),
      "qa.yml": env("qa", "dev"),
      "prod.YAML": env("prod", "qa"),
      ".#dev.yaml": "an emacs lock file is a symbolic link or this text, never YAML: [",
      "dev.yaml~": env("dev"),
    });
    const names = loadEnvironments(dir)
      .map((e) => e.config.name)
      .sort();
    expect(names).toEqual(["dev", "prod", "qa"]);
    expect(matrix(dir)).toEqual([
      ["dev", 1],
      ["qa", 2],
      ["prod", 3],
    ]);
    expect(run(["--region", "qa"], dir).stdout).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(run(["--row", "qa"], dir).stdout).toMatch(
      /^region=[a-z]{2}-[a-z]+-\d\naccount=(\d{12})\napply-role=arn:aws:iam::\1:role\/bastionless-qa-ci-apply\n$/,
    );
  });

  test("GIVEN plan results THEN only reviewed exit code 2 is applied; a failed or unreviewed plan stops every environment after it", () => {
    const dir = configDir({
      "dev.yaml": env("dev"),
      "sandbox.yaml": env("sandbox"),
      "staging.yaml": env("staging", "dev"),
      "prod.yaml": env("prod", "staging"),
    });
    const r = run(["--stages", "--results", results({ dev: 2, sandbox: 0, staging: 1, prod: 2 })], dir);
    expect(stages(r.stdout)).toEqual({ stage1: ["dev"], stage2: [], stage3: [], stage4: [], unreviewed: [] });
    expect(r.stderr).toContain("staging: not applied, its plan failed");
    expect(r.stderr).toContain("prod: not applied, staging (before it) did not plan or apply cleanly");
    const unreviewed = run(
      ["--stages", "--results", results({ dev: 2, sandbox: 2, staging: [2, false], prod: 2 })],
      dir,
    );
    expect(stages(unreviewed.stdout)).toEqual({
      stage1: ["dev", "sandbox"],
      stage2: [],
      stage3: [],
      stage4: [],
      unreviewed: ["staging"],
    });
    expect(unreviewed.stderr).toContain("staging: not applied, its plan has changes no reviewed plan showed");
    const missing = run(["--stages", "--results", results({ dev: 2, sandbox: 2 })], dir);
    expect(stages(missing.stdout)).toMatchObject({ stage1: ["dev", "sandbox"], stage2: [], stage3: [] });
    expect(missing.stderr).toContain("staging: not applied, its plan is missing");
  });

  test("GIVEN environments whose state is in HCP Terraform THEN they are left to it; all of them: an empty matrix (the workflows skip)", () => {
    const toCloud = (t: string, ws: string) =>
      t.replace(/^state:\n  bucket: .*$/m, `state:\n  cloud:\n    organization: acme\n    workspace: ${ws}`);
    const dir = configDir({ "dev.yaml": env("dev"), "staging.yaml": toCloud(env("staging", "dev"), "staging") });
    expect(matrix(dir)).toEqual([["dev", 1]]);
    fs.writeFileSync(path.join(dir, "dev.yaml"), toCloud(env("dev"), "dev"));
    expect(run([], dir).stdout).toBe("[]");
    expect(stages(run(["--stages"], dir).stdout)).toEqual({ stage1: [], stage2: [], stage3: [], stage4: [] });
  });

  test.each([
    [
      "an unknown promotion.after",
      { "dev.yaml": env("dev"), "prod.yaml": env("prod", "stagin") },
      /prod\.yaml: promotion\.after: "stagin" is not an environment; allowed: dev \(line 10, column 10\)/,
    ],
    [
      "a cycle",
      { "aa.yaml": env("aa", "bb"), "bb.yaml": env("bb", "aa") },
      /aa\.yaml: promotion\.after: "bb" makes a cycle \(aa → bb → aa\); the promotion order must end/,
    ],
    [
      "a file the loader refuses",
      { "dev.yaml": env("dev").replace(/account: .*/, 'account: "12345"') },
      /dev\.yaml: account: .*"12345".*\(line 2, column 10\)/,
    ],
  ])(
    "GIVEN %s THEN the loader's message: file, field, line and column; exit 1, no stack trace",
    (_, files, message) => {
      const r = run([], configDir(files));
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    },
  );

  test("GIVEN more promotion stages than the apply workflow has THEN an error naming the file", () => {
    const chain: Record<string, string> = {};
    const names = ["a1", "b1", "c1", "d1", "e1"];
    names.forEach((n, i) => (chain[`${n}.yaml`] = env(n, names[i - 1])));
    const r = run([], configDir(chain));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /e1\.yaml: promotion\.after: "d1" puts e1 in promotion stage 5 \(a1 → b1 → c1 → d1 → e1\); the apply workflow runs at most 4 stages/,
    );
  });

  test("GIVEN --pull-request THEN environments config/ci.yaml protects (required reviewers, no opt-in) are left out", () => {
    const ci = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-ci-")), "ci.yaml");
    const names = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { environment: string }[]).map((e) => e.environment);
    // The repository's ci.yaml with its environments block replaced (the loader validates the whole file).
    const base = fs
      .readFileSync(path.join(ROOT, "config", "ci.yaml"), "utf8")
      .replace(/^environments:\n(?:  .*\n)+/m, "");
    const withCi = (environments: string) => {
      fs.writeFileSync(ci, `${base}\n${environments}`);
      return spawnSync(process.execPath, [SCRIPT, "--pull-request"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, BASTIONLESS_CI_CONFIG: ci },
      });
    };
    const repo = run(["--pull-request"]);
    expect(names(repo)).toEqual(["dev", "staging"]);
    expect(repo.stderr).toContain("prod: not planned from pull requests (protected in config/ci.yaml");
    // The full matrix (merge, drift) keeps prod and says pull requests do not plan it.
    expect(
      (JSON.parse(run([]).stdout) as { environment: string; prPlans: boolean }[]).map((e) => [
        e.environment,
        e.prPlans,
      ]),
    ).toEqual([
      ["dev", true],
      ["staging", true],
      ["prod", false],
    ]);
    expect(
      names(
        withCi("environments:\n  prod:\n    requiredReviewers: [a/b]\n    pullRequestPlans: read-only plans of prod\n"),
      ),
    ).toEqual(["dev", "staging", "prod"]);
    expect(names(withCi("environments:\n  staging:\n    requiredReviewers: [a/b]\n"))).toEqual(["dev", "prod"]);
  });

  test("GIVEN --region or --row of an unknown environment THEN a clear error listing the allowed ones", () => {
    for (const flag of ["--region", "--row"]) {
      const r = run([flag, "qa"]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /no environment "qa" planned by these workflows in config\/environments; allowed: dev, staging, prod/,
      );
    }
  });
});
