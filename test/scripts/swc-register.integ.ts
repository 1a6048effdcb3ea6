import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const HOOK = path.join(__dirname, "..", "..", "tools", "swc-register.js");

function run(file: string): string {
  const r = spawnSync(process.execPath, ["-r", HOOK, file], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return r.stdout.trim();
}

describe("the .ts require hook of the development tools (npm run validate, docs, schema, bench)", () => {
  test("never runs stale code: an edit is picked up even with an unchanged size and modification time", () => {
    // GIVEN a TypeScript file that has been run once (so its transpiled form is cached)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-hook-"));
    const file = path.join(dir, "app.ts");
    fs.writeFileSync(file, 'const answer: string = "one";\nconsole.log(answer);\n');
    const stamp = new Date("2026-01-01T00:00:00Z");
    fs.utimesSync(file, stamp, stamp);
    expect(run(file)).toBe("one");
    // WHEN it is edited to text of the same length and given back the same mtime
    fs.writeFileSync(file, 'const answer: string = "two";\nconsole.log(answer);\n');
    fs.utimesSync(file, stamp, stamp);
    // THEN the new code runs
    expect(run(file)).toBe("two");
  });

  test("type annotations are stripped and errors point at TypeScript lines", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-hook-"));
    const file = path.join(dir, "boom.ts");
    fs.writeFileSync(
      file,
      "interface Shape {\n  readonly sides: number;\n}\nconst s: Shape = { sides: 3 };\nthrow new Error(`sides ${s.sides}`);\n",
    );
    const r = spawnSync(process.execPath, ["-r", HOOK, file], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("sides 3");
    expect(r.stderr).toContain(`${file}:5`);
  });
});
