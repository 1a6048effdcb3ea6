/**
 * .github/scripts/environments.mjs: the workflows' environment matrix and promotion stages, read from
 * config/environments; stages narrowed by plan results (exit code 2 only; a failed plan stops what comes after).
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

function configDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-envs-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.yaml`), text);
  return dir;
}
const env = (name: string, extra = "") => `name: ${name}\naccount: "111111111111"\nregion: eu-west-1\n${extra}`;
const run = (args: string[], dir?: string) =>
  spawnSync(process.execPath, [SCRIPT, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...(dir ? { BASTIONLESS_CONFIG_DIR: dir } : {}) },
  });
const stages = (out: string) =>
  Object.fromEntries(
    out
      .trim()
      .split("\n")
      .map((l) => [
        l.slice(0, l.indexOf("=")),
        (JSON.parse(l.slice(l.indexOf("=") + 1)) as { environment: string }[]).map((e) => e.environment),
      ]),
  );
function results(map: Record<string, number>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-results-"));
  for (const [environment, exitcode] of Object.entries(map)) {
    fs.mkdirSync(path.join(dir, `plan-${environment}`));
    fs.writeFileSync(path.join(dir, `plan-${environment}`, "result.json"), JSON.stringify({ environment, exitcode }));
  }
  return dir;
}

describe("environments.mjs", () => {
  test("GIVEN the repository's config THEN every environment file is in the matrix, dev → staging → prod", () => {
    const names = fs.readdirSync(path.join(ROOT, "config", "environments")).filter((f) => f.endsWith(".yaml"));
    const matrix = JSON.parse(execFileSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: "utf8" })) as {
      environment: string;
      region: string;
      account: string;
      stage: number;
    }[];
    expect(matrix).toHaveLength(names.length);
    expect(matrix.map((e) => [e.environment, e.stage])).toEqual([
      ["dev", 1],
      ["staging", 2],
      ["prod", 3],
    ]);
    expect(matrix.every((e) => /^\d{12}$/.test(e.account) && /^[a-z]{2}-[a-z]+-\d$/.test(e.region))).toBe(true);
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

  test("GIVEN a new environment file THEN it is planned and applied without a workflow change", () => {
    const dir = configDir({
      dev: env("dev"),
      qa: env("qa", "promotion:\n  after: dev\n"),
      prod: env("prod", "promotion:\n  after: qa\n"),
    });
    expect(stages(run(["--stages"], dir).stdout)).toEqual({
      stage1: ["dev"],
      stage2: ["qa"],
      stage3: ["prod"],
      stage4: [],
    });
    expect(run(["--region", "qa"], dir).stdout).toBe("eu-west-1");
  });

  test("GIVEN plan results THEN only exit code 2 is applied; a failed plan stops every environment after it", () => {
    const dir = configDir({
      dev: env("dev"),
      sandbox: env("sandbox"),
      staging: env("staging", "promotion:\n  after: dev\n"),
      prod: env("prod", "promotion:\n  after: staging\n"),
    });
    const r = run(["--stages", "--results", results({ dev: 2, sandbox: 0, staging: 1, prod: 2 })], dir);
    expect(stages(r.stdout)).toEqual({ stage1: ["dev"], stage2: [], stage3: [], stage4: [] });
    expect(r.stderr).toContain("staging: not applied, its plan failed");
    expect(r.stderr).toContain("prod: not applied, staging (before it) did not plan or apply cleanly");
    const noChange = run(["--stages", "--results", results({ dev: 0, sandbox: 2, staging: 0, prod: 2 })], dir);
    expect(stages(noChange.stdout)).toEqual({ stage1: ["sandbox"], stage2: [], stage3: ["prod"], stage4: [] });
    const missing = run(["--stages", "--results", results({ dev: 2, sandbox: 2 })], dir);
    expect(stages(missing.stdout)).toEqual({ stage1: ["dev", "sandbox"], stage2: [], stage3: [], stage4: [] });
    expect(missing.stderr).toContain("staging: not applied, its plan is missing");
  });

  test("GIVEN an environment whose state is in HCP Terraform THEN it is left to HCP Terraform", () => {
    const dir = configDir({
      dev: env("dev"),
      tfc: env("tfc", "state:\n  cloud:\n    organization: acme\n    workspace: tfc\n"),
    });
    expect((JSON.parse(run([], dir).stdout) as { environment: string }[]).map((e) => e.environment)).toEqual(["dev"]);
  });

  test.each([
    [
      "an unknown environment",
      { dev: env("dev"), prod: env("prod", "promotion:\n  after: stagin\n") },
      /prod\.yaml:5:10: promotion\.after "stagin" is not an environment; allowed: dev/,
    ],
    [
      "a cycle",
      { a: env("aa", "promotion:\n  after: bb\n"), b: env("bb", "promotion:\n  after: aa\n") },
      /promotion\.after "\w+" makes a cycle/,
    ],
    [
      "more stages than the workflow has",
      {
        a: env("a1"),
        b: env("b1", "promotion:\n  after: a1\n"),
        c: env("c1", "promotion:\n  after: b1\n"),
        d: env("d1", "promotion:\n  after: c1\n"),
        e: env("e1", "promotion:\n  after: d1\n"),
      },
      /e\.yaml:5:10: promotion\.after "d1" puts e1 in stage 5; the apply workflow has 4 stages/,
    ],
  ])("GIVEN %s THEN one line naming file:line:col, the field and what is allowed; exit 1", (_, files, message) => {
    const r = run([], configDir(files as Record<string, string>));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });

  test("GIVEN --pull-request THEN environments config/ci.yaml protects (required reviewers, no opt-in) are left out", () => {
    const ci = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-ci-")), "ci.yaml");
    const names = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { environment: string }[]).map((e) => e.environment);
    const withCi = (text: string) => {
      fs.writeFileSync(ci, text);
      return spawnSync(process.execPath, [SCRIPT, "--pull-request"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, BASTIONLESS_CI_CONFIG: ci },
      });
    };
    const repo = run(["--pull-request"]);
    expect(names(repo)).toEqual(["dev", "staging"]);
    expect(repo.stderr).toContain("prod: not planned from pull requests (protected in config/ci.yaml");
    expect(
      names(
        withCi("environments:\n  prod:\n    requiredReviewers: [a/b]\n    pullRequestPlans: read-only plans of prod\n"),
      ),
    ).toEqual(["dev", "staging", "prod"]);
    expect(names(withCi("environments:\n  staging:\n    requiredReviewers: [a/b]\n"))).toEqual(["dev", "prod"]);
  });

  test("GIVEN --region of an unknown environment THEN a clear error listing the allowed ones", () => {
    const r = run(["--region", "qa"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no environment "qa" in config\/environments; allowed: dev, staging, prod/);
  });
});
