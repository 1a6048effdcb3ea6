// The drift issues (drift.yml's report job, through actions/github-script): one open issue per drifted environment,
// labelled `drift`, titled `Drift: <environment>` (ops/lib/drift-report.ts driftIssueTitle). Opened or updated while
// the environment drifts, closed with a comment when it is clean again, and closed when its environment is no longer
// one this workflow plans (its file deleted or renamed, or its state moved to HCP Terraform). An environment whose
// drift plan failed keeps its issue as it is.

export const LABEL = "drift";
export const TITLE_PREFIX = "Drift: ";

/**
 * @param {{ github: any, owner: string, repo: string, report: { environments: { environment: string, status: string, issueTitle: string, issueBody: string }[] } }} args
 * @returns {Promise<string[]>} what was done, one line per issue touched
 */
export async function syncDriftIssues({ github, owner, repo, report }) {
  const done = [];
  const open = await github.paginate(github.rest.issues.listForRepo, { owner, repo, state: "open", labels: LABEL });
  const titles = new Set(report.environments.map((e) => e.issueTitle));
  for (const env of report.environments) {
    const existing = open.find((i) => i.title === env.issueTitle && !i.pull_request);
    if (env.status === "drift") {
      if (existing) {
        await github.rest.issues.update({ owner, repo, issue_number: existing.number, body: env.issueBody });
        done.push(`updated #${existing.number} (${env.environment})`);
      } else {
        const created = await github.rest.issues.create({
          owner,
          repo,
          title: env.issueTitle,
          body: env.issueBody,
          labels: [LABEL],
        });
        done.push(`opened #${created.data.number} (${env.environment})`);
      }
    } else if (env.status === "clean" && existing) {
      await github.rest.issues.createComment({ owner, repo, issue_number: existing.number, body: env.issueBody });
      await github.rest.issues.update({ owner, repo, issue_number: existing.number, state: "closed" });
      done.push(`closed #${existing.number} (${env.environment}: clean)`);
    }
  }
  for (const issue of open) {
    if (issue.pull_request || !issue.title.startsWith(TITLE_PREFIX) || titles.has(issue.title)) continue;
    const name = issue.title.slice(TITLE_PREFIX.length);
    await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: issue.number,
      body: `**${name}** is no longer an environment the drift check plans (its file in config/environments was deleted or renamed, or its state moved to HCP Terraform): closing.`,
    });
    await github.rest.issues.update({
      owner,
      repo,
      issue_number: issue.number,
      state: "closed",
      state_reason: "not_planned",
    });
    done.push(`closed #${issue.number} (${name}: no longer an environment)`);
  }
  return done;
}
