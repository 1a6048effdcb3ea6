/**
 * The app end to end with bad input: exit code 1, every problem naming its file (and line where the input is YAML),
 * no stack trace, and the previous cdktf.out byte-identical with nothing left beside it.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { RESERVED_STACK_NAMES } from "../loader/reserved";
import { TerraformStack, type Construct } from "../modules/core/cdktf";
import { runStackSynth, runSynth } from "../synth/synth";
import { envDir, tempDir, variant } from "./helpers/env-dir";
import { runMain, treeDigest } from "./helpers/run-main";

const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe("main (npm run synth) with bad input", () => {
  const work = tempDir("bl-badmain-");
  const outdir = path.join(work, "cdktf.out");
  let before: Record<string, string>;
  let good: ReturnType<typeof runMain>;

  beforeAll(() => {
    // GIVEN a previous synth with editor leftovers in the config directory (ignored)
    const dir = envDir({ "dev.yaml~": "broken: [", "#dev.yaml#": "broken: [" });
    fs.symlinkSync("user@host.4242:1700000000", path.join(dir, ".#dev.yaml"));
    good = runMain({ CDKTF_OUTDIR: outdir, BASTIONLESS_CONFIG_DIR: dir });
    before = treeDigest(outdir);
  });

  test("GIVEN editor lock files and backups WHEN synthesizing THEN they are ignored", () => {
    expect(good.stderr).toBe("");
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^dev: \d+ resources/m);
  });

  test("every stack that is not an environment has a reserved name (add new stacks to loader/reserved.ts)", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: object };
    const others = Object.keys(manifest.stacks).filter((s) => !["dev", "staging", "prod"].includes(s));
    expect(others.length).toBeGreaterThan(0);
    for (const s of others) expect(Object.keys(RESERVED_STACK_NAMES)).toContain(s);
  });

  test("WHEN many files are broken in many ways THEN each is named, with no stack trace, and cdktf.out is untouched", () => {
    // GIVEN
    const bomb =
      "a: &a [x, x, x, x, x, x, x, x, x]\n" +
      Array.from({ length: 9 }, (_, i) => {
        const [me, prev] = [String.fromCharCode(98 + i), String.fromCharCode(97 + i)];
        return `${me}: &${me} [${Array(9).fill(`*${prev}`).join(", ")}]\n`;
      }).join("");
    const dir = envDir({
      "bootstrap.yaml": variant("dev", (e) => {
        e.name = "bootstrap";
        e.account = "444444444444";
        e.state.bucket = "bastionless-tfstate-222222222222"; // staging's state bucket, another account
        e.vpcs[0].cidr = "10.99.0.0/16";
        e.vpcs[0].privateSubnets = [{ cidr: "10.99.0.0/20", availabilityZone: "eu-west-1a" }];
      }),
      "tagged.yaml": variant("dev", (e) => {
        e.name = "tagged";
        e.tags = { Environment: "production" };
      }),
      "bomb.yaml": bomb,
      "latin.yaml": Buffer.from("name: d\xe9v\n", "latin1"),
      "multi.yaml": "name: a\n---\nname: b\n",
      "zero.yaml": stringify(variant("dev", (e) => (e.name = "zero"))).replace(
        /account: "?111111111111"?/,
        "account: 012345678901",
      ),
    });
    fs.mkdirSync(path.join(dir, "archive.yaml"));
    fs.symlinkSync("/nonexistent", path.join(dir, "gone.yaml"));
    // WHEN
    const r = runMain({ CDKTF_OUTDIR: outdir, BASTIONLESS_CONFIG_DIR: dir });
    // THEN
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(STACK_TRACE);
    for (const expected of [
      /archive\.yaml: is a directory, not a YAML file/,
      /bomb\.yaml: its aliases \(\*name\) expand to too much data/,
      /bootstrap\.yaml: name: "bootstrap" is reserved: .* \(line \d+, column \d+\)/,
      /tagged\.yaml: tags\.Environment: "Environment" is a reserved tag key.* \(line \d+, column \d+\)/,
      /staging\.yaml: state\.bucket: state bucket "bastionless-tfstate-222222222222" is also named by .*bootstrap\.yaml \(state\.bucket, line \d+, column \d+\) in another account \(222222222222 here, 444444444444 there\)/,
      /gone\.yaml: is a symbolic link to \/nonexistent, which does not exist/,
      /latin\.yaml: is not valid UTF-8 text/,
      /multi\.yaml: holds 2 YAML documents/,
      /zero\.yaml: account: expected string, got number 12345678901 \(written 012345678901; .*quote it in YAML: "012345678901" \(line \d+, column \d+\)/,
    ])
      expect(r.stderr).toMatch(expected);
    expect(treeDigest(outdir)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(["cdktf.out"]);
  });

  test("WHEN BASTIONLESS_CONFIG_DIR names a missing directory THEN the variable is named, without a stack trace", () => {
    const missing = path.join(work, "nope");
    const r = runMain({ CDKTF_OUTDIR: outdir, BASTIONLESS_CONFIG_DIR: missing });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`BASTIONLESS_CONFIG_DIR=${missing}: environment directory does not exist`);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(treeDigest(outdir)).toEqual(before);
  });
});

/**
 * Runs an in-process synth into `work`/cdktf.out and returns what it printed with console.error and the exit code
 * it set; the process's CDKTF_OUTDIR and exit code are restored afterwards.
 */
async function synthCapturingErrors(work: string, synth: () => void | Promise<void>) {
  const errors: string[] = [];
  const spy = jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => void errors.push(args.join(" ")));
  const saved = { outdir: process.env.CDKTF_OUTDIR, code: process.exitCode };
  process.env.CDKTF_OUTDIR = path.join(work, "cdktf.out");
  try {
    await synth();
    return { errors, exitCode: process.exitCode };
  } finally {
    spy.mockRestore();
    process.env.CDKTF_OUTDIR = saved.outdir;
    if (saved.outdir === undefined) delete process.env.CDKTF_OUTDIR;
    process.exitCode = saved.code;
  }
}

describe("runSynth's last line of defence", () => {
  test("GIVEN a build that throws an unexpected error WHEN synthesizing THEN one line is printed, no stack trace, nothing written", async () => {
    const work = tempDir("bl-guard-");
    const r = await synthCapturingErrors(work, () =>
      runSynth(
        () => [],
        () => {
          throw new TypeError("Cannot read properties of undefined (reading 'x')\n    at somewhere (file.ts:1:2)");
        },
      ),
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([
      "synth failed; nothing was written: TypeError: Cannot read properties of undefined (reading 'x') (set BASTIONLESS_DEBUG=1 for details)",
    ]);
    expect(fs.readdirSync(work)).toEqual([]);
  });
});

describe("runStackSynth: an exception while building one environment's stack names its file", () => {
  test("GIVEN two environments whose stacks throw WHEN synthesized THEN one SynthError lists both files, one line each", async () => {
    const work = tempDir("bl-build-");
    const built: string[] = [];
    const r = await synthCapturingErrors(work, () =>
      runStackSynth(
        () => ({ environments: [] }),
        () =>
          ["a", "b", "c"].map((name) => ({
            name,
            file: `config/environments/${name}.yaml`,
            create: (app: Construct) => {
              if (name !== "b") throw new RangeError(`name too long\n    at Stack (x.ts:1:1)`);
              new TerraformStack(app, name);
              built.push(name);
            },
          })),
      ),
    );
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([
      "synth failed (2 errors); nothing was written:\n  config/environments/a.yaml: RangeError: name too long\n  config/environments/c.yaml: RangeError: name too long",
    ]);
    expect(built).toEqual(["b"]);
    expect(fs.readdirSync(work)).toEqual([]);
  });
});
