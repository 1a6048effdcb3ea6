// The environment matrix of the workflows, from the environment files as the config loader reads them for
// `npm run synth` and `npm run atlantis` (loader/load.ts: the same rule for which files are environments - <name>.yaml
// or .yml in any letter case, dotfiles and editor leftovers skipped - and the same validation), so no workflow names
// an environment. BASTIONLESS_CONFIG_DIR names another directory, as for the synth. Usage:
//   environments.mjs                      [{"environment","region","account","stage","prPlans","planRole","applyRole"}...]
//                                         in promotion order; prPlans: pull requests plan it (its merge-time plan is
//                                         checked against theirs); the roles: the ci stack's, by name
//   environments.mjs --pull-request       the same, without the protected environments pull requests may not plan
//                                         (config/ci.yaml: requiredReviewers and no pullRequestPlans opt-in; their
//                                         plan roles do not trust pull requests; their reviewers approve the
//                                         merge-time plan itself)
//   environments.mjs --row <name>         region=<region> and account=<account> lines (GITHUB_OUTPUT) of that environment
//   environments.mjs --region <name>      that environment's region
//   environments.mjs --stages [--results <dir>]
//       GITHUB_OUTPUT lines stage1=[...] .. stage<MAX_STAGES>=[...]: promotion stages (stage 1: no `promotion.after`;
//       stage n+1: after an environment of stage n). With --results, only environments whose plan (result.json files
//       written by terraform-plan.sh, any depth under <dir>) exited 2 (changes) with every change reviewed; an
//       environment whose plan failed, is missing or has unreviewed changes stops itself and every environment
//       promoted after it; then unreviewed=[...] (the environments stopped for unreviewed changes).
// Environments whose state is in HCP Terraform (state.cloud) are left to HCP Terraform and not listed (ops/lib/pipeline.ts).
// Bad config: the loader's messages (file, field, line and column, what is allowed); exit 1.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** Stage jobs in apply.yml (apply-1 .. apply-4); the contract test checks the workflow has exactly this many. */
export const MAX_STAGES = 4;

const ROOT = join(import.meta.dirname, "..", "..");
const require = createRequire(import.meta.url);
require(join(ROOT, "tools", "swc-register.js"));
const { loadEnvironments, ConfigError } = require(join(ROOT, "loader", "load.ts"));
const { pipelineEnvironments } = require(join(ROOT, "ops", "lib", "pipeline.ts"));
const { ciFileFor, loadCiConfig, pullRequestPlans } = require(join(ROOT, "loader", "ci.ts"));

function fail(message) {
  console.error(message);
  process.exit(1);
}

function load() {
  const variable = process.env.BASTIONLESS_CONFIG_DIR !== undefined ? "BASTIONLESS_CONFIG_DIR" : undefined;
  const dir = process.env.BASTIONLESS_CONFIG_DIR ?? "config/environments";
  let envs;
  try {
    envs = pipelineEnvironments(loadEnvironments(dir, { variable }));
    const ci = loadCiConfig(
      ciFileFor(dir),
      envs.map((e) => e.name),
    );
    envs = envs.map((e) => ({ ...e, prPlans: !ci || pullRequestPlans(ci, e.name) }));
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  for (const e of envs)
    if (e.stage > MAX_STAGES)
      fail(
        `${e.file}: promotion.after puts ${e.name} in stage ${e.stage}; the apply workflow has ${MAX_STAGES} stages`,
      );
  return envs;
}

/** The ci stack's role of an environment (stacks/ci-stack.ts roleName): derived, so no repository variable lists it. */
const partition = (region) =>
  String(region).startsWith("cn-") ? "aws-cn" : String(region).startsWith("us-gov-") ? "aws-us-gov" : "aws";
const roleArn = (e, kind) => `arn:${partition(e.region)}:iam::${e.account}:role/${e.project}-${e.name}-ci-${kind}`;
const row = (e) => ({
  environment: e.name,
  region: e.region,
  account: e.account,
  stage: e.stage,
  prPlans: e.prPlans,
  planRole: roleArn(e, "plan"),
  applyRole: roleArn(e, "apply"),
});

/** result.json files under `root`: {environment, exitcode, reviewed}. */
function readResults(root) {
  const out = new Map();
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f === "result.json") {
        const r = JSON.parse(readFileSync(p, "utf8"));
        out.set(r.environment, r);
      }
    }
  };
  walk(root);
  return out;
}

const all = load();
const arg = (flag) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const named = (flag) => {
  const name = arg(flag);
  const env = all.find((e) => e.name === name);
  if (!env)
    fail(
      `no environment ${JSON.stringify(name)} planned by these workflows in ${process.env.BASTIONLESS_CONFIG_DIR ?? "config/environments"}; allowed: ${all.map((e) => e.name).join(", ") || "none"}`,
    );
  return env;
};

if (process.argv.includes("--region")) {
  process.stdout.write(named("--region").region);
} else if (process.argv.includes("--row")) {
  const env = named("--row");
  process.stdout.write(`region=${env.region}\naccount=${env.account}\napply-role=${roleArn(env, "apply")}\n`);
} else if (process.argv.includes("--stages")) {
  let selected = all;
  const unreviewed = [];
  const resultsDir = arg("--results");
  if (resultsDir !== undefined) {
    const results = readResults(resultsDir);
    const stopped = new Set();
    for (const env of all) {
      const r = results.get(env.name);
      if (env.after !== undefined && stopped.has(env.after)) {
        stopped.add(env.name);
        console.error(`${env.name}: not applied, ${env.after} (before it) did not plan or apply cleanly`);
      } else if (!r || r.exitcode === 1) {
        stopped.add(env.name);
        console.error(`${env.name}: not applied, its plan ${r ? "failed" : "is missing"}`);
      } else if (r.exitcode === 2 && r.reviewed === false) {
        stopped.add(env.name);
        unreviewed.push(env.name);
        console.error(`${env.name}: not applied, its plan has changes no reviewed plan showed (see its plan job)`);
      } else if (r.exitcode !== 2) console.error(`${env.name}: no changes`);
    }
    selected = all.filter((e) => !stopped.has(e.name) && results.get(e.name)?.exitcode === 2);
  }
  for (let stage = 1; stage <= MAX_STAGES; stage++)
    process.stdout.write(`stage${stage}=${JSON.stringify(selected.filter((e) => e.stage === stage).map(row))}\n`);
  if (resultsDir !== undefined) process.stdout.write(`unreviewed=${JSON.stringify(unreviewed)}\n`);
} else if (process.argv.includes("--pull-request")) {
  for (const e of all.filter((e) => !e.prPlans))
    console.error(
      `${e.name}: not planned from pull requests (protected in config/ci.yaml; opt in with pullRequestPlans)`,
    );
  process.stdout.write(JSON.stringify(all.filter((e) => e.prPlans).map(row)));
} else {
  process.stdout.write(JSON.stringify(all.map(row)));
}
