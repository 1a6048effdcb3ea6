/**
 * `npm run --silent drift-report -- --plans <dir> --environments <json> [--run-url <url>] [--json <file>]`: prints
 * the drift job summary and writes, per environment, its status and the drift issue's title and body as JSON
 * (ops/lib/drift-report.ts) for the workflow step that opens, updates or closes the issues.
 */
import * as fs from "fs";
import { driftEntry, renderDriftSummary } from "./lib/drift-report";
import { readPlans } from "./lib/plan-text";
import { runOps } from "./lib/run";

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function main(argv: string[]): number {
  const plansDir = option(argv, "--plans");
  const envJson = option(argv, "--environments");
  if (!plansDir || !envJson) {
    console.error("usage: drift-report --plans <dir> --environments <json matrix> [--run-url <url>] [--json <file>]");
    return 2;
  }
  let environments: string[];
  try {
    environments = (JSON.parse(envJson) as { environment: string }[]).map((e) => e.environment);
  } catch {
    console.error(`--environments: ${JSON.stringify(envJson.slice(0, 80))} is not the JSON matrix of environments.mjs`);
    return 2;
  }
  const entries = readPlans(plansDir, environments).map((p) => driftEntry(p, option(argv, "--run-url")));
  process.stdout.write(renderDriftSummary(entries));
  const json = option(argv, "--json");
  if (json) fs.writeFileSync(json, `${JSON.stringify({ environments: entries }, null, 2)}\n`);
  return 0;
}

void runOps("drift-report", main);
