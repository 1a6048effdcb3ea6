/**
 * The pull-request comment: one per pull request (found again by its first line, the marker), with a summary line
 * per environment (`+a ~c -d`, destroys and replacements named, failed plans shown as failed), the access-report
 * change (who gains or loses which access), the endpoint cost change, and each environment's plan text trimmed so
 * the whole body stays under GitHub's comment limit; the full text stays in the run's artifacts.
 */
import {
  changeCounts,
  fence,
  GITHUB_COMMENT_LIMIT,
  shareBudget,
  summarizePlan,
  trimMiddle,
  type EnvironmentPlan,
  type PlanSummary,
} from "./plan-text";

export const COMMENT_MARKER = "<!-- bastionless-plan -->";
/** What the renderer aims at: GitHub's limit less a margin for anything GitHub adds or counts differently. */
export const COMMENT_BUDGET = GITHUB_COMMENT_LIMIT - 1_536;
/** The access section's share of the comment (the access change is rendered to fit it: `--max-chars`). */
export const ACCESS_BUDGET = 12_000;

export interface CommentInput {
  plans: EnvironmentPlan[];
  runUrl?: string;
  /** The check job's result (`success`, `failure`, …); anything but success is shown above the plans. */
  checks?: string;
  /** `npm run access-report -- --markdown` of the pull request and of its base (undefined: not available). */
  access?: { head?: string; base?: string };
  /**
   * `npm run access-change -- --markdown` (ops/lib/access-change.ts): who gains or loses which access, evaluated from
   * what the base and the pull request synthesize. Shown instead of the access-report row diff when present.
   */
  accessChange?: string;
  /** `npm run synth` output of the pull request and of its base (endpoint cost per environment). */
  synth?: { head?: string; base?: string };
}

const MAX_LISTED = 10;

function listed(addresses: string[]): string {
  const shown = addresses.slice(0, MAX_LISTED).map((a) => `\`${a}\``);
  return `${shown.join(", ")}${addresses.length > MAX_LISTED ? ` and ${addresses.length - MAX_LISTED} more` : ""}`;
}

/** One summary table row per environment. */
export function summaryLine(plan: EnvironmentPlan, s: PlanSummary): string {
  if (!plan.result) return `| ${plan.environment} | ❌ **failed** | no plan: the plan job did not finish |`;
  if (s.status === "failed") return `| ${plan.environment} | ❌ **failed** | terraform plan failed (see below) |`;
  if (s.status === "no-changes") return `| ${plan.environment} | no changes | \`${changeCounts(s)}\` |`;
  const notes = [
    s.destroyed.length > 0 ? `⚠️ **destroys** ${listed(s.destroyed)}` : "",
    s.replaced.length > 0 ? `⚠️ **replaces** ${listed(s.replaced)}` : "",
  ].filter(Boolean);
  return `| ${plan.environment} | changes | \`${changeCounts(s)}\`${notes.length ? `<br>${notes.join("<br>")}` : ""} |`;
}

/** Rows of each `### Session access: <env>` table in an access-report Markdown file. */
export function accessRows(markdown: string): Map<string, { header: string; rows: string[] }> {
  const out = new Map<string, { header: string; rows: string[] }>();
  for (const section of markdown.split(/^### Session access: /m).slice(1)) {
    const env = section.slice(0, section.indexOf("\n")).trim();
    const lines = section.split("\n").filter((l) => l.startsWith("|"));
    out.set(env, { header: lines[0] ?? "", rows: lines.slice(2) });
  }
  return out;
}

/** Who gains or loses which access: table rows only in the pull request (+) or only in its base (−). */
export function accessDiff(head?: string, base?: string): string {
  if (head === undefined) return "_The access report could not be computed._";
  if (base === undefined) return "_The base branch's access report could not be computed: no access diff._";
  const h = accessRows(head);
  const b = accessRows(base);
  const out: string[] = [];
  for (const env of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const hr = h.get(env)?.rows ?? [];
    const br = b.get(env)?.rows ?? [];
    const gained = hr.filter((r) => !br.includes(r));
    const lost = br.filter((r) => !hr.includes(r));
    if (gained.length === 0 && lost.length === 0) continue;
    const header = (h.get(env) ?? b.get(env))!.header;
    const cols = header.split("|").length - 2;
    out.push(
      `**${env}**`,
      "",
      `| change ${header}`,
      `| --- |${" --- |".repeat(cols)}`,
      ...gained.map((r) => `| ➕ gains ${r}`),
      ...lost.map((r) => `| ➖ loses ${r}`),
      "",
    );
  }
  return out.length > 0 ? out.join("\n").trimEnd() : "No change in who may open which sessions.";
}

/** Monthly endpoint cost per environment from the synth summary lines (`dev: …, ≈ $32.12/month → …`). */
export function endpointCosts(synth: string): Map<string, number> {
  return new Map(
    [...synth.matchAll(/^([a-z][a-z0-9-]*): .*≈ \$([\d,]+(?:\.\d+)?)\/month/gm)].map((m) => [
      m[1],
      Number(m[2].replace(/,/g, "")),
    ]),
  );
}

export function costDiff(head?: string, base?: string): string {
  if (head === undefined) return "_No synth output: no endpoint cost._";
  const h = endpointCosts(head);
  const b = base === undefined ? undefined : endpointCosts(base);
  const usd = (n: number | undefined) => (n === undefined ? "–" : `$${n.toFixed(2)}`);
  const rows = [...new Set([...(b?.keys() ?? []), ...h.keys()])].sort().map((env) => {
    const before = b?.get(env);
    const after = h.get(env);
    const delta = (after ?? 0) - (before ?? 0);
    const change = b === undefined ? "?" : `${delta >= 0 ? "+" : "−"}$${Math.abs(delta).toFixed(2)}`;
    return `| ${env} | ${usd(before)} | ${usd(after)} | ${change} |`;
  });
  return [
    "| environment | base $/month | this PR $/month | change |",
    "| --- | --- | --- | --- |",
    ...rows,
    ...(b === undefined ? ["", "_The base branch could not be synthesized: no cost change._"] : []),
  ].join("\n");
}

function planBlock(plan: EnvironmentPlan, s: PlanSummary, text: string, trimmed: boolean, runUrl?: string): string {
  const f = fence(text);
  const where = runUrl ? `[the run's artifacts](${runUrl}) (\`plan-${plan.environment}\`)` : "the run's artifacts";
  const title = `${plan.environment}: ${!plan.result ? "no plan" : s.status === "failed" ? "plan failed" : changeCounts(s)}`;
  return [
    `<details${s.status === "failed" || !plan.result ? " open" : ""}><summary>${title}${trimmed ? " (trimmed)" : ""}</summary>`,
    "",
    f,
    text,
    f,
    trimmed ? `\nTrimmed to fit GitHub's comment limit; full text in ${where}.` : "",
    "</details>",
  ].join("\n");
}

/** The whole comment body; never longer than `budget` characters. */
export function renderComment(input: CommentInput, budget = COMMENT_BUDGET): string {
  const summaries = input.plans.map((p) => summarizePlan(p.text, p.result ? p.result.exitcode : 1));
  const head = [
    COMMENT_MARKER,
    "## Terraform plans",
    "",
    ...(input.checks !== undefined && input.checks !== "success"
      ? [
          `❌ **The checks ${input.checks === "failure" ? "failed" : `ended: ${input.checks}`}** (typecheck, lint, tests, synth or validate): see ${input.runUrl ? `[the run](${input.runUrl})` : "the run"}.`,
          "",
        ]
      : []),
    ...(input.plans.length === 0
      ? ["No plans: the environments were not planned in this run."]
      : [
          "| environment | result | changes (`+add ~change -destroy`) |",
          "| --- | --- | --- |",
          ...input.plans.map((p, i) => summaryLine(p, summaries[i])),
        ]),
    "",
  ].join("\n");
  const accessBody = input.accessChange?.trim() || accessDiff(input.access?.head, input.access?.base);
  const access = trimMiddle(`### Access changes\n\n${accessBody}`, ACCESS_BUDGET);
  const cost = `### Endpoint cost\n\n${costDiff(input.synth?.head, input.synth?.base)}`;
  const footer = input.runUrl ? `\n\n[Workflow run](${input.runUrl})` : "";
  const fixed = [head, access, cost, "### Plans"].join("\n\n") + footer;
  const bodies = input.plans.map((p) => p.text.trim() || "(no output)");
  // Each block costs its text plus the wrapper around it; measure the wrapper on the trimmed form (the longest).
  const wrappers = input.plans.map((p, i) => planBlock(p, summaries[i], "", true, input.runUrl).length + 2);
  const room = budget - fixed.length - wrappers.reduce((a, b) => a + b, 0) - 2 * input.plans.length;
  const shares = shareBudget(
    bodies.map((b) => b.length),
    room,
  );
  const blocks = input.plans.map((p, i) => {
    const text = trimMiddle(bodies[i], shares[i]);
    return planBlock(p, summaries[i], text, text.length < bodies[i].length, input.runUrl);
  });
  const body = [head, access, cost, "### Plans", ...blocks].join("\n\n") + footer;
  return body.length <= budget ? body : body.slice(0, budget);
}

/** The job-summary text for one environment's plan (a job summary may hold 1 MiB). */
export function renderSummary(plan: EnvironmentPlan, max = 1_000_000): string {
  const s = summarizePlan(plan.text, plan.result ? plan.result.exitcode : 1);
  const text = trimMiddle(plan.text.trim() || "(no output)", max - 2_000);
  const f = fence(text);
  const status = !plan.result ? "no plan" : s.status === "failed" ? "plan failed" : changeCounts(s);
  const notes = [
    s.destroyed.length ? `**Destroys:** ${listed(s.destroyed)}` : "",
    s.replaced.length ? `**Replaces:** ${listed(s.replaced)}` : "",
  ].filter(Boolean);
  return [`### ${plan.environment}: ${status}`, "", ...notes.map((n) => `${n}\n`), f, text, f, ""].join("\n");
}
