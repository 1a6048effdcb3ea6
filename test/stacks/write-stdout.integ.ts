/**
 * The main job prints its summary with writeStdout (straight to file descriptor 1, without creating process.stdout):
 * nothing may be lost or reordered, whatever reads the output and however slowly.
 */
import { spawn, spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const HOOK = path.join(ROOT, "tools", "swc-register.js");
const LINES = 40_000; // about 1.3 MB: far more than a pipe holds, so the writer must wait for the reader
const SCRIPT = `
const { writeStdout } = require(${JSON.stringify(path.join(ROOT, "synth", "synth.ts"))});
writeStdout(Array.from({ length: ${LINES} }, (_, i) => "line " + i + " of the summary\\n").join(""));
console.log("printed after it");
`;
const expected = [...Array.from({ length: LINES }, (_, i) => `line ${i} of the summary`), "printed after it", ""].join(
  "\n",
);

describe("writeStdout (the main job's summary)", () => {
  test("GIVEN a pipe read at once THEN every line arrives, in order, before what is printed after it", () => {
    const r = spawnSync(process.execPath, ["-r", HOOK, "-e", SCRIPT], { encoding: "utf8", maxBuffer: 1 << 24 });
    expect(r.stderr).toBe("");
    expect(r.stdout === expected).toBe(true); // (not toBe: a failure would print 1.3 MB)
  });

  test("GIVEN a reader that pauses THEN the writer waits for it: nothing is lost or reordered", async () => {
    const child = spawn(process.execPath, ["-r", HOOK, "-e", SCRIPT], { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += String(d)));
    child.stdout.pause(); // the pipe fills up while the child writes
    const code = await new Promise<number | null>((resolve) => {
      setTimeout(() => {
        child.stdout.on("data", (d: Buffer) => chunks.push(d));
        child.stdout.resume();
      }, 1500);
      child.on("close", resolve);
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(Buffer.concat(chunks).toString("utf8") === expected).toBe(true);
  });
});
