/**
 * Reading `terraform plan` / `terraform show` text (as terraform-plan.sh writes it) and fitting it into GitHub's
 * size limits. Shared by the pull-request comment (plan-comment.ts) and the drift report (drift-report.ts).
 */
import * as fs from "fs";
import * as path from "path";

/** GitHub rejects an issue or pull-request comment body longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** A job summary (GITHUB_STEP_SUMMARY) may be at most 1 MiB per step. */
export const STEP_SUMMARY_LIMIT = 1_048_576;

export type PlanStatus = "changes" | "no-changes" | "failed";

export interface PlanSummary {
  status: PlanStatus;
  add: number;
  change: number;
  destroy: number;
  import: number;
  /** Addresses Terraform will destroy (not counting replacements). */
  destroyed: string[];
  /** Addresses Terraform will replace (destroy and re-create). */
  replaced: string[];
  /** Addresses that changed outside of Terraform (drift noted during refresh). */
  drifted: string[];
}

/** The result.json terraform-plan.sh writes next to plan.txt. */
export interface PlanResult {
  environment: string;
  mode?: string;
  exitcode: number;
}

export interface EnvironmentPlan {
  environment: string;
  /** Undefined: no result arrived (the plan job failed before writing one, or was skipped). */
  result?: PlanResult;
  text: string;
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Summarizes plan text; `exitcode` (plan -detailed-exitcode) wins over the text when given. */
export function summarizePlan(rawText: string, exitcode?: number): PlanSummary {
  const text = stripAnsi(rawText);
  const counts = /Plan: (?:(\d+) to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy\./.exec(text);
  const addresses = (what: RegExp) =>
    [...text.matchAll(new RegExp(`^\\s*# (\\S+) ${what.source}`, "gm"))].map((m) => m[1]);
  const noChanges = /No changes\./.test(text);
  const status: PlanStatus =
    exitcode === 1
      ? "failed"
      : exitcode === 2
        ? "changes"
        : exitcode === 0
          ? "no-changes"
          : counts
            ? "changes"
            : noChanges
              ? "no-changes"
              : "failed";
  const driftSection =
    /Objects have changed outside of Terraform([\s\S]*?)(?:\n─{10,}|\nTerraform used the selected|$)/.exec(text);
  return {
    status,
    import: counts?.[1] ? Number(counts[1]) : 0,
    add: counts ? Number(counts[2]) : 0,
    change: counts ? Number(counts[3]) : 0,
    destroy: counts ? Number(counts[4]) : 0,
    destroyed: addresses(/will be destroyed/),
    replaced: addresses(/must be replaced|will be replaced/),
    drifted: driftSection
      ? [...driftSection[1].matchAll(/^\s*# (\S+) (?:has changed|has been deleted)/gm)].map((m) => m[1])
      : [],
  };
}

/** `+a ~c -d` (and `↓i` imports), the one-line change count. */
export function changeCounts(s: PlanSummary): string {
  return `+${s.add} ~${s.change} -${s.destroy}${s.import ? ` ↓${s.import}` : ""}`;
}

/** A Markdown code fence longer than any backtick run in `text`, so plan text can never close it early. */
export function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

/**
 * `text` cut to at most `max` characters: the head and the tail (where the `Plan:` line and errors are) with a
 * marker saying how much was left out.
 */
export function trimMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (n: number) => `\n\n… ${n} characters trimmed: the full plan is in the run's artifacts …\n\n`;
  const room = Math.max(0, max - marker(text.length).length);
  const tail = Math.min(Math.floor(room / 4), 2000);
  const head = room - tail;
  const cut = text.length - head - tail;
  return `${text.slice(0, head)}${marker(cut)}${tail > 0 ? text.slice(text.length - tail) : ""}`.slice(0, max);
}

/**
 * Shares `budget` characters among texts: each gets what it needs if it fits, and what is left is split evenly
 * among the longer ones (water-filling), so one huge plan cannot crowd out the small ones.
 */
export function shareBudget(lengths: number[], budget: number): number[] {
  const out = new Array<number>(lengths.length).fill(0);
  let left = Math.max(0, budget);
  let open = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
  while (open.length > 0) {
    const share = Math.floor(left / open.length);
    const i = open[0];
    if (lengths[i] <= share) {
      out[i] = lengths[i];
      left -= lengths[i];
      open = open.slice(1);
    } else {
      for (const j of open) out[j] = share;
      break;
    }
  }
  return out;
}

/**
 * Reads the plan-<environment> artifacts under `dir` (any depth: plan.txt + result.json side by side) for the
 * given environments, in that order; an environment without a result is returned without one.
 */
export function readPlans(dir: string, environments: string[]): EnvironmentPlan[] {
  const found = new Map<string, EnvironmentPlan>();
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (f === "result.json") {
        const result = JSON.parse(fs.readFileSync(p, "utf8")) as PlanResult;
        const planFile = path.join(d, "plan.txt");
        const text = fs.existsSync(planFile) ? stripAnsi(fs.readFileSync(planFile, "utf8")) : "";
        found.set(result.environment, { environment: result.environment, result, text });
      }
    }
  };
  walk(dir);
  return environments.map((environment) => found.get(environment) ?? { environment, text: "" });
}
