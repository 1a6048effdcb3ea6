/**
 * The main job on several threads (synth/synth-threads.ts): a large app's stacks are synthesized by the main thread
 * and worker threads together. Whichever thread synthesizes which stack, the output and the summary must be exactly
 * those of one thread, and a failure on any thread must fail the whole synth, write nothing and print no stack trace.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { MIN_STACKS_PER_THREAD } from "../../synth/synth-threads";
import { tempDir } from "../helpers/env-dir";
import { launcherProject, removeLauncherProject } from "../helpers/launcher-project";
import { writeGeneratedEnvironments } from "../helpers/examples";
import { runMain, treeDigest } from "../helpers/run-main";

const ROOT = path.join(__dirname, "..", "..");
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
const SPLIT = /synth: (\d+) stacks on (\d+) threads?: (\d+) on the main thread, (\d+) on workers/;

describe("GIVEN an app with enough stacks for two threads", () => {
  const work = tempDir("bl-threads-");
  const environments = writeGeneratedEnvironments(tempDir("bl-threads-env-"), 2 * MIN_STACKS_PER_THREAD + 4);
  const synth = (threads: number, outdir: string) =>
    runMain({
      BASTIONLESS_CONFIG_DIR: environments,
      CDKTF_OUTDIR: path.join(work, outdir),
      BASTIONLESS_SYNTH_THREADS: String(threads),
      BASTIONLESS_SYNTH_DEBUG: "1",
    });
  let one: ReturnType<typeof runMain>;
  let two: ReturnType<typeof runMain>;
  beforeAll(() => {
    one = synth(1, "one");
    two = synth(2, "two");
  });

  test("WHEN synthesized on two threads THEN the worker thread took stacks", () => {
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(SPLIT.exec(one.stderr)?.slice(2)).toEqual(["1", expect.any(String), "0"]);
    const [, stacks, threads, main, workers] = SPLIT.exec(two.stderr)!.map(Number);
    expect(threads).toBe(2);
    expect(main + workers).toBe(stacks);
    expect(workers).toBeGreaterThan(0);
    expect(main).toBeGreaterThan(0);
  });

  test("THEN every file of cdktf.out, the manifest included, is byte for byte the one-thread output", () => {
    const a = treeDigest(path.join(work, "one"));
    expect(Object.keys(a)).toContain("manifest.json");
    expect(Object.keys(a).length).toBeGreaterThan(2 * MIN_STACKS_PER_THREAD);
    expect(treeDigest(path.join(work, "two"))).toEqual(a);
  });

  test("THEN the summary is the same, line for line and in the same order, and nothing is left beside cdktf.out", () => {
    const lines = (out: string, dir: string) => out.split(`${dir}${path.sep}stacks`).join("<out>/stacks");
    expect(lines(two.stdout, "two")).toBe(lines(one.stdout, "one"));
    expect(fs.readdirSync(work).sort()).toEqual(["one", "two"]);
  });
});

/**
 * A tiny app beside a copy of the launcher, planning `count` stacks through runStackSynth; FIXTURE_MODE makes some
 * fail. Each stack takes a while to build, so that the worker thread starts before the main thread is done.
 */
function fixture(): string {
  const dir = launcherProject("bl-threads-app-");
  const from = (p: string) => JSON.stringify(path.join(ROOT, p));
  fs.writeFileSync(
    path.join(dir, "main.ts"),
    `import { isMainThread } from "worker_threads";
import { Fn, TerraformOutput, TerraformStack, type Construct } from ${from("modules/core/cdktf")};
import { runStackSynth } from ${from("synth/synth")};
import { ConfigError } from ${from("loader/load")};
const mode = process.env.FIXTURE_MODE ?? "ok";
const busy = (ms: number) => { const end = Date.now() + ms; while (Date.now() < end); };
void runStackSynth(
  () => ({ environments: [], count: ${2 * MIN_STACKS_PER_THREAD + 6} }),
  ({ count }) =>
    Array.from({ length: count }, (_, i) => ({
      name: "s" + String(i).padStart(2, "0"),
      file: "config/s" + i + ".yaml",
      create: (app: Construct) => {
        // long enough for the worker thread to start and take stacks, also on a busy machine
        busy(50);
        if (mode === "fail" && i % 3 === 0) throw new Error("stack " + i + " cannot be built");
        if (mode === "die" && !isMainThread) process.exit(3);
        if (mode === "config" && !isMainThread) throw new ConfigError(["config/s" + i + ".yaml: ami: not allowed here"]);
        const stack = new TerraformStack(app, "s" + String(i).padStart(2, "0"));
        stack.addOverride("locals.index", i);
        // issensitive needs Terraform 1.8; cdktn's default targets start at 1.5.7
        if (mode === "fn" && i === 5) new TerraformOutput(stack, "o", { value: Fn.issensitive("x") });
        if (mode === "two" && i === 7) new TerraformStack(app, "extra");
      },
    })),
);
`,
  );
  return dir;
}

describe("GIVEN a large app whose stacks fail on both threads", () => {
  const dir = fixture();
  afterAll(() => removeLauncherProject(dir));
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, [path.join(dir, "synth", "launcher.js")], {
      cwd: dir,
      env: { ...process.env, BASTIONLESS_SYNTH_DEBUG: "1", ...env },
      encoding: "utf8",
    });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  };
  let good: ReturnType<typeof run>;
  let before: Record<string, string>;
  beforeAll(() => {
    good = run({ BASTIONLESS_SYNTH_THREADS: "2" });
    before = treeDigest(path.join(dir, "cdktf.out"));
  });

  test("WHEN it succeeds THEN both threads took stacks", () => {
    expect(good.code).toBe(0);
    const [, , threads, main, workers] = SPLIT.exec(good.stderr)!.map(Number);
    expect([threads, main > 0, workers > 0]).toEqual([2, true, true]);
  });

  test("WHEN stacks fail to build on either thread THEN one error lists every failing file in order, as on one thread", () => {
    const failed = run({ BASTIONLESS_SYNTH_THREADS: "2", FIXTURE_MODE: "fail" });
    const single = run({ BASTIONLESS_SYNTH_THREADS: "1", FIXTURE_MODE: "fail" });
    expect(failed.code).toBe(1);
    expect(Number(SPLIT.exec(failed.stderr)![4])).toBeGreaterThan(0); // the worker built stacks too
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/synth failed \(\d+ errors\); nothing was written:/);
    const listed = [...failed.stderr.matchAll(/config\/s(\d+)\.yaml: stack (\d+) cannot be built/g)];
    expect(listed.map((m) => Number(m[1]))).toEqual(
      Array.from({ length: 2 * MIN_STACKS_PER_THREAD + 6 }, (_, i) => i).filter((i) => i % 3 === 0),
    );
    const errorsOf = (r: { stderr: string }) =>
      r.stderr.split("\n").filter((l) => !l.startsWith("synth") && !l.startsWith("launcher.js:"));
    expect(errorsOf(failed)).toEqual(errorsOf(single));
    expect(failed.stderr).not.toMatch(STACK_TRACE);
    expect(treeDigest(path.join(dir, "cdktf.out"))).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("cdktf.out."))).toEqual([]);
  });

  test("WHEN a worker thread dies THEN the synth fails in one line and writes nothing", () => {
    const died = run({ BASTIONLESS_SYNTH_THREADS: "2", FIXTURE_MODE: "die" });
    expect(died.code).toBe(1);
    expect(died.stderr).toContain(
      "synth failed; nothing was written: a synth worker thread stopped (exit code 3) before reporting",
    );
    expect(died.stderr).not.toMatch(STACK_TRACE);
    expect(treeDigest(path.join(dir, "cdktf.out"))).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("cdktf.out."))).toEqual([]);
  });

  test("WHEN a worker thread meets a configuration error THEN it is reported in full, as the main thread reports one", () => {
    const r = run({ BASTIONLESS_SYNTH_THREADS: "2", FIXTURE_MODE: "config" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^invalid environment configuration \(1 problem\):\n {2}config\/s\d+\.yaml: ami: not allowed here$/m,
    );
    expect(r.stderr).not.toContain("synth failed");
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(treeDigest(path.join(dir, "cdktf.out"))).toEqual(before);
  });

  test("WHEN a stack uses a Terraform function its targeted versions lack THEN cdktn's validation still fails the synth", () => {
    // (the per-stack synth skips cdktn's discovery pass and validates after the writing pass instead)
    const r = run({ BASTIONLESS_SYNTH_THREADS: "1", FIXTURE_MODE: "fn" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("synth failed (2 errors); nothing was written:"); // terraform and opentofu
    expect(r.stderr).toMatch(/s05: \[s05\] .*Terraform function "issensitive"/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(treeDigest(path.join(dir, "cdktf.out"))).toEqual(before);
  });

  test("WHEN a stack definition creates a second stack THEN the synth fails naming the definition", () => {
    const r = run({ BASTIONLESS_SYNTH_THREADS: "1", FIXTURE_MODE: "two" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the definition of the s07 stack must create exactly that stack");
    expect(treeDigest(path.join(dir, "cdktf.out"))).toEqual(before);
  });

  test.each(["0", "two", "-1", "1.5", ""])(
    "WHEN BASTIONLESS_SYNTH_THREADS is %j THEN it is rejected by name, value and what is allowed",
    (value) => {
      const r = run({ BASTIONLESS_SYNTH_THREADS: value });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `BASTIONLESS_SYNTH_THREADS: ${JSON.stringify(value)} is not allowed; expected a whole number ≥ 1`,
      );
      expect(treeDigest(path.join(dir, "cdktf.out"))).toEqual(before);
    },
  );
});
