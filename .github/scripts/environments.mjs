// The environment matrix of the workflows, read from config/environments (the files `npm run synth` reads), so no
// workflow names an environment. Usage:
//   environments.mjs                      [{"environment","region","account","stage","planRole","applyRole"}...] in
//                                         promotion order (the roles: the ci stack's, by name)
//   environments.mjs --pull-request       the same, without the protected environments pull requests may not plan
//                                         (config/ci.yaml: requiredReviewers and no pullRequestPlans opt-in; their
//                                         plan roles do not trust pull requests)
//   environments.mjs --region <name>      that environment's region
//   environments.mjs --stages [--results <dir>]
//       GITHUB_OUTPUT lines stage1=[...] .. stage<MAX_STAGES>=[...]: promotion stages (stage 1: no `promotion.after`;
//       stage n+1: after an environment of stage n). With --results, only environments whose plan (result.json files
//       written by terraform-plan.sh, any depth under <dir>) exited 2 (changes); an environment whose plan failed or
//       is missing stops itself and every environment promoted after it.
// Environments whose state is in HCP Terraform (state.cloud) are left to HCP Terraform and not listed.
// Bad config: one line naming the file, line:column, the field and what is allowed; exit 1.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LineCounter, parseDocument } from "yaml";

/** Stage jobs in apply.yml (apply-1 .. apply-4); the contract test checks the workflow has exactly this many. */
export const MAX_STAGES = 4;

const dir = process.env.BASTIONLESS_CONFIG_DIR ?? "config/environments";
const ciFile = process.env.BASTIONLESS_CI_CONFIG ?? "config/ci.yaml";

function fail(message) {
  console.error(message);
  process.exit(1);
}

function load() {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const envs = files.map((f) => {
    const file = join(dir, f);
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lines });
    if (doc.errors.length > 0) fail(`${file}: ${doc.errors[0].message.split("\n")[0]}`);
    const at = (...keys) => {
      const node = doc.getIn(keys, true);
      const pos = node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
      return `${file}:${pos.line}:${pos.col}`;
    };
    const env = doc.toJS() ?? {};
    return {
      file,
      at,
      name: env.name,
      region: env.region,
      account: String(env.account),
      after: env.promotion?.after,
      cloud: !!env.state?.cloud,
      // The schema's default project (loader/schema/environment.ts); environments.integ.ts checks the role ARNs
      // below against the ci stack's.
      project: env.project ?? "bastionless",
    };
  });
  const byName = new Map(envs.map((e) => [e.name, e]));
  const stageOf = (env, seen = []) => {
    if (env.after === undefined) return 1;
    const before = byName.get(env.after);
    if (!before)
      fail(
        `${env.at("promotion", "after")}: promotion.after ${JSON.stringify(env.after)} is not an environment; allowed: ${[...byName.keys()].filter((n) => n !== env.name).join(", ")}`,
      );
    if (seen.includes(before.name))
      fail(
        `${env.at("promotion", "after")}: promotion.after ${JSON.stringify(env.after)} makes a cycle (${[...seen, env.name, before.name].join(" → ")}); the promotion order must end`,
      );
    return 1 + stageOf(before, [...seen, env.name]);
  };
  for (const env of envs) {
    env.stage = stageOf(env);
    if (env.stage > MAX_STAGES)
      fail(
        `${env.at("promotion", "after")}: promotion.after ${JSON.stringify(env.after)} puts ${env.name} in stage ${env.stage}; the apply workflow has ${MAX_STAGES} stages`,
      );
  }
  return envs.sort((a, b) => a.stage - b.stage || a.name.localeCompare(b.name));
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
  planRole: roleArn(e, "plan"),
  applyRole: roleArn(e, "apply"),
});

/** result.json files under `root`: {environment, exitcode}. */
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

const all = load().filter((e) => !e.cloud);
const arg = (flag) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

if (process.argv.includes("--region")) {
  const name = arg("--region");
  const env = all.find((e) => e.name === name);
  if (!env) fail(`no environment ${JSON.stringify(name)} in ${dir}; allowed: ${all.map((e) => e.name).join(", ")}`);
  process.stdout.write(env.region);
} else if (process.argv.includes("--stages")) {
  let selected = all;
  const resultsDir = arg("--results");
  if (resultsDir !== undefined) {
    const results = readResults(resultsDir);
    const stopped = new Set();
    for (const env of all) {
      const r = results.get(env.name);
      if (stopped.has(env.after)) {
        stopped.add(env.name);
        console.error(`${env.name}: not applied, ${env.after} (before it) did not plan or apply cleanly`);
      } else if (!r || r.exitcode === 1) {
        stopped.add(env.name);
        console.error(`${env.name}: not applied, its plan ${r ? "failed" : "is missing"}`);
      } else if (r.exitcode !== 2) console.error(`${env.name}: no changes`);
    }
    selected = all.filter((e) => !stopped.has(e.name) && results.get(e.name)?.exitcode === 2);
  }
  for (let stage = 1; stage <= MAX_STAGES; stage++)
    process.stdout.write(`stage${stage}=${JSON.stringify(selected.filter((e) => e.stage === stage).map(row))}\n`);
} else if (process.argv.includes("--pull-request")) {
  // The ci stack's rule (config/ci.ts pullRequestPlans): protected = required reviewers, unless opted in.
  const ci = existsSync(ciFile) ? (parseDocument(readFileSync(ciFile, "utf8")).toJS() ?? {}) : {};
  const protectedEnv = (name) => {
    const e = ci.environments?.[name];
    return (e?.requiredReviewers?.length ?? 0) > 0 && e?.pullRequestPlans === undefined;
  };
  for (const e of all.filter((e) => protectedEnv(e.name)))
    console.error(`${e.name}: not planned from pull requests (protected in ${ciFile}; opt in with pullRequestPlans)`);
  process.stdout.write(JSON.stringify(all.filter((e) => !protectedEnv(e.name)).map(row)));
} else {
  process.stdout.write(JSON.stringify(all.map(row)));
}
