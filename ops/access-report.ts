/**
 * `npm run access-report [-- <env>...] [--markdown <file>] [--json <file>]`: who may open which sessions in each
 * environment, computed by evaluating the synthesized policies with an IAM engine. Prints a table per environment;
 * with --markdown also writes the tables as Markdown (for a pull-request comment), with --json as the JSON that
 * `bastionless can-i` reads (cli/access.ts). Development tooling: the IAM engine
 * is a devDependency (AGPL-3.0) and is not part of the published package.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ciFileFor, loadCiConfig } from "../loader/ci";
import { identityFileFor, loadIdentity } from "../loader/identity";
import { loadEnvironments } from "../loader/load";
import { App } from "../modules/core/cdktf";
import { EnvironmentStack } from "../stacks/environment-stack";
import { parseOptions, UsageError } from "./lib/args";
import { clockOf, configDirOf, runOps } from "./lib/run";
import { accessReport, networkNotes, renderMarkdown, renderText } from "./lib/access-report";
import { CiStack } from "../stacks/ci-stack";
import { IdentityCenterStack } from "../stacks/identity-center-stack";
import { ACCESS_REPORT_FORMAT, type AccessReportFile } from "../cli/access";

async function main(argv: string[]): Promise<number> {
  let markdownFile: string | undefined;
  let jsonFile: string | undefined;
  let wanted: string[];
  try {
    const { values, positionals } = parseOptions(argv, {
      markdown: { type: "string", value: "file" },
      json: { type: "string", value: "file" },
    });
    [markdownFile, jsonFile, wanted] = [values.markdown, values.json, positionals];
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(
      `access-report: ${e.message} (usage: npm run access-report -- [<environment>...] [--markdown <file>] [--json <file>])`,
    );
    return 2;
  }
  const configDir = configDirOf();
  const now = clockOf();
  const environments = loadEnvironments(configDir);
  const identityConfig = loadIdentity(identityFileFor(configDir), environments)?.config;
  const ciConfig = loadCiConfig(
    ciFileFor(configDir),
    environments.map((e) => e.config.name),
  );
  const unknown = wanted.filter((w) => !environments.some((e) => e.config.name === w));
  if (unknown.length > 0) {
    console.error(
      `unknown environment ${unknown.map((u) => JSON.stringify(u)).join(", ")}; allowed: ${environments.map((e) => e.config.name).join(", ")}`,
    );
    return 1;
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-access-"));
  const app = new App({ outdir });
  const identity = identityConfig
    ? new IdentityCenterStack(app, "identity", {
        identity: identityConfig,
        environments: environments.map((e) => e.config),
      })
    : undefined;
  // The break-glass roles live in the ci stack (docs/break-glass.md).
  const ci = ciConfig
    ? new CiStack(app, "ci", { environments: environments.map((e) => e.config), ci: ciConfig })
    : undefined;
  const text: string[] = [];
  const markdown: string[] = [];
  const report: AccessReportFile = {
    format: ACCESS_REPORT_FORMAT,
    generatedAt: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    environments: {},
  };
  try {
    for (const { config } of environments.filter((e) => wanted.length === 0 || wanted.includes(e.config.name))) {
      const stack = new EnvironmentStack(app, config.name, {
        config,
        breakGlassRoleInCiStack: ci !== undefined && !config.state.cloud,
      });
      const groups = await accessReport(stack, { identity, ci, now });
      report.environments[config.name] = { account: config.account, region: config.region, groups };
      const notes = networkNotes(stack);
      text.push([renderText(config.name, groups), ...notes.map((n) => `  network: ${n}`)].join("\n"));
      markdown.push([renderMarkdown(config.name, groups), ...notes.map((n) => `- network: ${n}`)].join("\n\n"));
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  console.log(text.join("\n\n"));
  if (markdownFile) {
    fs.writeFileSync(markdownFile, `${markdown.join("\n\n")}\n`);
    console.error(`wrote ${markdownFile}`);
  }
  if (jsonFile) {
    fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    console.error(`wrote ${jsonFile}`);
  }
  return 0;
}

void runOps("access-report", main);
