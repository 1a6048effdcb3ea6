/**
 * `npm run access-expiry -- [--within <days>] [--remove] [--json <file>] [--plans <dir> --drift]`: the expiry
 * workflow's script (ops/lib/access-expiry.ts). Prints the expiry issue's body (grants that expired or expire within
 * --within days, default 14, with the environments' owners); --remove deletes the expired grants from the
 * environment files (only their lines; every comment kept) after checking that each edited file still loads;
 * --json writes the issue and the pull request for the workflow. With --drift and the drift plans, prints instead
 * which expired grants the account still has. The clock is $BASTIONLESS_NOW when set.
 */
import * as fs from "fs";
import { parseEnvironment } from "../loader/load";
import {
  addressHint,
  deployedState,
  EditError,
  expiringGrants,
  removalsFor,
  removeGrants,
  renderExpiredInAccount,
  renderExpiryIssue,
} from "./lib/access-expiry";
import { readPlans } from "./lib/plan-text";
import { opsInputs, runOps } from "./lib/run";

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function main(argv: string[]): number {
  const within = Number(option(argv, "--within") ?? "14");
  if (!Number.isInteger(within) || within < 0 || within > 366) {
    console.error(`--within: ${JSON.stringify(option(argv, "--within"))} is not a number of days (0-366)`);
    return 2;
  }
  const { now, environments } = opsInputs();
  const grants = expiringGrants(environments, now, within);

  if (argv.includes("--drift")) {
    const plans = readPlans(
      option(argv, "--plans") ?? "plans",
      environments.map((e) => e.config.name),
    );
    const rows = grants
      .filter((g) => g.expired)
      .map((g) => {
        const env = environments.find((e) => e.config.name === g.environment)!;
        return {
          grant: g,
          deployed: deployedState(
            addressHint(g, env),
            plans.find((p) => p.environment === g.environment),
          ),
        };
      });
    console.log(renderExpiredInAccount(rows));
    return 0;
  }

  const issue = renderExpiryIssue(grants, now, within);
  const today = now.toISOString().slice(0, 10);
  const removed: { file: string; field: string; grant: string; expires: string }[] = [];
  if (argv.includes("--remove")) {
    const edits: { file: string; text: string }[] = [];
    const problems: string[] = [];
    for (const env of environments) {
      const removals = removalsFor(env, grants);
      if (removals.length === 0) continue;
      const before = fs.readFileSync(env.file, "utf8");
      let text: string;
      try {
        text = removeGrants(
          before,
          removals.map((g) => ({
            path: g.path,
            note: `removed by access-expiry on ${today}: ${g.grant} expired ${g.expires}`,
          })),
        );
      } catch (e) {
        if (e instanceof EditError) {
          problems.push(`${env.file}: ${e.message}`);
          continue;
        }
        throw e;
      }
      const check: string[] = [];
      parseEnvironment(env.file, Buffer.from(text), check);
      if (check.length > 0) {
        problems.push(...check.map((c) => `after removing the expired grants, ${c}`));
        continue;
      }
      edits.push({ file: env.file, text });
      removed.push(...removals.map((g) => ({ file: g.file, field: g.field, grant: g.grant, expires: g.expires })));
    }
    if (problems.length > 0) {
      console.error(`access-expiry: nothing was written:\n${problems.map((p) => `  ${p}`).join("\n")}`);
      return 1;
    }
    for (const e of edits) fs.writeFileSync(e.file, e.text);
  }
  console.log(issue.body);
  const json = option(argv, "--json");
  if (json) {
    const pullRequest =
      removed.length === 0
        ? null
        : {
            branch: "access-expiry/remove-expired",
            title: `Remove expired access grants (${today})`,
            body: [
              "Removes the grants whose `expires` has passed (their policies already deny them). Only the grants' lines are removed; every comment is kept.",
              "",
              ...removed.map((r) => `- \`${r.file}\` \`${r.field}\`: ${r.grant}, expired ${r.expires}`),
              "",
              "The plan of this pull request shows the removal; merging applies it.",
            ].join("\n"),
            files: [...new Set(removed.map((r) => r.file))],
          };
    fs.writeFileSync(json, `${JSON.stringify({ issue, removed, pullRequest }, null, 2)}\n`);
  }
  return 0;
}

void runOps("access-expiry", main);
