/**
 * `npm run bench`: median wall time and peak memory (max RSS) of the synthesis step of `npm run synth`, for the
 * example environments and for 100 generated environments, each also as a ratio to a bare Node process that only
 * loads cdktf and constructs. All measured in one run, 5 runs each (the first is a warm-up).
 * Targets: examples ≤ 1 s and ≤ 150 MB; 100 environments ≤ 5 s.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { exampleInput, synthArgs } from "../scripts/lib/examples";

const ROOT = path.join(__dirname, "..");
const RUNS = 5;

/** Peak RSS without /usr/bin/time: a preloaded hook prints `process.resourceUsage().maxRSS` (KB) as the process exits. */
const MAXRSS_HOOK = path.join(__dirname, "maxrss.js");
const MARKER = "bastionless-bench-maxrss=";

function measure(args: string[], env: Record<string, string>): { seconds: number; mb: number } {
  const times: number[] = [];
  const mems: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ["-r", MAXRSS_HOOK, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) throw new Error(`benchmark command failed: ${r.stderr}`);
    if (i === 0) continue; // warm-up (also fills the transpile cache)
    const line = r.stderr.split("\n").find((l) => l.startsWith(MARKER));
    if (!line) throw new Error(`no peak-memory line in the output of ${args.join(" ")}`);
    times.push(seconds);
    mems.push(Number(line.slice(MARKER.length)) / 1024);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { seconds: median(times), mb: Math.max(...mems) };
}

function generatedEnvironments(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-bench-env-"));
  const base = exampleInput("staging");
  for (let i = 0; i < n; i++) {
    const env = structuredClone(base);
    env.name = `env${String(i).padStart(3, "0")}`;
    env.account = String(100000000000 + i);
    env.state = { ...env.state, bucket: `bench-tfstate-${env.account}` };
    fs.writeFileSync(path.join(dir, `${env.name}.yaml`), stringify(env));
  }
  return dir;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), "bl-bench-out-"));
const baseline = measure(["-e", "require('cdktf'); require('constructs')"], {});
const examples = measure(synthArgs(), { CDKTF_OUTDIR: path.join(out, "examples") });
const hundredDir = generatedEnvironments(100);
const hundred = measure(synthArgs(), { CDKTF_OUTDIR: path.join(out, "hundred"), BASTIONLESS_CONFIG_DIR: hundredDir });
for (const dir of [out, hundredDir]) fs.rmSync(dir, { recursive: true, force: true });

const row = (name: string, m: { seconds: number; mb: number }) =>
  `${name.padEnd(40)} ${m.seconds.toFixed(3).padStart(7)} s ${(m.seconds / baseline.seconds).toFixed(2).padStart(6)}x  ${m.mb.toFixed(0).padStart(5)} MB ${(m.mb / baseline.mb).toFixed(2).padStart(6)}x`;
console.log(`median of ${RUNS} runs; ratios are to a bare node process that loads cdktf and constructs`);
console.log(row("baseline (require cdktf)", baseline));
console.log(row("synth: example environments (4 stacks)", examples));
console.log(row("synth: 100 generated environments", hundred));
console.log(
  `targets: examples ≤ 1 s and ≤ 150 MB: ${examples.seconds <= 1 && examples.mb <= 150 ? "met" : "NOT met"}; 100 environments ≤ 5 s: ${hundred.seconds <= 5 ? "met" : "NOT met"}`,
);
