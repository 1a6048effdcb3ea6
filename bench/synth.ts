/**
 * `npm run bench`: the main job against the floor, in one run, as ratios.
 *
 * The floor is a bare Node process that loads the CDK core package and constructs
 * (`node -e "require('cdktf'); require('constructs')"`): no app can be faster than loading its framework.
 * Every round runs the floor and then each case once, interleaved, so load on a shared machine hits all of them
 * alike; after one warm-up round (which also builds the synth bundle) the medians of ROUNDS rounds are reported:
 * wall time, CPU time (user + system, from the child's own resourceUsage), minor page faults (the pages a process
 * touches first, each of which costs about 15 µs on this project's development VM) and peak RSS: the largest of the
 * rounds, which the memory targets are held to, and their median (V8 sizes its heap from the collector's timing, so
 * the same synth can peak far apart from one round to the next: docs/upstream-cdktn-proposals.md, proposal 6).
 *
 * Cases: `npm run synth` of the example environments, i.e. the command of package.json's synth script (`cdktn synth`
 * runs the same command: cdktf.json's `app`), with a dependency tree that no file of the project edits; then the same
 * through npm itself (npm's start included, which no project can make faster: only under `npm run bench`); then 100,
 * 500 and 1,000 generated environments, whose CPU time per environment shows whether synth (config load included)
 * grows linearly with the config.
 * Targets (issue 24): examples ≤ 3x the floor in CPU time and ≤ 150 MB; 100 environments ≤ 3 s; 1,000 environments
 * ≤ 30 s and ≤ 600 MB, growing linearly.
 * BENCH_ROUNDS=n changes the number of rounds (default 7).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { synthArgs, writeGeneratedEnvironments } from "../ops/lib/examples";

const ROOT = path.join(__dirname, "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** Preloaded into every measured process: prints its CPU time and peak RSS as it exits. */
const USAGE_HOOK = path.join(__dirname, "usage.js");
const MARKER = "bastionless-bench-usage=";

interface Case {
  readonly name: string;
  readonly args: string[];
  readonly env?: Record<string, string>;
  /** npm's CLI (npm-cli.js), for a case that runs `npm <args>` */
  readonly npm?: string;
}
interface Sample {
  wall: number;
  cpu: number;
  faults: number;
  mb: number;
}
/** A case's figures over the rounds: medians, and for peak RSS the largest (the target) and the median. */
interface Result extends Sample {
  medianMb: number;
}

function runOnce(c: Case): Sample {
  const start = process.hrtime.bigint();
  // A case run through npm gets the hook through NODE_OPTIONS, so that npm's process and the synth's both report
  // (NODE_OPTIONS is not part of process.execArgv: the synth keeps its code cache)
  const hook = c.npm
    ? { args: [c.npm, ...c.args], env: { NODE_OPTIONS: `-r ${JSON.stringify(USAGE_HOOK)}` } }
    : { args: ["-r", USAGE_HOOK, ...c.args], env: {} };
  const r = spawnSync(process.execPath, hook.args, {
    cwd: ROOT,
    env: { ...process.env, ...c.env, ...hook.env },
    encoding: "utf8",
    // The summary is not measured: a large config's (over a megabyte at 1,000 environments) would overflow the
    // pipe buffer spawnSync keeps, and it would kill the synth (ENOBUFS).
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0)
    throw new Error(`${c.name} failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`}):\n${r.stderr}`);
  type Usage = { pid: number; cpuMicros: number; maxRssKb: number; faults: number };
  // one line per thread that exits (worker threads run the hook too), each with its process's figures so far: the
  // last of a process is its total
  const byPid = new Map<number, Usage>();
  for (const l of r.stderr.split("\n"))
    if (l.startsWith(MARKER)) {
      const u = JSON.parse(l.slice(MARKER.length)) as Usage;
      if (u.cpuMicros >= (byPid.get(u.pid)?.cpuMicros ?? -1)) byPid.set(u.pid, u);
    }
  const usages = [...byPid.values()];
  if (usages.length === 0) throw new Error(`no usage line in the output of ${c.name}`);
  // every process of the case (npm's and the synth's): CPU time and page faults add up, peak RSS is the largest one's
  const sum = (f: (u: Usage) => number) => usages.reduce((n, u) => n + f(u), 0);
  return {
    wall,
    cpu: sum((u) => u.cpuMicros) / 1e6,
    faults: sum((u) => u.faults),
    mb: Math.max(...usages.map((u) => u.maxRssKb)) / 1024,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs all cases round-robin: warm-up round first, then ROUNDS measured rounds. */
function measure(cases: Case[]): Result[] {
  const samples = cases.map(() => [] as Sample[]);
  for (let round = 0; round <= ROUNDS; round++) {
    cases.forEach((c, i) => {
      const s = runOnce(c);
      if (round > 0) samples[i].push(s);
    });
  }
  return samples.map((ss) => ({
    wall: median(ss.map((s) => s.wall)),
    cpu: median(ss.map((s) => s.cpu)),
    faults: median(ss.map((s) => s.faults)),
    mb: Math.max(...ss.map((s) => s.mb)),
    medianMb: median(ss.map((s) => s.mb)),
  }));
}

function generatedEnvironments(n: number): string {
  return writeGeneratedEnvironments(fs.mkdtempSync(path.join(os.tmpdir(), `bl-bench-${n}-`)), n);
}

function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2));
  return `${cpus[0]?.model.trim() ?? "unknown CPU"} × ${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GB, load average ${load.join(" ")}; node ${process.version}`;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), "bl-bench-out-"));
const sizes = [100, 500, 1000];
const dirs = sizes.map(generatedEnvironments);
const synth = synthArgs();
const cases: Case[] = [
  { name: "floor: require cdktf + constructs", args: ["-e", "require('cdktf'); require('constructs')"] },
  { name: "npm run synth: 4 example envs", args: synth, env: { CDKTF_OUTDIR: path.join(out, "examples") } },
  // The same command through npm itself (npm's own start included: no project can make it faster), when the bench
  // runs under npm (`npm run bench` sets npm_execpath)
  ...(process.env.npm_execpath
    ? [
        {
          name: "  same, through npm (npm's own start)",
          args: ["run", "--silent", "synth"],
          npm: process.env.npm_execpath,
          env: { CDKTF_OUTDIR: path.join(out, "examples-npm") },
        },
      ]
    : []),
  // Growth with the config
  ...sizes.map((n, i) => ({
    name: `npm run synth: ${n} generated envs`,
    args: synth,
    env: { CDKTF_OUTDIR: path.join(out, `gen${n}`), BASTIONLESS_CONFIG_DIR: dirs[i] },
  })),
];
const startedOn = machine();
let results: Result[];
try {
  results = measure(cases);
} finally {
  for (const dir of [out, ...dirs]) fs.rmSync(dir, { recursive: true, force: true });
}
const [floor, examples] = results;
const byName = new Map(cases.map((c, i) => [c.name, results[i]]));
const gen = sizes.map((n) => byName.get(`npm run synth: ${n} generated envs`)!);

const f = (x: number, digits = 2) => x.toFixed(digits).padStart(7);
console.log(`machine: ${startedOn}`);
console.log(
  `${ROUNDS} interleaved rounds after a warm-up; medians (peak RSS: the largest of the rounds, and their median)`,
);
console.log(`${"case".padEnd(38)}  wall s  ×floor   cpu s  ×floor   faults  peak MB  median MB`);
cases.forEach((c, i) => {
  const r = results[i];
  console.log(
    `${c.name.padEnd(38)} ${f(r.wall)} ${f(r.wall / floor.wall)} ${f(r.cpu)} ${f(r.cpu / floor.cpu)} ${String(r.faults).padStart(8)} ${f(r.mb, 0).padStart(8)} ${f(r.medianMb, 0).padStart(10)}`,
  );
});
// Marginal cost per environment between consecutive sizes: equal (within 25 %) when growth is linear.
const perEnv = sizes.slice(1).map((n, i) => ({
  from: sizes[i],
  to: n,
  ms: ((gen[i + 1].cpu - gen[i].cpu) / (n - sizes[i])) * 1000,
}));
const linear = Math.max(...perEnv.map((p) => p.ms)) <= 1.25 * Math.min(...perEnv.map((p) => p.ms));
console.log(`cpu per added environment: ${perEnv.map((p) => `${p.from}→${p.to}: ${p.ms.toFixed(1)} ms`).join(", ")}`);
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
const [hundred, , thousand] = gen;
console.log(
  [
    `targets: examples ≤ 3x floor in cpu: ${verdict(examples.cpu <= 3 * floor.cpu)} (${(examples.cpu / floor.cpu).toFixed(2)}x;`,
    `wall ${(examples.wall / floor.wall).toFixed(2)}x);`,
    `≤ 150 MB: ${verdict(examples.mb <= 150)};`,
    `100 envs ≤ 3 s: ${verdict(hundred.wall <= 3)} (${hundred.wall.toFixed(2)} s);`,
    `1000 envs ≤ 30 s: ${verdict(thousand.wall <= 30)} (${thousand.wall.toFixed(1)} s), ≤ 600 MB: ${verdict(thousand.mb <= 600)} (${thousand.mb.toFixed(0)} MB);`,
    `linear: ${verdict(linear)}`,
  ].join(" "),
);
