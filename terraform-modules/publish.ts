/**
 * `npm run publish:terraform-modules -- [--dry-run] [--target github|hcp|all] [--tag vX.Y.Z] [modules dir]`
 *
 * Publishes every generated module (dist/terraform-modules/terraform-aws-bastionless-<name>/, from
 * `npm run build:terraform-modules`) with the release's semver tag:
 *   github: to its own repository `<owner>/<prefix><name>` (the layout the public Terraform registry reads), the
 *           module's files at the root, the tag on that commit (terraform-modules/publish-git.ts);
 *   hcp:    to an HCP Terraform private registry as `<org>/bastionless-<name>/aws` (terraform-modules/publish-hcp.ts).
 *
 * Configuration (environment, so a workflow passes repository variables and secrets):
 *   MODULES_GITHUB_OWNER        owner (user or organization) of the module repositories       (github)
 *   MODULES_REPOSITORY_PREFIX   repository name prefix, default terraform-aws-bastionless-
 *   MODULES_GIT_BASE_URL        default https://github.com
 *   MODULES_GIT_BRANCH          default main
 *   MODULES_PUSH_TOKEN          token that may push to those repositories                      (github)
 *   HCP_TERRAFORM_ORGANIZATION  organization of the private registry                            (hcp)
 *   HCP_TERRAFORM_TOKEN         team or user token that may publish modules                     (hcp)
 *   HCP_TERRAFORM_ADDRESS       default https://app.terraform.io
 * `--dry-run` contacts nothing: it builds each module's commit and archive locally and prints where each would go.
 * Missing configuration is an error naming the variable (in a dry run, a placeholder is printed instead).
 */
import * as fs from "fs";
import * as path from "path";
import { publishModuleToGit, remoteUrl, type GitTarget } from "./publish-git";
import { publishModuleToHcp } from "./publish-hcp";

const ROOT = path.join(__dirname, "..");
export const MODULE_DIR_PREFIX = "terraform-aws-bastionless-";

export interface PublishOptions {
  readonly modulesDir: string;
  readonly tag: string;
  readonly targets: readonly ("github" | "hcp")[];
  readonly dryRun: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

export class PublishConfigError extends Error {}

/** vX.Y.Z (optionally -pre): the registry's semver tag; it must be package.json's version. */
export function checkTag(tag: string, packageVersion: string): void {
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(tag))
    throw new PublishConfigError(`--tag ${JSON.stringify(tag)}: expected a semver tag vMAJOR.MINOR.PATCH`);
  if (tag !== `v${packageVersion}`)
    throw new PublishConfigError(
      `--tag ${tag} does not match package.json version ${packageVersion} (v${packageVersion})`,
    );
}

/** The generated modules in `dir`: short name (`network`) and directory. */
export function findModules(dir: string): { name: string; dir: string }[] {
  if (!fs.existsSync(dir))
    throw new PublishConfigError(`${dir} does not exist: run \`npm run build:terraform-modules\` first`);
  const found = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith(MODULE_DIR_PREFIX))
    .map((e) => ({ name: e.name.slice(MODULE_DIR_PREFIX.length), dir: path.join(dir, e.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (found.length === 0) throw new PublishConfigError(`${dir} holds no ${MODULE_DIR_PREFIX}* module`);
  for (const m of found)
    if (!fs.existsSync(path.join(m.dir, "main.tf")) || !fs.existsSync(path.join(m.dir, "versions.tf")))
      throw new PublishConfigError(`${m.dir} is not a complete module (main.tf and versions.tf expected)`);
  return found;
}

function setting(env: NodeJS.ProcessEnv, name: string, dryRun: boolean, fallback?: string): string {
  const v = env[name]?.trim() || fallback;
  if (v) return v;
  if (dryRun) return `<${name}>`;
  throw new PublishConfigError(`${name} is not set (see terraform-modules/publish.ts for the configuration)`);
}

export async function publish(o: PublishOptions): Promise<void> {
  const modules = findModules(o.modulesDir);
  const version = o.tag.slice(1);
  const mode = o.dryRun ? "dry run, nothing is contacted" : "publishing";
  o.log(`${modules.length} modules, tag ${o.tag} (${mode})`);
  if (o.targets.includes("github")) {
    const owner = setting(o.env, "MODULES_GITHUB_OWNER", o.dryRun);
    const baseUrl = setting(o.env, "MODULES_GIT_BASE_URL", o.dryRun, "https://github.com");
    const token = baseUrl.startsWith("file:") ? undefined : setting(o.env, "MODULES_PUSH_TOKEN", o.dryRun);
    const prefix = setting(o.env, "MODULES_REPOSITORY_PREFIX", o.dryRun, MODULE_DIR_PREFIX);
    const branch = setting(o.env, "MODULES_GIT_BRANCH", o.dryRun, "main");
    if (!/^[A-Za-z0-9._-]+$/.test(prefix))
      throw new PublishConfigError(`MODULES_REPOSITORY_PREFIX ${JSON.stringify(prefix)}: letters, digits, . _ - only`);
    for (const m of modules) {
      const target: GitTarget = { baseUrl, owner, repository: `${prefix}${m.name}`, branch, token };
      const r = publishModuleToGit(m.dir, target, o.tag, {
        dryRun: o.dryRun,
        message: `${prefix}${m.name} ${o.tag}\n\nGenerated by bastionless ${version} (npm run build:terraform-modules).`,
      });
      o.log(
        `github ${r.action.padEnd(9)} ${remoteUrl(target)} ${r.tag} (${r.files.length} files, tree ${r.tree.slice(0, 12)})`,
      );
    }
  }
  if (o.targets.includes("hcp")) {
    const organization = setting(o.env, "HCP_TERRAFORM_ORGANIZATION", o.dryRun);
    const token = setting(o.env, "HCP_TERRAFORM_TOKEN", o.dryRun);
    const address = setting(o.env, "HCP_TERRAFORM_ADDRESS", o.dryRun, "https://app.terraform.io");
    for (const m of modules) {
      const r = await publishModuleToHcp(
        m.dir,
        { address, organization, token },
        { name: `bastionless-${m.name}`, provider: "aws", version },
        { dryRun: o.dryRun },
      );
      o.log(`hcp    ${r.action.padEnd(9)} ${organization}/${r.module}/aws ${r.version}: ${r.requests.join(", ")}`);
    }
  }
}

export function parseArgs(argv: readonly string[], packageVersion: string): Omit<PublishOptions, "env" | "log"> {
  let dryRun = false;
  let target = "all";
  let tag = `v${packageVersion}`;
  let modulesDir = path.join(ROOT, "dist", "terraform-modules");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--dry-run") dryRun = true;
    else if (a === "--target") target = argv[++i] ?? "";
    else if (a === "--tag") tag = argv[++i] ?? "";
    else if (a.startsWith("--")) throw new PublishConfigError(`unknown option ${a} (--dry-run, --target, --tag)`);
    else modulesDir = path.resolve(a);
  }
  if (!["github", "hcp", "all"].includes(target))
    throw new PublishConfigError(`--target ${JSON.stringify(target)}: expected github, hcp or all`);
  checkTag(tag, packageVersion);
  const targets = target === "all" ? (["github", "hcp"] as const) : ([target] as ["github" | "hcp"]);
  return { modulesDir, tag, targets, dryRun };
}

if (require.main === module) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
  (async () => {
    const args = parseArgs(process.argv.slice(2), pkg.version);
    await publish({ ...args, env: process.env, log: (l) => console.log(l) });
  })().catch((e: unknown) => {
    console.error(`publish-terraform-modules: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
