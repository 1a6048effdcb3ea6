/**
 * How every ops program (ops/*.ts) starts and ends, in one place: its inputs from the process environment (the
 * config directory, the clock) and one exit path. Bad configuration or an unreadable synth output prints the
 * problem and exits 1; a usage error exits 2; anything else is one line naming the program, with the stack only
 * under BASTIONLESS_DEBUG=1 (as the synth does), never a stack trace by default.
 */
import * as path from "path";
import { clockFrom } from "../../loader/expiry";
import { ConfigError, loadEnvironments, type LoadedEnvironment } from "../../loader/load";
import { UsageError } from "./args";
import { SynthOutputError } from "./synthesized-stack";

type ProcessEnv = Readonly<Record<string, string | undefined>>;

/** The environments' directory: $BASTIONLESS_CONFIG_DIR, else the project's config/environments. */
export function configDirOf(env: ProcessEnv = process.env): string {
  return env.BASTIONLESS_CONFIG_DIR ?? path.join(__dirname, "..", "..", "config", "environments");
}

/** The clock ($BASTIONLESS_NOW when set, an ISO-8601 UTC instant); throws ConfigError for another value. */
export function clockOf(env: ProcessEnv = process.env): Date {
  return clockFrom(env.BASTIONLESS_NOW);
}

/** The clock and the loaded environments of the config directory; throws ConfigError (runOps prints it). */
export function opsInputs(env: ProcessEnv = process.env): {
  now: Date;
  configDir: string;
  environments: LoadedEnvironment[];
} {
  const now = clockOf(env);
  const configDir = configDirOf(env);
  return { now, configDir, environments: loadEnvironments(configDir) };
}

export interface RunIo {
  readonly argv: string[];
  readonly env: ProcessEnv;
  readonly err: (line: string) => void;
}

/** An error as one line: `TypeError: …` (its first line only). */
const oneLine = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split("\n")[0];

/**
 * Runs `main` with the program's arguments and returns the exit code (also set as `process.exitCode`): main's own,
 * or 1 for a ConfigError or SynthOutputError (its message as it is), 2 for a UsageError, 1 with one line for
 * anything else.
 */
export async function runOps(
  name: string,
  main: (argv: string[]) => number | Promise<number>,
  io: RunIo = { argv: process.argv.slice(2), env: process.env, err: (line) => console.error(line) },
): Promise<number> {
  let code: number;
  try {
    code = await main(io.argv);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof SynthOutputError) {
      io.err(e.message);
      code = 1;
    } else if (e instanceof UsageError) {
      io.err(`${name}: ${e.message}`);
      code = 2;
    } else {
      const debug = Boolean(io.env.BASTIONLESS_DEBUG) && e instanceof Error;
      io.err(`${name}: unexpected error: ${oneLine(e)}${debug ? "" : " (set BASTIONLESS_DEBUG=1 for details)"}`);
      if (debug) io.err(String((e as Error).stack));
      code = 1;
    }
  }
  process.exitCode = code;
  return code;
}
