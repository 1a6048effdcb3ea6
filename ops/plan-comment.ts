/**
 * `npm run --silent plan-comment -- --plans <dir> --environments <json> [--run-url <url>] [--access <md>]
 *  [--base-access <md>] [--access-change <md>] [--synth <txt>] [--base-synth <txt>]`: prints the pull-request comment (ops/lib/plan-comment.ts).
 * `npm run --silent plan-comment -- --summary <plan-out/env>`: prints one environment's plan for the job summary.
 * Missing optional files are shown as "not available" in the comment; a missing --plans directory means every
 * environment is shown as failed.
 */
import * as fs from "fs";
import * as path from "path";
import { renderComment, renderSummary } from "./lib/plan-comment";
import { readPlans, type PlanResult } from "./lib/plan-text";
import { runOps } from "./lib/run";

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

const optional = (file?: string) => (file && fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);

function main(argv: string[]): number {
  const summary = option(argv, "--summary");
  if (summary !== undefined) {
    const resultFile = path.join(summary, "result.json");
    const result = fs.existsSync(resultFile)
      ? (JSON.parse(fs.readFileSync(resultFile, "utf8")) as PlanResult)
      : undefined;
    const text = optional(path.join(summary, "plan.txt")) ?? "";
    process.stdout.write(renderSummary({ environment: result?.environment ?? path.basename(summary), result, text }));
    return 0;
  }
  const plansDir = option(argv, "--plans");
  const envJson = option(argv, "--environments");
  if (!plansDir || envJson === undefined) {
    console.error("usage: plan-comment --plans <dir> --environments <json matrix> [--run-url <url>] ...");
    return 2;
  }
  let environments: string[];
  try {
    // Empty when the checks failed before the matrix was computed.
    environments =
      envJson.trim() === "" ? [] : (JSON.parse(envJson) as { environment: string }[]).map((e) => e.environment);
  } catch {
    console.error(`--environments: ${JSON.stringify(envJson.slice(0, 80))} is not the JSON matrix of environments.mjs`);
    return 2;
  }
  const body = renderComment({
    plans: readPlans(plansDir, environments),
    runUrl: option(argv, "--run-url"),
    checks: option(argv, "--checks"),
    access: { head: optional(option(argv, "--access")), base: optional(option(argv, "--base-access")) },
    accessChange: optional(option(argv, "--access-change")),
    synth: { head: optional(option(argv, "--synth")), base: optional(option(argv, "--base-synth")) },
  });
  process.stdout.write(body);
  return 0;
}

void runOps("plan-comment", main);
