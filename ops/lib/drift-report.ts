/**
 * The scheduled drift report: each environment's plan (terraform plan -detailed-exitcode, no lock) read back as
 * drift (exit code 2: what changed outside Terraform, and what Terraform would do about it), clean (0) or failed
 * (1, or no plan at all). Markdown for the job summary, and per environment an issue title and body (one issue per
 * drifted environment, updated in place; closed with a comment once the environment is clean again).
 */
import {
  changeCounts,
  fence,
  GITHUB_COMMENT_LIMIT,
  summarizePlan,
  trimMiddle,
  type EnvironmentPlan,
} from "./plan-text";

export type DriftStatus = "drift" | "clean" | "failed";

export interface DriftEntry {
  environment: string;
  status: DriftStatus;
  /** Addresses Terraform noted as changed outside of it. */
  drifted: string[];
  /** `+a ~c -d` of what applying would do. */
  counts: string;
  issueTitle: string;
  issueBody: string;
}

export const driftIssueTitle = (environment: string) => `Drift: ${environment}`;

export function driftEntry(plan: EnvironmentPlan, runUrl?: string): DriftEntry {
  const s = summarizePlan(plan.text, plan.result ? plan.result.exitcode : 1);
  const status: DriftStatus =
    !plan.result || s.status === "failed" ? "failed" : s.status === "changes" ? "drift" : "clean";
  const run = runUrl ? ` ([run](${runUrl}))` : "";
  let issueBody: string;
  if (status === "drift") {
    const intro = [
      `The scheduled drift check found that **${plan.environment}** differs from its configuration${run}.`,
      "",
      s.drifted.length > 0
        ? `Changed outside of Terraform: ${s.drifted.map((a) => `\`${a}\``).join(", ")}.`
        : "Nothing was reported as changed outside of Terraform: main holds configuration that is not applied yet.",
      `Applying main would do \`${changeCounts(s)}\`${s.destroyed.length ? `, destroying ${s.destroyed.map((a) => `\`${a}\``).join(", ")}` : ""}${s.replaced.length ? `, replacing ${s.replaced.map((a) => `\`${a}\``).join(", ")}` : ""}.`,
      "",
      "Re-run the apply workflow to put the configuration back, or change the configuration to accept the change.",
      "",
    ].join("\n");
    const room = GITHUB_COMMENT_LIMIT - 2_000 - intro.length;
    const text = trimMiddle(plan.text.trim(), Math.max(1_000, room));
    const f = fence(text);
    issueBody = trimMiddle(
      `${intro}\n<details><summary>plan</summary>\n\n${f}\n${text}\n${f}\n</details>\n`,
      GITHUB_COMMENT_LIMIT - 1_000,
    );
  } else if (status === "clean") {
    issueBody = `The scheduled drift check found **${plan.environment}** matching its configuration again${run}.`;
  } else {
    issueBody = `The drift check of **${plan.environment}** could not plan${run}.`;
  }
  return {
    environment: plan.environment,
    status,
    drifted: s.drifted,
    counts: changeCounts(s),
    issueTitle: driftIssueTitle(plan.environment),
    issueBody,
  };
}

/** The job summary: one line per environment. */
export function renderDriftSummary(entries: DriftEntry[]): string {
  const icon: Record<DriftStatus, string> = { drift: "⚠️ drift", clean: "✅ clean", failed: "❌ plan failed" };
  return [
    "## Drift",
    "",
    "| environment | status | changed outside Terraform | applying main would do |",
    "| --- | --- | --- | --- |",
    ...entries.map(
      (e) =>
        `| ${e.environment} | ${icon[e.status]} | ${e.drifted.length ? e.drifted.map((a) => `\`${a}\``).join(", ") : "–"} | ${e.status === "drift" ? `\`${e.counts}\`` : "–"} |`,
    ),
    "",
  ].join("\n");
}
