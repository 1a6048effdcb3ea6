/** Running the real Terraform offline: the repository's CLI config (provider from the filesystem mirror only). */
import { spawn, spawnSync } from "child_process";
import * as path from "path";

export const TERRAFORM_ENV = {
  ...process.env,
  TF_CLI_CONFIG_FILE: path.join(__dirname, "..", "..", "terraform", "cli.tfrc"),
  TF_IN_AUTOMATION: "1",
  CHECKPOINT_DISABLE: "1",
};

export function terraformInstalled(): boolean {
  return !spawnSync("terraform", ["version"], { env: TERRAFORM_ENV }).error;
}

export function terraform(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("terraform", [...args, "-no-color"], { cwd, env: TERRAFORM_ENV });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Runs `work` over `items` with at most `parallel` at a time (2 cores here). */
export async function pool<T, R>(items: readonly T[], parallel: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) results.push(await work(item));
    }),
  );
  return results;
}
