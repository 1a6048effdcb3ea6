/**
 * `npm run access-change -- --base <synth dir> --head <synth dir> [--base-config <dir>] [--head-config <dir>]
 *  [--markdown <file> [--max-chars <n>]] [--full-markdown <file>] [--json <file>]`: who gains or loses which access
 * between two synth outputs (`cdktf.out` of the base commit, synthesized by its own code, and of the pull request),
 * evaluated with the IAM engine (ops/lib/access-change.ts). Prints one line per change. --markdown writes the
 * pull-request comment's section (rows beyond --max-chars counted, not shown), --full-markdown every row (the job
 * summary), --json the change and each environment's protection for the approval check (npm run access-approval).
 * The config directories give `protected` and `owners` (head: config/environments). Development tooling: the IAM
 * engine is a devDependency (AGPL-3.0).
 */
import * as fs from "fs";
import { accessChange, renderAccessChange, renderAccessChangeText, type EnvironmentAccess } from "./lib/access-change";
import { evaluateAccess } from "./lib/access-report";
import { effectiveProtection, readProtection } from "./lib/protection";
import { clockOf, configDirOf, runOps } from "./lib/run";
import { synthesizedSubjects } from "./lib/synthesized-stack";

const USAGE =
  "usage: access-change --base <synth output dir> --head <synth output dir> [--base-config <dir>] [--head-config <dir>] [--markdown <file> [--max-chars <n>]] [--full-markdown <file>] [--json <file>]";
const OPTIONS = [
  "--base",
  "--head",
  "--base-config",
  "--head-config",
  "--markdown",
  "--full-markdown",
  "--json",
  "--max-chars",
];

function options(argv: string[]): Map<string, string> | string {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!OPTIONS.includes(argv[i])) return `unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`;
    if (argv[i + 1] === undefined || argv[i + 1].startsWith("--")) return `${argv[i]} needs a value; ${USAGE}`;
    out.set(argv[i], argv[i + 1]);
  }
  return out;
}

async function accessOf(outdir: string, now: Date): Promise<EnvironmentAccess[]> {
  const out: EnvironmentAccess[] = [];
  for (const subject of synthesizedSubjects(outdir))
    out.push({
      environment: subject.environment,
      account: subject.account,
      groups: await evaluateAccess(subject, { now }),
    });
  return out;
}

async function main(argv: string[]): Promise<number> {
  const opts = options(argv);
  if (typeof opts === "string") {
    console.error(opts);
    return 2;
  }
  const base = opts.get("--base");
  const head = opts.get("--head");
  if (!base || !head) {
    console.error(USAGE);
    return 2;
  }
  const maxChars = opts.has("--max-chars") ? Number(opts.get("--max-chars")) : undefined;
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars > 0)) {
    console.error(`--max-chars: ${JSON.stringify(opts.get("--max-chars"))} is not a positive whole number`);
    return 2;
  }
  const now = clockOf();
  const change = accessChange(await accessOf(base, now), await accessOf(head, now));
  const headConfig = opts.get("--head-config") ?? configDirOf();
  const headProtection = readProtection(headConfig);
  const baseConfig = opts.get("--base-config");
  const protection = effectiveProtection(baseConfig ? readProtection(baseConfig) : headProtection, headProtection);
  console.log(renderAccessChangeText(change));
  const markdownFile = opts.get("--markdown");
  if (markdownFile) {
    fs.writeFileSync(markdownFile, `${renderAccessChange(change, { protection, maxChars })}\n`);
    console.error(`wrote ${markdownFile}`);
  }
  const fullFile = opts.get("--full-markdown");
  if (fullFile) {
    fs.writeFileSync(fullFile, `${renderAccessChange(change, { protection })}\n`);
    console.error(`wrote ${fullFile}`);
  }
  const jsonFile = opts.get("--json");
  if (jsonFile) {
    const json = {
      change,
      protection: Object.fromEntries(protection),
      headProtection: Object.fromEntries(headProtection),
    };
    fs.writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
    console.error(`wrote ${jsonFile}`);
  }
  return 0;
}

void runOps("access-change", main);
