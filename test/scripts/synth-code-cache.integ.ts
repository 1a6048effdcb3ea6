/**
 * The launcher's V8 code cache (synth/launcher.js): written after a successful synth, so the next one skips compiling
 * the functions it runs; never written by a failed run; a cache V8 cannot use is replaced, never trusted. Exercised
 * on a tiny project beside a copy of the launcher, as in synth-launcher.test.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { launcherCacheDir, launcherProject, removeLauncherProject } from "../helpers/launcher-project";

const ROOT = path.join(__dirname, "..", "..");

function project(): string {
  const dir = launcherProject("bl-code-cache-");
  fs.writeFileSync(
    path.join(dir, "main.ts"),
    'import * as fs from "fs";\nimport * as path from "path";\n' +
      'const name: string = fs.readFileSync(path.join(__dirname, "name.txt"), "utf8").trim();\n' +
      'if (name === "fail") { console.error("bad input"); process.exitCode = 1; }\n' +
      'else if (name === "throw") throw new Error("boom");\nelse console.log(`hello ${name}`);\n',
  );
  fs.writeFileSync(path.join(dir, "name.txt"), "world\n");
  return dir;
}

const codeCaches = (dir: string) => fs.readdirSync(launcherCacheDir(dir)).filter((f) => f.endsWith(".v8"));

function run(dir: string, nodeArgs: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeArgs, path.join(dir, "synth", "launcher.js")], {
    cwd: dir,
    env: { ...process.env, BASTIONLESS_SYNTH_DEBUG: "1" },
    encoding: "utf8",
  });
  return { code: r.status ?? 1, stdout: r.stdout.trim(), stderr: r.stderr };
}

describe("the synth launcher's code cache", () => {
  let dir: string;
  beforeEach(() => {
    dir = project();
  });
  afterEach(() => removeLauncherProject(dir));

  test("GIVEN a first successful synth THEN it writes the code cache AND the next synth uses it with the same output", () => {
    const first = run(dir);
    expect(first).toMatchObject({ code: 0, stdout: "hello world" });
    expect(first.stderr).toContain("no code cache yet");
    expect(first.stderr).toContain("code cache written");
    expect(codeCaches(dir)).toHaveLength(1);
    const second = run(dir);
    expect(second).toMatchObject({ code: 0, stdout: "hello world" });
    expect(second.stderr).toContain("code cache accepted");
    expect(second.stderr).not.toContain("code cache written");
  });

  test("GIVEN a synth that fails THEN no code cache is written (a partial run would make a partial cache)", () => {
    fs.writeFileSync(path.join(dir, "name.txt"), "fail\n");
    const r = run(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad input");
    expect(codeCaches(dir)).toEqual([]);
  });

  test("GIVEN a damaged code cache THEN V8 rejects it, the synth runs as usual AND a good cache replaces it", () => {
    expect(run(dir).code).toBe(0);
    const [file] = codeCaches(dir);
    fs.writeFileSync(path.join(launcherCacheDir(dir), file), Buffer.alloc(4096, 7));
    const r = run(dir);
    expect(r).toMatchObject({ code: 0, stdout: "hello world" });
    expect(r.stderr).toContain("code cache rejected");
    expect(r.stderr).toContain("code cache written");
    expect(run(dir).stderr).toContain("code cache accepted");
  });

  test("GIVEN other node flags THEN each flag set has its own cache (no rewrite when runs alternate)", () => {
    expect(run(dir).stderr).toContain("code cache written");
    expect(run(dir, ["--max-semi-space-size=4"]).stderr).toContain("code cache written");
    expect(codeCaches(dir)).toHaveLength(2);
    expect(run(dir).stderr).toContain("code cache accepted");
    expect(run(dir, ["--max-semi-space-size=4"]).stderr).toContain("code cache accepted");
  });

  test("GIVEN --enable-source-maps WHEN the app throws THEN the stack trace names the .ts line (no code cache used)", () => {
    fs.writeFileSync(path.join(dir, "name.txt"), "throw\n");
    const r = run(dir, ["--enable-source-maps"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("boom");
    expect(r.stderr).toMatch(/main\.ts:5/);
    expect(r.stderr).not.toContain("code cache");
  });
});

describe("the synth launcher's staleness check of packages", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-pkg-stale-"));
    fs.mkdirSync(path.join(dir, "synth"));
    fs.copyFileSync(path.join(ROOT, "synth", "launcher.js"), path.join(dir, "synth", "launcher.js"));
    // an own node_modules: the real esbuild, and a package this test may edit
    fs.mkdirSync(path.join(dir, "node_modules", "fakepkg"), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules", "esbuild"), path.join(dir, "node_modules", "esbuild"), "dir");
    fs.writeFileSync(path.join(dir, "node_modules", "fakepkg", "index.js"), 'exports.word = "one";\n');
    fs.writeFileSync(path.join(dir, "main.ts"), 'import { word } from "fakepkg";\nconsole.log(word);\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("GIVEN a bundled package file WHEN it changes THEN the bundle is rebuilt and runs the new code", () => {
    expect(run(dir)).toMatchObject({ code: 0, stdout: "one" });
    expect(run(dir).stderr).toContain("reusing");
    fs.writeFileSync(path.join(dir, "node_modules", "fakepkg", "index.js"), 'exports.word = "three";\n');
    const after = run(dir);
    expect(after).toMatchObject({ code: 0, stdout: "three" });
    expect(after.stderr).toContain(`rebuilding: node_modules${path.sep}fakepkg${path.sep}index.js changed`);
  });
});
