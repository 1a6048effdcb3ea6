/** Temporary environment directories for config tests, removed after the test file. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { ConfigError, loadEnvironments, type LoadOptions } from "../../loader/load";
import { ENV_DIR, exampleInput } from "./examples";

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory (removed after the test file). */
export function tempDir(prefix = "bl-cfg-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * A copy of the example environments with files replaced (string or bytes: written as is; object: YAML), added,
 * or removed (null).
 */
export function envDir(files: Record<string, string | Buffer | object | null> = {}, keepExamples = true): string {
  const dir = tempDir("bl-env-");
  if (keepExamples) for (const f of fs.readdirSync(ENV_DIR)) fs.copyFileSync(path.join(ENV_DIR, f), path.join(dir, f));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    if (content === null) fs.rmSync(file);
    else fs.writeFileSync(file, typeof content === "string" || Buffer.isBuffer(content) ? content : stringify(content));
  }
  return dir;
}

/** The problems loadEnvironments reports for `dir` (none when it accepts it); anything else it throws is rethrown. */
export function loadProblems(dir: string, options?: LoadOptions): string[] {
  try {
    loadEnvironments(dir, options);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

/** The problems loadEnvironments reports for `dir`; fails when it accepts the directory or throws anything else. */
export function problemsOf(dir: string, options?: LoadOptions): string[] {
  const problems = loadProblems(dir, options);
  if (problems.length === 0) throw new Error("expected the configuration to be rejected");
  return problems;
}

/** An example environment's input with changes. */
export function variant(name: string, patch: (env: Record<string, any>) => void): object {
  const env = structuredClone(exampleInput(name)) as Record<string, any>;
  patch(env);
  return env;
}

/** The example file's text with `from` replaced by `to` (keeps comments and layout, so lines are predictable). */
export function edited(name: string, from: string | RegExp, to: string): string {
  const text = fs.readFileSync(path.join(ENV_DIR, `${name}.yaml`), "utf8");
  const out = text.replace(from, to);
  if (out === text) throw new Error(`${name}.yaml does not contain ${String(from)}`);
  return out;
}

/** The 1-based line of the first occurrence of `needle` in `text`. */
export function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not found: ${needle}`);
  return text.slice(0, i).split("\n").length;
}
