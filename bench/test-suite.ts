/**
 * `npm run bench:test`: the README's `npm test` (the unit project) against its 30 s goal (issue 12) and against the
 * floor of any jest run on this machine, in one run.
 *
 * The floor is jest itself running one empty test file with the project's jest settings (workers, transform, setup
 * files): no suite can finish faster than jest starting up. Each round runs the floor, then `npm test`, so load on a
 * shared machine hits both alike; the medians of ROUNDS rounds are reported (wall, and CPU time of jest and its
 * workers from getrusage of the children), with the load average before the run, since the figure means little on a
 * busy machine. Not a timed test: it prints ratios and fails only when a run fails.
 * BENCH_ROUNDS=n changes the number of rounds (default 1: one `npm test` takes tens of seconds).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const GOAL_SECONDS = 30;
const JEST = path.join(ROOT, "node_modules", "jest", "bin", "jest.js");

interface Sample {
  readonly wall: number;
  readonly cpu: number;
  readonly tests: number;
  readonly files: number;
}

/**
 * CPU seconds (user + system) of the finished children of this process and their own waited-for children (jest's
 * workers): cutime + cstime of /proc/self/stat (Linux; clock ticks of 1/100 s). NaN elsewhere.
 */
function childrenCpu(): number {
  if (!fs.existsSync("/proc/self/stat")) return NaN;
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of proc(5)
}

function run(args: string[], cwd = ROOT): Sample {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-bench-test-")), "result.json");
  const cpu0 = childrenCpu();
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [JEST, ...args, "--silent", "--json", `--outputFile=${out}`], {
    cwd,
    encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`jest ${args.join(" ")} failed:\n${r.stderr.slice(-4000)}`);
  const result = JSON.parse(fs.readFileSync(out, "utf8")) as { numTotalTests: number; numTotalTestSuites: number };
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return { wall, cpu: childrenCpu() - cpu0, tests: result.numTotalTests, files: result.numTotalTestSuites };
}

/** A project with one empty test and the repository's jest settings (rootDir moved, nothing else). */
function floorProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-bench-floor-"));
  fs.mkdirSync(path.join(dir, "test"));
  fs.writeFileSync(path.join(dir, "test", "floor.test.ts"), 'test("nothing", () => expect(1).toBe(1));\n');
  fs.writeFileSync(
    path.join(dir, "jest.config.js"),
    `const base = require(${JSON.stringify(path.join(ROOT, "jest.config.js"))});\n` +
      `const unit = base.projects.find((p) => p.displayName === "unit");\n` +
      `module.exports = { ...base, rootDir: ${JSON.stringify(ROOT)}, projects: [{ ...unit, rootDir: ${JSON.stringify(
        ROOT,
      )}, roots: [${JSON.stringify(path.join(dir, "test"))}] }] };\n`,
  );
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const load = os.loadavg().map((l) => l.toFixed(2));
  const floorDir = floorProject();
  const floors: Sample[] = [];
  const suites: Sample[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      floors.push(run(["-c", path.join(floorDir, "jest.config.js")]));
      suites.push(run(["--selectProjects", "unit"]));
    }
  } finally {
    fs.rmSync(floorDir, { recursive: true, force: true });
  }
  const floor = { wall: median(floors.map((s) => s.wall)), cpu: median(floors.map((s) => s.cpu)) };
  const suite = { wall: median(suites.map((s) => s.wall)), cpu: median(suites.map((s) => s.cpu)) };
  const { tests, files } = suites[0];
  console.log(
    `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}, ` +
      `load average ${load.join(" ")} (1/5/15 min) before the run; median of ${ROUNDS} round(s)`,
  );
  console.log(`floor (jest running one empty test): ${floor.wall.toFixed(1)} s wall, ${floor.cpu.toFixed(1)} s CPU`);
  console.log(
    `npm test (unit project, ${tests} tests in ${files} files): ${suite.wall.toFixed(1)} s wall, ` +
      `${suite.cpu.toFixed(1)} s CPU = ${(suite.wall / floor.wall).toFixed(1)}x the floor, ` +
      `${((suite.wall / GOAL_SECONDS) * 100).toFixed(0)}% of the ${GOAL_SECONDS} s goal ` +
      `(${suite.wall <= GOAL_SECONDS ? "met" : "NOT met"})`,
  );
}

main();
