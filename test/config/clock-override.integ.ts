/** BASTIONLESS_NOW through `npm run synth`: a local-time value fails the run cleanly and writes nothing. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runMain, treeDigest } from "../helpers/run-main";

describe("GIVEN a local-time BASTIONLESS_NOW WHEN npm run synth runs", () => {
  test("THEN it exits non-zero with the variable's error, no stack trace, and writes nothing", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-clock-"));
    fs.writeFileSync(path.join(outdir, "previous.txt"), "kept");
    const before = treeDigest(outdir);
    const r = runMain({ CDKTF_OUTDIR: outdir, BASTIONLESS_NOW: "2026-12-31 18:00" });
    const after = treeDigest(outdir);
    fs.rmSync(outdir, { recursive: true, force: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/BASTIONLESS_NOW: "2026-12-31 18:00" is not an ISO-8601 UTC instant/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(after).toEqual(before);
  });
});
