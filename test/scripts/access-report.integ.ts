/** `npm run access-report` as a process: arguments, the Markdown file it writes, the exit code of a bad environment. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

describe("access report CLI", () => {
  test("CLI: `npm run access-report -- dev --markdown <file>` prints the table and writes the file; an unknown environment fails", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-ar-")), "access.md");
    const ok = spawnSync(
      process.execPath,
      ["-r", "./tools/swc-register.js", "ops/access-report.ts", "dev", "--markdown", file],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^dev:\ngroup +principal/);
    expect(ok.stdout).not.toMatch(/^prod:/m);
    expect(fs.readFileSync(file, "utf8")).toMatch(/### Session access: dev/);
    const bad = spawnSync(process.execPath, ["-r", "./tools/swc-register.js", "ops/access-report.ts", "qa"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/unknown environment "qa"; allowed: dev, prod, staging/);
  });

  test.each([
    [["--bogus"], /access-report: Unknown option '--bogus'; allowed: --markdown <file>/],
    [["dev", "--markdown"], /access-report: Option '--markdown <value>' argument missing; allowed: --markdown <file>/],
  ])("CLI: %j is refused with exit 2, naming the option and what is allowed, writing nothing", (args, message) => {
    const r = spawnSync(process.execPath, ["-r", "./tools/swc-register.js", "ops/access-report.ts", ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
