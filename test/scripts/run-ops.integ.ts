/**
 * The ops programs as processes: bad configuration is its problems and exit 1, an unexpected error one line naming
 * the program and exit 1, never a stack trace unless BASTIONLESS_DEBUG=1 asks for it (ops/lib/run.ts).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENV_DIR } from "../helpers/synth";

const ROOT = path.join(__dirname, "..", "..");
const STACK_LINE = /\n\s+at /;

function ops(program: string, args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !["BASTIONLESS_DEBUG", "BASTIONLESS_CONFIG_DIR", "BASTIONLESS_NOW"].includes(k),
    ),
  );
  return spawnSync(process.execPath, ["-r", "./tools/swc-register.js", `ops/${program}.ts`, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...base, ...env },
  });
}

describe("ops programs' exit path", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bl-run-ops-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("GIVEN an environment file with a bad field THEN access-review prints the file and field, exit 1, no stack, writes nothing", () => {
    const dir = path.join(tmp, "bad-config");
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, "dev.yaml"),
      fs.readFileSync(path.join(ENV_DIR, "dev.yaml"), "utf8").replace(/^account: .*$/m, 'account: "12345"'),
    );
    const out = path.join(tmp, "reviews");
    const r = ops("access-review", ["--out", out], { BASTIONLESS_CONFIG_DIR: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^invalid environment configuration \(1 problem\):\n {2}\S*dev\.yaml: account: "12345" is not an AWS account id.*\(line \d+, column \d+\)\n$/,
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("GIVEN a clock not in UTC THEN access-expiry names BASTIONLESS_NOW, exit 1, no stack", () => {
    const r = ops("access-expiry", [], { BASTIONLESS_NOW: "2026-12-31T18:00:00+01:00" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/BASTIONLESS_NOW: "2026-12-31T18:00:00\+01:00" is not in UTC/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  test("GIVEN an unexpected failure (the output folder is a file) THEN one line naming the program, exit 1; BASTIONLESS_DEBUG=1 adds the stack", () => {
    const file = path.join(tmp, "a-file");
    fs.writeFileSync(file, "");
    const quiet = ops("access-review", ["--out", file]);
    expect(quiet.status).toBe(1);
    expect(quiet.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(
        /^access-review: unexpected error: Error: EEXIST: .* \(set BASTIONLESS_DEBUG=1 for details\)$/,
      ),
    ]);
    const debug = ops("access-review", ["--out", file], { BASTIONLESS_DEBUG: "1" });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/^access-review: unexpected error: Error: EEXIST/);
    expect(debug.stderr).toMatch(STACK_LINE);
  });
});
