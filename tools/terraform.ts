/**
 * Running the real Terraform. Which CLI configuration: the caller's TF_CLI_CONFIG_FILE when that file exists; else the
 * repository's terraform/cli.tfrc (providers from an offline filesystem mirror) when that mirror exists on this
 * machine; else none (Terraform's defaults: the public registry, as on a hosted CI runner with setup-terraform).
 */
import { AsyncLocalStorage } from "async_hooks";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const REPO_CLI_CONFIG = path.join(__dirname, "..", "terraform", "cli.tfrc");

/** The filesystem mirror directories a CLI config file names (`filesystem_mirror { path = "..." }`). */
export function mirrorPaths(cliConfigText: string): string[] {
  return [...cliConfigText.matchAll(/filesystem_mirror\s*\{[^}]*?\bpath\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
}

/** The TF_CLI_CONFIG_FILE to use, or undefined for Terraform's defaults. */
export function cliConfigFile(
  env: NodeJS.ProcessEnv,
  repoConfig = REPO_CLI_CONFIG,
  exists: (p: string) => boolean = fs.existsSync,
): string | undefined {
  if (env.TF_CLI_CONFIG_FILE && exists(env.TF_CLI_CONFIG_FILE)) return env.TF_CLI_CONFIG_FILE;
  const mirrors = exists(repoConfig) ? mirrorPaths(fs.readFileSync(repoConfig, "utf8")) : [];
  return mirrors.length > 0 && mirrors.every(exists) ? repoConfig : undefined;
}

const cliConfig = cliConfigFile(process.env);
const inherited = { ...process.env };
delete inherited.TF_CLI_CONFIG_FILE;
export const TERRAFORM_ENV: NodeJS.ProcessEnv = {
  ...inherited,
  ...(cliConfig ? { TF_CLI_CONFIG_FILE: cliConfig } : {}),
  TF_IN_AUTOMATION: "1",
  CHECKPOINT_DISABLE: "1",
};

export function terraformInstalled(): boolean {
  return !spawnSync("terraform", ["version"], { env: TERRAFORM_ENV }).error;
}

/** The `pool` worker a call runs in (undefined outside a pool). */
const poolWorker = new AsyncLocalStorage<number>();

/**
 * The environment of one terraform call. With TF_PLUGIN_CACHE_DIR set (the workflows' setup action sets it), a call
 * inside a `pool` worker gets `<that directory>/worker-<n>` (created when missing): Terraform's plugin cache is not
 * safe for concurrent `terraform init` (hashicorp/terraform#31964: a provider copied while another init writes it
 * fails its checksum), and a pool runs inits in parallel. Each worker still reuses its own cache across its items.
 */
export function terraformEnv(base: NodeJS.ProcessEnv, worker: number | undefined): NodeJS.ProcessEnv {
  const cache = base.TF_PLUGIN_CACHE_DIR;
  if (!cache || worker === undefined) return base;
  const dir = path.join(cache, `worker-${worker}`);
  fs.mkdirSync(dir, { recursive: true });
  return { ...base, TF_PLUGIN_CACHE_DIR: dir };
}

export function terraform(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const env = terraformEnv(TERRAFORM_ENV, poolWorker.getStore());
    const child = spawn("terraform", [...args, "-no-color"], { cwd, env });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Runs `work` over `items` with at most `parallel` at a time (2 cores here); `terraform` calls know their worker. */
export async function pool<T, R>(items: readonly T[], parallel: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, (_, worker) =>
      poolWorker.run(worker, async () => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) results.push(await work(item));
      }),
    ),
  );
  return results;
}
