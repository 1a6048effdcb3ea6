/**
 * The example environments and the `npm run synth` command line, shared by the tests (test/helpers) and the bench
 * (bench/synth.ts), so both run exactly what users run.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { EnvironmentInput } from "../../config/schema";

const ROOT = path.join(__dirname, "..", "..");

/** The example environment files (config/environments/*.yaml). */
export const ENV_DIR = path.join(ROOT, "config", "environments");

/** The raw YAML of an example environment (to derive variants from). */
export function exampleInput(name: string): EnvironmentInput {
  return parse(fs.readFileSync(path.join(ENV_DIR, `${name}.yaml`), "utf8")) as EnvironmentInput;
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
