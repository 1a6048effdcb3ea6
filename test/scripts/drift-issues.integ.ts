/**
 * .github/scripts/drift-issues.mjs (drift.yml's report job, through actions/github-script) against a recording
 * fake of the Octokit client: a drifted environment opens or updates its issue, a clean one closes it, a failed plan
 * leaves it alone, and the issue of an environment that is no longer planned (file deleted) is closed.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { driftIssueTitle } from "../../ops/lib/drift-report";

const MODULE = path.join(__dirname, "..", "..", ".github", "scripts", "drift-issues.mjs");

/** Runs syncDriftIssues in a child process with a fake client over `open` issues; returns the calls it made. */
function sync(open: { number: number; title: string; pull_request?: object }[], environments: object[]) {
  const driver = `
    const { syncDriftIssues } = await import(${JSON.stringify(MODULE)});
    const calls = [];
    const rec = (name) => async (args) => { calls.push([name, args]); return { data: { number: 100 } }; };
    const github = {
      paginate: async (fn, args) => { calls.push(["list", args]); return ${JSON.stringify(open)}; },
      rest: { issues: { listForRepo: "listForRepo", update: rec("update"), create: rec("create"), createComment: rec("comment") } },
    };
    const done = await syncDriftIssues({ github, owner: "acme", repo: "infra", report: { environments: ${JSON.stringify(environments)} } });
    console.log(JSON.stringify({ calls, done }));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", driver], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as { calls: [string, Record<string, unknown>][]; done: string[] };
}
const entry = (environment: string, status: string) => ({
  environment,
  status,
  issueTitle: driftIssueTitle(environment),
  issueBody: `${environment} is ${status}`,
});

describe("drift-issues.mjs", () => {
  test("GIVEN drift, clean, failed and a deleted environment THEN open, close, leave alone, and close as no longer planned", () => {
    const { calls, done } = sync(
      [
        { number: 1, title: driftIssueTitle("staging") },
        { number: 2, title: driftIssueTitle("prod") },
        { number: 3, title: driftIssueTitle("qa") },
        { number: 4, title: "Drift: not ours but a pull request", pull_request: {} },
        { number: 5, title: "Something else labelled drift" },
      ],
      [entry("dev", "drift"), entry("staging", "clean"), entry("prod", "failed")],
    );
    expect(calls[0]).toEqual(["list", { owner: "acme", repo: "infra", state: "open", labels: "drift" }]);
    expect(done).toEqual([
      "opened #100 (dev)",
      "closed #1 (staging: clean)",
      "closed #3 (qa: no longer an environment)",
    ]);
    expect(calls).toContainEqual([
      "create",
      { owner: "acme", repo: "infra", title: "Drift: dev", body: "dev is drift", labels: ["drift"] },
    ]);
    expect(calls).toContainEqual([
      "update",
      { owner: "acme", repo: "infra", issue_number: 3, state: "closed", state_reason: "not_planned" },
    ]);
    const closedQa = calls.find(([name, a]) => name === "comment" && a.issue_number === 3)!;
    expect(String(closedQa[1].body)).toContain("**qa** is no longer an environment the drift check plans");
    expect(calls.some(([, a]) => a.issue_number === 2 || a.issue_number === 4 || a.issue_number === 5)).toBe(false);
  });

  test("GIVEN a drifted environment with an open issue THEN the issue is updated, not duplicated", () => {
    const { calls, done } = sync([{ number: 7, title: driftIssueTitle("dev") }], [entry("dev", "drift")]);
    expect(done).toEqual(["updated #7 (dev)"]);
    expect(calls.filter(([name]) => name === "create")).toEqual([]);
  });
});
