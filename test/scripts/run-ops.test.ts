/** ops/lib/run.ts: the one exit path of the ops programs and their inputs from the process environment. */
import * as path from "path";
import { ConfigError } from "../../loader/load";
import { UsageError } from "../../ops/lib/args";
import { clockOf, configDirOf, opsInputs, runOps } from "../../ops/lib/run";
import { SynthOutputError } from "../../ops/lib/synthesized-stack";
import { ENV_DIR } from "../helpers/synth";

function run(main: (argv: string[]) => number | Promise<number>, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const saved = process.exitCode;
  const code = runOps("demo", main, { argv: ["--x"], env, err: (l) => lines.push(l) });
  return code.then((c) => {
    const exitCode = process.exitCode;
    process.exitCode = saved;
    return { code: c, exitCode, lines };
  });
}

describe("runOps", () => {
  test("GIVEN main returns a code THEN it is the exit code, with the program's arguments and nothing printed", async () => {
    const seen: string[][] = [];
    const r = await run(async (argv) => {
      seen.push(argv);
      return 3;
    });
    expect(r).toEqual({ code: 3, exitCode: 3, lines: [] });
    expect(seen).toEqual([["--x"]]);
  });

  test("GIVEN a ConfigError or an unreadable synth output THEN its message as it is, exit 1", async () => {
    const config = await run(() => {
      throw new ConfigError(["dev.yaml:3:5: account: bad"]);
    });
    expect(config).toEqual({
      code: 1,
      exitCode: 1,
      lines: ["invalid environment configuration (1 problem):\n  dev.yaml:3:5: account: bad"],
    });
    const synth = await run(() => {
      throw new SynthOutputError("cdktf.out: no manifest.json");
    });
    expect(synth.lines).toEqual(["cdktf.out: no manifest.json"]);
    expect(synth.code).toBe(1);
  });

  test("GIVEN a UsageError THEN the program's name and the message, exit 2", async () => {
    const r = await run(() => {
      throw new UsageError("Unknown option '--bogus'; allowed: --json <file>");
    });
    expect(r).toEqual({ code: 2, exitCode: 2, lines: ["demo: Unknown option '--bogus'; allowed: --json <file>"] });
  });

  test("GIVEN an unexpected error THEN one line without a stack, exit 1; BASTIONLESS_DEBUG=1 adds the stack", async () => {
    const boom = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')\nsecond line");
    };
    const quiet = await run(boom);
    expect(quiet.code).toBe(1);
    expect(quiet.lines).toEqual([
      "demo: unexpected error: TypeError: Cannot read properties of undefined (reading 'x') (set BASTIONLESS_DEBUG=1 for details)",
    ]);
    const debug = await run(boom, { BASTIONLESS_DEBUG: "1" });
    expect(debug.lines[0]).toBe("demo: unexpected error: TypeError: Cannot read properties of undefined (reading 'x')");
    expect(debug.lines[1]).toMatch(/\n\s+at /);
    const notAnError = await run(() => Promise.reject("a string"));
    expect(notAnError.lines).toEqual(["demo: unexpected error: a string (set BASTIONLESS_DEBUG=1 for details)"]);
  });
});

describe("ops inputs", () => {
  test("the config directory is $BASTIONLESS_CONFIG_DIR, else config/environments", () => {
    expect(configDirOf({ BASTIONLESS_CONFIG_DIR: "/tmp/envs" })).toBe("/tmp/envs");
    expect(configDirOf({})).toBe(path.join(__dirname, "..", "..", "config", "environments"));
  });

  test("the clock is $BASTIONLESS_NOW when set; a value not in UTC is a ConfigError", () => {
    expect(clockOf({ BASTIONLESS_NOW: "2026-12-31T18:00:00Z" }).toISOString()).toBe("2026-12-31T18:00:00.000Z");
    expect(() => clockOf({ BASTIONLESS_NOW: "2026-12-31T18:00:00+01:00" })).toThrow(ConfigError);
  });

  test("opsInputs loads the environments of the config directory", () => {
    const { now, configDir, environments } = opsInputs({
      BASTIONLESS_CONFIG_DIR: ENV_DIR,
      BASTIONLESS_NOW: "2026-01-01T00:00:00Z",
    });
    expect([now.toISOString(), configDir]).toEqual(["2026-01-01T00:00:00.000Z", ENV_DIR]);
    expect(environments.map((e) => e.config.name)).toEqual(["dev", "prod", "staging"]);
  });
});
