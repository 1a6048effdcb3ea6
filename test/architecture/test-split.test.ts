/**
 * The unit suite (`npm test`, `*.test.ts`) stays in-process; everything that starts the project's programs or a heavy
 * tool as a child process lives in `*.integ.ts` (`npm run test:integration`, jest.config.js). A unit test may start
 * only the listed POSIX utilities, in milliseconds: to build a fixture (a FIFO) or list an archive (tar -t).
 */
import * as fs from "fs";
import * as path from "path";

const TEST = path.join(__dirname, "..");
const FIXTURE_UTILITIES = new Set(["mkfifo", "tar"]);
const SELF = path.relative(TEST, __filename);

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [path.relative(TEST, p)];
  });
}

/** The programs a file starts through child_process: the first argument of each call ("node" for process.execPath). */
function startedPrograms(source: string): string[] {
  const imported = [...source.matchAll(/import \{([^}]*)\} from "(?:node:)?child_process"/g)].flatMap((m) =>
    m[1].split(",").map((n) =>
      n
        .trim()
        .split(/\s+as\s+/)
        .pop()!,
    ),
  );
  if (/require\("(?:node:)?child_process"\)|import \* as \w+ from "(?:node:)?child_process"/.test(source)) {
    imported.push("spawnSync", "spawn", "execFileSync", "execFile", "execSync", "exec", "fork");
  }
  const names = imported.filter(Boolean).join("|");
  if (!names) return [];
  const calls = source.matchAll(new RegExp(`(?<![\\w.])(?:${names})\\(\\s*([^,)]+)`, "g"));
  return [...calls].map((m) =>
    m[1].trim() === "process.execPath" ? "node" : m[1].trim().replace(/^["'`]|["'`]$/g, ""),
  );
}

function processUse(source: string): string[] {
  const found = startedPrograms(source).filter((p) => !FIXTURE_UTILITIES.has(p));
  if (/\brunMain\(/.test(source)) found.push("the synth CLI (runMain)");
  if (/\bnew ESLint\(/.test(source)) found.push("ESLint");
  // tools/terraform.ts's terraform(args, cwd) spawns the terraform CLI (imported, or imported dynamically)
  if (
    /(?:import \{[^}]*\bterraform\b[^}]*\} from |import\()"[./]*tools\/terraform"/.test(source) &&
    /\bterraform\(\[/.test(source)
  )
    found.push("terraform (tools/terraform.ts)");
  return found;
}

const all = files(TEST);
const unit = all.filter((f) => f.endsWith(".test.ts") && f !== SELF);
const integ = all.filter((f) => f.endsWith(".integ.ts"));

describe("unit vs integration split", () => {
  test("GIVEN every *.test.ts THEN none starts a process other than a fixture utility", () => {
    const offenders = unit
      .map((f) => [f, processUse(fs.readFileSync(path.join(TEST, f), "utf8"))] as const)
      .filter(([, used]) => used.length > 0);
    expect(offenders).toEqual([]);
    expect(unit.length).toBeGreaterThan(40);
  });

  test("GIVEN the integration files THEN each one really starts a process (else it belongs in the unit suite)", () => {
    const idle = integ.filter((f) => processUse(fs.readFileSync(path.join(TEST, f), "utf8")).length === 0);
    // consumer-project.ts starts npm/tsc/node for test/consumer/npm-consumer.integ.ts.
    expect(idle).toEqual(["consumer/npm-consumer.integ.ts"]);
    expect(integ).toEqual(expect.arrayContaining(["main.integ.ts", "scripts/publish-git.integ.ts"]));
  });

  test("GIVEN the detector THEN it names node, git and bash and lets mkfifo pass", () => {
    const source =
      'import { spawn, execFileSync, spawnSync } from "child_process";\nspawnSync(process.execPath, ["x"]);';
    expect(startedPrograms(`${source} execFileSync("git", []); /x/.exec("y"); spawn("bash", [])`)).toEqual([
      "node",
      "git",
      "bash",
    ]);
    expect(processUse('import { execFileSync } from "child_process";\nexecFileSync("mkfifo", [p])')).toEqual([]);
    expect(processUse('execFileSync("git", [])')).toEqual([]); // not child_process's: nothing is started
    expect(processUse("const r = runMain({})")).toEqual(["the synth CLI (runMain)"]);
  });

  test("GIVEN test/ THEN every .ts file is a unit test, an integration test, or support code the tests import", () => {
    const support = all.filter((f) => f.endsWith(".ts") && f !== SELF && !unit.includes(f) && !integ.includes(f));
    const stray = support.filter((f) => !/^(helpers|fixtures)\//.test(f) && f !== "consumer/consumer-project.ts");
    expect(stray).toEqual([]);
  });
});

describe("CI runs both targets", () => {
  const read = (f: string) => fs.readFileSync(path.join(TEST, "..", f), "utf8");
  const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;

  test("GIVEN package.json THEN npm test is the unit project and test:integration the integration project", () => {
    expect(scripts.test).toBe("jest --selectProjects unit");
    expect(scripts["test:integration"]).toBe("jest --selectProjects integration");
  });

  test.each([".ci/run", ".github/workflows/pull-request.yml", ".github/workflows/release.yml"])(
    "GIVEN %s THEN it runs npm test, then npm run test:integration, then npm run validate",
    (file) => {
      const text = read(file);
      const at = (cmd: RegExp) => text.search(cmd);
      expect(at(/^\s*(- run: )?npm test$/m)).toBeGreaterThan(0);
      expect(at(/npm run (--silent )?test:integration$/m)).toBeGreaterThan(at(/^\s*(- run: )?npm test$/m));
      expect(at(/npm run --silent validate$/m)).toBeGreaterThan(at(/npm run (--silent )?test:integration$/m));
    },
  );
});
