// The plans reviewers saw for what a merge-time run applies (apply.yml's reviewed job). Usage:
//   reviewed-plans.mjs --out <dir> [--run <run id>]
// The commits from the head of the last successful apply run (on the same branch) to this run's commit, their merged
// pull requests, and for each the newest completed pull-request.yml run of its final head commit from this
// repository (a fork's pull request: the newest plan-pull-request.yml run a maintainer started for that commit). The
// plan-* artifacts of those runs (changes.json per environment) are downloaded to <dir>/pr-<number>-run-<id>/; with
// --run, that run's too (<dir>/run-<id>/). Prints a Markdown summary of what was found and what not. Uses the gh CLI
// (GH_TOKEN with actions: read and pull-requests: read) and GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF_NAME.
// Nothing found is not an error here: the plan jobs then find every change unreviewed and stop.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const APPLY_WORKFLOW = "apply.yml";
const PULL_REQUEST_WORKFLOW = "pull-request.yml";
const MAINTAINER_PLAN_WORKFLOW = "plan-pull-request.yml";
/** GitHub's compare API lists at most 250 commits. */
const MAX_COMMITS = 250;

/** The run name plan-pull-request.yml gives itself, so its runs can be found by pull request and commit. */
export const maintainerPlanTitle = (number, sha) => `Plan of pull request #${number} at ${sha}`;

function gh(args) {
  return execFileSync("gh", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
const api = (path) => JSON.parse(gh(["api", path]));
const tryApi = (path) => {
  try {
    return api(path);
  } catch {
    return undefined;
  }
};

function main(argv) {
  const opt = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = opt("--out");
  const extraRun = opt("--run") ?? "";
  const repo = process.env.GITHUB_REPOSITORY;
  const head = process.env.GITHUB_SHA;
  const branch = process.env.GITHUB_REF_NAME ?? "main";
  if (!out || !repo || !head) {
    console.error("usage: reviewed-plans.mjs --out <dir> [--run <run id>] (GITHUB_REPOSITORY and GITHUB_SHA set)");
    return 2;
  }
  if (extraRun !== "" && !/^\d+$/.test(extraRun)) {
    console.error(
      `--run ${JSON.stringify(extraRun)}: a workflow run id is a number (the digits in .../actions/runs/<id>)`,
    );
    return 2;
  }
  mkdirSync(out, { recursive: true });
  const lines = ["### Reviewed plans", ""];
  const note = (s) => lines.push(`- ${s}`);

  const last = tryApi(
    `repos/${repo}/actions/workflows/${APPLY_WORKFLOW}/runs?branch=${encodeURIComponent(branch)}&status=success&per_page=1`,
  )?.workflow_runs?.[0]?.head_sha;
  let commits = [head];
  if (last && last !== head) {
    const cmp = tryApi(`repos/${repo}/compare/${last}...${head}`);
    if (cmp && (cmp.status === "ahead" || cmp.status === "identical")) {
      commits = [...new Set([...cmp.commits.map((c) => c.sha), head])];
      if (cmp.total_commits > MAX_COMMITS)
        note(`${cmp.total_commits} commits since ${last}: only the newest ${MAX_COMMITS} are considered`);
      note(`commits since the last successful run (${last.slice(0, 12)}): ${commits.length}`);
    } else
      note(
        `the last successful run's commit ${last.slice(0, 12)} is not an ancestor: only ${head.slice(0, 12)} is considered`,
      );
  } else
    note(
      last
        ? "this commit was applied by the last successful run"
        : "no successful run yet: only this commit is considered",
    );

  const pulls = new Map();
  for (const sha of commits)
    for (const pr of tryApi(`repos/${repo}/commits/${sha}/pulls`) ?? [])
      if (pr.merged_at && pr.base?.ref === branch) pulls.set(pr.number, pr.head.sha);
  if (pulls.size === 0) note("no merged pull request: nothing was reviewed");

  const download = (runId, dir) => {
    try {
      gh(["run", "download", String(runId), "-R", repo, "-p", "plan-*", "-D", join(out, dir)]);
      return true;
    } catch {
      return false;
    }
  };
  for (const [number, sha] of [...pulls].sort((a, b) => a[0] - b[0])) {
    const own = (
      tryApi(
        `repos/${repo}/actions/workflows/${PULL_REQUEST_WORKFLOW}/runs?head_sha=${sha}&event=pull_request&status=completed&per_page=20`,
      )?.workflow_runs ?? []
    ).filter((r) => r.head_repository?.full_name === repo);
    const maintainer = (
      tryApi(
        `repos/${repo}/actions/workflows/${MAINTAINER_PLAN_WORKFLOW}/runs?event=workflow_dispatch&status=completed&per_page=100`,
      )?.workflow_runs ?? []
    ).filter((r) => r.display_title === maintainerPlanTitle(number, sha));
    const run = [...own, ...maintainer].sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
    if (!run) note(`#${number} (${sha.slice(0, 12)}): no completed plan run of its final commit`);
    else if (download(run.id, `pr-${number}-run-${run.id}`))
      note(`#${number} (${sha.slice(0, 12)}): plans of run ${run.id}`);
    else note(`#${number} (${sha.slice(0, 12)}): the plans of run ${run.id} could not be downloaded (expired?)`);
  }
  if (extraRun !== "") {
    if (download(extraRun, `run-${extraRun}`))
      note(`run ${extraRun} (given as reviewed by ${process.env.GITHUB_ACTOR ?? "the caller"})`);
    else {
      console.error(`run ${extraRun}: its plan artifacts could not be downloaded`);
      return 1;
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exitCode = main(process.argv.slice(2));
