/** Tests and scripts leave no temporary directories behind. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

describe("temporary directories", () => {
  test("GIVEN a jest run THEN every temp dir goes below one root that the run removes at the end", () => {
    const root = process.env.BASTIONLESS_TEST_TMP_ROOT;
    expect(root).toMatch(/bastionless-jest-/);
    expect(os.tmpdir()).toBe(root);
  });

  test("GIVEN the access report WHEN it runs THEN it removes the directory it synthesized into", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bl-artmp-"));
    const r = spawnSync(process.execPath, ["-r", "./tools/swc-register.js", "ops/access-report.ts", "dev"], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp },
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/dev/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
