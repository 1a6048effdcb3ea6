/**
 * .github/scripts/reviewed-plans.mjs (apply.yml's reviewed job) against a fake `gh` that answers GitHub's REST API
 * from a table: the pull requests merged since the last successful apply run, each one's newest plan run of its
 * final commit from this repository (never a fork's own run), a maintainer's plan-pull-request run found by its
 * name, and the `reviewed-run` input.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.join(__dirname, "..", "..", ".github", "scripts", "reviewed-plans.mjs");
const REPO = "acme/infra";
const sha = (c: string) => c.repeat(40);
const HEAD = sha("f");

type Api = Record<string, unknown>;
function fakeGh(api: Api, artifacts: Record<string, string[]>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-gh-"));
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(path.join(dir, "api.json"), JSON.stringify({ api, artifacts }));
  fs.writeFileSync(
    path.join(dir, "bin", "gh"),
    `#!/usr/bin/env node
const fs = require("fs"), path = require("path");
const { api, artifacts } = JSON.parse(fs.readFileSync(${JSON.stringify(path.join(dir, "api.json"))}, "utf8"));
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(path.join(dir, "calls"))}, args.join(" ") + "\\n");
if (args[0] === "api") {
  if (!(args[1] in api)) { console.error("HTTP 404: Not Found (" + args[1] + ")"); process.exit(1); }
  process.stdout.write(JSON.stringify(api[args[1]]));
} else if (args[0] === "run" && args[1] === "download") {
  const envs = artifacts[args[2]];
  if (!envs) { console.error("no valid artifacts found to download"); process.exit(1); }
  const out = args[args.indexOf("-D") + 1];
  for (const env of envs) {
    fs.mkdirSync(path.join(out, "plan-" + env), { recursive: true });
    fs.writeFileSync(path.join(out, "plan-" + env, "changes.json"), JSON.stringify({ format: 1, environment: env, changes: [] }));
  }
} else process.exit(2);
`,
    { mode: 0o755 },
  );
  const run = (args: string[] = []) =>
    spawnSync(process.execPath, [SCRIPT, "--out", path.join(dir, "reviewed"), ...args], {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${dir}/bin:${process.env.PATH}`,
        GITHUB_REPOSITORY: REPO,
        GITHUB_SHA: HEAD,
        GITHUB_REF_NAME: "main",
        GITHUB_ACTOR: "maintainer",
      },
    });
  const files = () =>
    fs.existsSync(path.join(dir, "reviewed"))
      ? (fs.readdirSync(path.join(dir, "reviewed"), { recursive: true }) as string[])
          .filter((f) => f.endsWith(".json"))
          .sort()
      : [];
  return { run, files };
}

const runs = (workflow: string, head: string, query = "&event=pull_request&status=completed&per_page=20") =>
  `repos/${REPO}/actions/workflows/${workflow}/runs?head_sha=${head}${query}`;
const pr = (number: number, head: string, extra: object = {}) => ({
  number,
  merged_at: "2026-12-01T00:00:00Z",
  base: { ref: "main" },
  head: { sha: head },
  ...extra,
});
const run = (id: number, created: string, repo = REPO, display_title = "pull-request") => ({
  id,
  created_at: created,
  head_repository: { full_name: repo },
  display_title,
});
const maintainerRuns = `repos/${REPO}/actions/workflows/plan-pull-request.yml/runs?event=workflow_dispatch&status=completed&per_page=100`;

describe("reviewed-plans.mjs", () => {
  test("GIVEN two merges since the last successful run (one queued run cancelled) THEN both pull requests' newest plans", () => {
    const gh = fakeGh(
      {
        [`repos/${REPO}/actions/workflows/apply.yml/runs?branch=main&status=success&per_page=1`]: {
          workflow_runs: [{ head_sha: sha("a") }],
        },
        [`repos/${REPO}/compare/${sha("a")}...${HEAD}`]: {
          status: "ahead",
          total_commits: 2,
          commits: [{ sha: sha("e") }, { sha: HEAD }],
        },
        [`repos/${REPO}/commits/${sha("e")}/pulls`]: [pr(11, sha("1"))],
        [`repos/${REPO}/commits/${HEAD}/pulls`]: [pr(12, sha("2")), pr(99, sha("9"), { merged_at: null })],
        [runs("pull-request.yml", sha("1"))]: {
          workflow_runs: [run(101, "2026-12-01T10:00:00Z"), run(100, "2026-12-01T09:00:00Z")],
        },
        [runs("pull-request.yml", sha("2"))]: { workflow_runs: [run(200, "2026-12-01T11:00:00Z")] },
        [maintainerRuns]: { workflow_runs: [] },
      },
      { "101": ["dev", "prod"], "100": ["dev"], "200": ["dev"] },
    );
    const r = gh.run();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(gh.files()).toEqual([
      "pr-11-run-101/plan-dev/changes.json",
      "pr-11-run-101/plan-prod/changes.json",
      "pr-12-run-200/plan-dev/changes.json",
    ]);
    expect(r.stdout).toContain("#11 (111111111111): plans of run 101");
    expect(r.stdout).not.toContain("#99");
  });

  test("GIVEN a fork's pull request THEN not its own run (the fork wrote that workflow) but the maintainer's plan of its final commit", () => {
    const gh = fakeGh(
      {
        [`repos/${REPO}/actions/workflows/apply.yml/runs?branch=main&status=success&per_page=1`]: { workflow_runs: [] },
        [`repos/${REPO}/commits/${HEAD}/pulls`]: [pr(13, sha("3"))],
        [runs("pull-request.yml", sha("3"))]: { workflow_runs: [run(300, "2026-12-01T12:00:00Z", "mallory/infra")] },
        [maintainerRuns]: {
          workflow_runs: [
            run(310, "2026-12-01T13:00:00Z", REPO, `Plan of pull request #13 at ${sha("3")}`),
            run(311, "2026-12-01T14:00:00Z", REPO, `Plan of pull request #13 at ${sha("4")}`),
          ],
        },
      },
      { "300": ["dev"], "310": ["dev", "staging"], "311": ["prod"] },
    );
    const r = gh.run();
    expect(r.status).toBe(0);
    expect(gh.files()).toEqual(["pr-13-run-310/plan-dev/changes.json", "pr-13-run-310/plan-staging/changes.json"]);
    expect(r.stdout).toContain("no successful run yet: only this commit is considered");
  });

  test("GIVEN a direct push (no pull request) THEN nothing is reviewed; GIVEN reviewed-run THEN that run's plans, said so", () => {
    const api = {
      [`repos/${REPO}/actions/workflows/apply.yml/runs?branch=main&status=success&per_page=1`]: { workflow_runs: [] },
      [`repos/${REPO}/commits/${HEAD}/pulls`]: [],
    };
    const gh = fakeGh(api, { "555": ["dev"] });
    const r = gh.run();
    expect(r.status).toBe(0);
    expect(gh.files()).toEqual([]);
    expect(r.stdout).toContain("no merged pull request: nothing was reviewed");
    const given = gh.run(["--run", "555"]);
    expect(given.status).toBe(0);
    expect(gh.files()).toEqual(["run-555/plan-dev/changes.json"]);
    expect(given.stdout).toContain("run 555 (given as reviewed by maintainer)");
    const bad = gh.run(["--run", "555; curl evil"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("a workflow run id is a number");
    const gone = gh.run(["--run", "777"]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain("run 777: its plan artifacts could not be downloaded");
  });
});
