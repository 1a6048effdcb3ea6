/**
 * The example environments and the `npm run synth` command line, shared by the tests (test/helpers) and the bench
 * (bench/synth.ts), so both run exactly what users run.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import type { EnvironmentInput } from "../../loader/schema";

const ROOT = path.join(__dirname, "..", "..");

/** The example environment files (config/environments/*.yaml). */
export const ENV_DIR = path.join(ROOT, "config", "environments");

/** The raw YAML of an example environment (to derive variants from). */
export function exampleInput(name: string): EnvironmentInput {
  return parse(fs.readFileSync(path.join(ENV_DIR, `${name}.yaml`), "utf8")) as EnvironmentInput;
}

/**
 * Writes `n` copies of the staging example into `dir`, each its own environment in its own account (`env000`,
 * `env001`, …), for measuring and testing large apps. Returns `dir`.
 */
export function writeGeneratedEnvironments(dir: string, n: number): string {
  const base = exampleInput("staging");
  for (let i = 0; i < n; i++) {
    const env = structuredClone(base) as EnvironmentInput & { name: string; account: string; state: object };
    env.name = `env${String(i).padStart(3, "0")}`;
    env.account = String(100000000000 + i);
    env.state = { ...env.state, bucket: `bench-tfstate-${env.account}` };
    // each in its own account, applied in the first promotion stage (staging's `after: dev` names no generated one)
    delete (env as { promotion?: unknown }).promotion;
    fs.writeFileSync(path.join(dir, `${env.name}.yaml`), stringify(env));
  }
  return dir;
}

/** The node arguments of `npm run synth`, read from package.json. */
export function synthArgs(): string[] {
  const script = (
    JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
  ).scripts.synth;
  const [cmd, ...args] = script.split(/\s+/);
  if (cmd !== "node") throw new Error(`the synth script no longer starts with node: ${script}`);
  return args;
}
