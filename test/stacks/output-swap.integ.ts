/** Concurrent synths into one cdktf.out, and the leftovers of interrupted ones. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { removeStaleStaging, stagingPath, swapIn } from "../../synth/output-swap";
import { tempDir } from "../helpers/env-dir";

const ROOT = path.join(__dirname, "..", "..");

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-r", "./tools/swc-register.js", "test/helpers/race-synth.ts", ...args], {
      cwd: ROOT,
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, stderr }));
  });
}

describe("GIVEN several synths writing one output directory at once", () => {
  test("WHEN four run concurrently, many rounds each THEN all succeed, the result is one complete output and nothing is left over", async () => {
    const work = tempDir("bl-race-");
    const outdir = path.join(work, "cdktf.out");
    const results = await Promise.all(["a", "b", "c", "d"].map((m) => run([outdir, "12", m])));
    for (const r of results) expect(r).toEqual({ code: 0, stderr: "" });
    expect(fs.readdirSync(work)).toEqual(["cdktf.out"]);
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "race", "cdk.tf.json"), "utf8")) as {
      output: { writer: { value: string } };
    };
    expect(tf.output.writer.value).toMatch(/^[abcd]-\d+$/);
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(true);
  }, 120000);
});

describe("swapIn", () => {
  test("GIVEN a peer that swapped its output in after we moved ours aside WHEN we swap THEN ours replaces it", () => {
    const work = tempDir("bl-swap-");
    const target = path.join(work, "cdktf.out");
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "who"), "peer");
    const staging = stagingPath(target);
    fs.mkdirSync(staging);
    fs.writeFileSync(path.join(staging, "who"), "me");
    swapIn(staging, target);
    expect(fs.readFileSync(path.join(target, "who"), "utf8")).toBe("me");
    expect(fs.readdirSync(work)).toEqual(["cdktf.out"]);
  });
});

describe("removeStaleStaging", () => {
  test("GIVEN staging dirs of a dead process, of the old naming and of a live one WHEN a synth starts THEN only the dead ones go", () => {
    const work = tempDir("bl-stale-");
    const target = path.join(work, "cdktf.out");
    const dead = 2 ** 22 + 12345; // above the default pid_max: no such process
    const leftovers = [`cdktf.out.tmp-${dead}-0a1b2c3d`, `cdktf.out.old-${dead}-99aa`, `cdktf.out.tmp-${dead}`];
    const live = `cdktf.out.tmp-${process.pid}-feedbeef`;
    const unrelated = ["cdktf.out.backup", "cdktf.outside", "cdktf.out"];
    for (const d of [...leftovers, live, ...unrelated]) fs.mkdirSync(path.join(work, d));
    const removed = removeStaleStaging(target);
    expect(removed.map((p) => path.basename(p)).sort()).toEqual([...leftovers].sort());
    expect(fs.readdirSync(work).sort()).toEqual([live, ...unrelated].sort());
  });
});
