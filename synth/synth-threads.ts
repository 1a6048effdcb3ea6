/**
 * Synthesizes the stacks of an app on several threads. Every stack is built from configuration alone (a
 * `StackDefinition`), so each one can be built and synthesized in an App of its own, by any thread: the threads take
 * stacks from one shared counter until none is left (the largest first), and the stacks' outputs are merged into one
 * `cdktf.out` that is byte for byte the one a single App writes (cdktn writes the manifest with sorted keys).
 *
 * Threads are used only under the synth launcher (`synth/launcher.js`), whose bundle a worker thread loads with the
 * code cache, and only for apps with at least `MIN_STACKS_PER_THREAD` stacks per thread: a worker costs about as much
 * to start as a small app costs to synthesize. `BASTIONLESS_SYNTH_THREADS` sets the most threads (default: the
 * machine's available parallelism; 1 synthesizes on the main thread only).
 */
import * as fs from "fs";
import * as path from "path";
import type { Worker as WorkerThread } from "worker_threads";
import { ConfigError } from "../loader/load";

/** One stack of the app, built from configuration only (it never references another stack's constructs). */
export interface StackDefinition<Scope> {
  /** The stack's construct id: its folder under `cdktf.out/stacks/`. */
  readonly name: string;
  /** The configuration file the stack is built from: an exception while building it is reported as `<file>: …`. */
  readonly file?: string;
  /** Relative synth cost (default 1): the largest stacks are handed out first, so the threads finish together. */
  readonly weight?: number;
  /** Creates the stack, and nothing else, in `app`. */
  create(app: Scope): void;
}

/** What synthesizing one stack produced: its summary lines and annotations, or the error that stopped its build. */
export interface StackReport {
  readonly name: string;
  readonly buildError?: string;
  readonly errors: string[];
  readonly warnings: string[];
  readonly lines: string[];
  /** The stack's entry in cdktn's manifest.json, and the manifest's version. */
  readonly manifest?: { readonly version: string; readonly entry: unknown };
}

/** Set by synth/launcher.js: the launcher (a worker thread's entry) and the bundle it runs. */
const LAUNCHER = Symbol.for("bastionless.synth.launcher");
interface Launcher {
  readonly launcher: string;
  /** What the launcher runs (handed to a worker's launcher as it is). */
  readonly bundle: unknown;
}
/** Marks a worker thread started by `synthOnThreads` (its launcher then runs the bundle without a staleness check). */
export const WORKER_ENV = "BASTIONLESS_SYNTH_WORKER";
export const THREADS_ENV = "BASTIONLESS_SYNTH_THREADS";
/**
 * Stacks per thread before a worker pays off. A worker costs about 0.4 s of CPU to start and warm up; measured here
 * (2 cores, stacks of the staging example): 2 threads were slower than one for 13 and 23 stacks, 3 % faster for 28
 * and 43 (for a third more CPU), 10 % faster for 53 and 15 % for 102.
 */
export const MIN_STACKS_PER_THREAD = 24;

interface WorkerData<Config> {
  readonly config: Config;
  readonly counter: Int32Array;
  /** This worker's output directory. */
  readonly outdir: string;
  readonly target: string;
}
/** An exception thrown on a worker thread, as it crosses to the main thread (`problems`: ConfigError, SynthError). */
export interface ThreadFailure {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly problems?: string[];
}
type WorkerReply = { reports: Record<number, StackReport> } | { failure: ThreadFailure };
/** Turns a worker's failure back into the exception the main thread would have thrown. */
export type Revive = (failure: ThreadFailure) => Error;

/** The number of threads for `stacks` stacks: 1 unless BASTIONLESS_SYNTH_THREADS asks for more, under the launcher, with enough stacks. */
export function threadCount(stacks: number): number {
  const fromEnv = process.env[THREADS_ENV];
  // Worker threads only when a user asks for them: one thread is simpler to reason about and to debug, and a
  // thousand environments still synthesize in linear time on it (npm run bench).
  if (fromEnv === undefined) return 1;
  if (!/^[1-9][0-9]{0,2}$/.test(fromEnv))
    throw new ConfigError([`${THREADS_ENV}: ${JSON.stringify(fromEnv)} is not allowed; expected a whole number ≥ 1`]);
  const wanted = Math.floor(stacks / MIN_STACKS_PER_THREAD);
  if (!(globalThis as Record<symbol, unknown>)[LAUNCHER] || wanted <= 1) return 1;
  return Math.min(Number(fromEnv), wanted);
}

/** The order in which stacks are handed out: largest first, ties in definition order. */
function claimOrder<Scope>(definitions: readonly StackDefinition<Scope>[]): number[] {
  return definitions
    .map((d, i) => ({ i, w: d.weight ?? 1 }))
    .sort((a, b) => b.w - a.w || a.i - b.i)
    .map((x) => x.i);
}

/**
 * Takes stacks from `counter` until none is left; `synthOne(i)` synthesizes definition i into this thread's
 * output directory (each in an App of its own: one App per stack, so any thread can take any stack).
 */
function claimAll(
  counter: Int32Array,
  order: number[],
  synthOne: (index: number) => StackReport,
): Record<number, StackReport> {
  const reports: Record<number, StackReport> = {};
  for (let k = Atomics.add(counter, 0, 1); k < order.length; k = Atomics.add(counter, 0, 1))
    reports[order[k]] = synthOne(order[k]);
  return reports;
}

/** Where worker `n` writes its stacks: inside the staging directory (the main thread writes to it directly). */
function workerDir(staging: string, n: number): string {
  return path.join(staging, `.worker-${n}`);
}

/**
 * In a worker thread started by `synthOnThreads`: synthesizes stacks of `plan(config)` until none is left and posts
 * their reports. Returns false on the main thread (nothing done).
 */
export function runAsWorker<Config, Scope>(
  plan: (config: Config) => StackDefinition<Scope>[],
  synthOne: (definition: StackDefinition<Scope>, outdir: string, target: string) => StackReport,
): boolean {
  if (process.env[WORKER_ENV] !== "1") return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed (a cost for every synth)
  const { isMainThread, parentPort, workerData } = require("worker_threads") as typeof import("worker_threads");
  if (isMainThread) return false;
  const data = workerData as WorkerData<Config>;
  let reply: WorkerReply;
  try {
    const definitions = plan(data.config);
    reply = {
      reports: claimAll(data.counter, claimOrder(definitions), (i) =>
        synthOne(definitions[i], data.outdir, data.target),
      ),
    };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const { problems } = error as { problems?: unknown };
    reply = {
      failure: {
        name: error.name,
        message: error.message,
        stack: error.stack,
        problems: Array.isArray(problems) ? problems.map(String) : undefined,
      },
    };
  }
  parentPort!.postMessage(reply);
  return true;
}

interface Started {
  readonly reports: Promise<Record<number, StackReport>>;
  stop(): Promise<unknown>;
}

function startWorker<Config>(launcher: Launcher, data: WorkerData<Config>, revive: Revive): Started {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when threads are used
  const { Worker } = require("worker_threads") as typeof import("worker_threads");
  const worker: WorkerThread = new Worker(launcher.launcher, {
    workerData: { ...data, bundle: launcher.bundle },
    env: { ...process.env, [WORKER_ENV]: "1" },
  });
  const reports = new Promise<Record<number, StackReport>>((resolve, reject) => {
    let reply: WorkerReply | undefined;
    worker.on("message", (m: WorkerReply) => (reply = m));
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (reply && "reports" in reply) resolve(reply.reports);
      else if (reply) reject(revive(reply.failure));
      else reject(new Error(`a synth worker thread stopped (exit code ${code}) before reporting`));
    });
  });
  reports.catch(() => undefined); // handled by whoever awaits it; never an unhandled rejection after stop()
  return { reports, stop: () => worker.terminate() };
}

/**
 * Synthesizes every definition into `staging` on `threads` threads (this one included) and returns the reports in
 * definition order. The main thread writes to `staging`, each worker to a folder inside it (see mergeStacks).
 */
export async function synthOnThreads<Config, Scope>(
  config: Config,
  definitions: StackDefinition<Scope>[],
  threads: number,
  staging: string,
  target: string,
  synthOne: (definition: StackDefinition<Scope>, outdir: string, target: string) => StackReport,
  revive: Revive,
): Promise<StackReport[]> {
  fs.mkdirSync(staging, { recursive: true }); // (the workers' folders are inside)
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const launcher = (globalThis as Record<symbol, Launcher | undefined>)[LAUNCHER];
  const workers =
    threads > 1 && launcher
      ? Array.from({ length: threads - 1 }, (_, n) =>
          startWorker(launcher, { config, counter, outdir: workerDir(staging, n + 1), target }, revive),
        )
      : [];
  const order = claimOrder(definitions);
  const all: Record<number, StackReport> = {};
  let own: Record<number, StackReport> = {};
  try {
    // The main thread does its part while the workers start; a worker that finds nothing left reports nothing.
    own = claimAll(counter, order, (i) => synthOne(definitions[i], staging, target));
    Object.assign(all, own);
    for (const reports of await Promise.all(workers.map((w) => w.reports))) Object.assign(all, reports);
  } catch (e) {
    Atomics.store(counter, 0, order.length); // nothing more to take
    await Promise.all(workers.map((w) => w.stop()));
    throw e;
  }
  if (process.env.BASTIONLESS_SYNTH_DEBUG === "1") {
    const byWorkers = definitions.length - Object.keys(own).length;
    process.stderr.write(
      `synth: ${definitions.length} stacks on ${threads} thread${threads === 1 ? "" : "s"}: ${definitions.length - byWorkers} on the main thread, ${byWorkers} on workers\n`,
    );
  }
  const reports = definitions.map((d, i) => {
    const report = all[i];
    if (!report) throw new Error(`no thread synthesized the ${d.name} stack`);
    return report;
  });
  mergeStacks(staging, workers.length, reports);
  return reports;
}

/**
 * Moves what the workers wrote into `staging` (each stack writes its own folder, and the files it adds, e.g. an
 * SCP) and writes the app's manifest from every stack's entry, as cdktn writes it: JSON with sorted keys and
 * two-space indentation (safe-stable-stringify's output for plain data).
 */
function mergeStacks(staging: string, workers: number, reports: StackReport[]): void {
  fs.mkdirSync(staging, { recursive: true });
  for (let n = 1; n <= workers; n++) {
    const dir = workerDir(staging, n);
    if (!fs.existsSync(dir)) continue; // it took no stack
    fs.rmSync(path.join(dir, "manifest.json"), { force: true });
    moveInto(dir, staging);
    fs.rmSync(dir, { recursive: true });
  }
  const synthesized = reports.filter((r) => r.manifest);
  if (synthesized.length === 0) return;
  const stacks = Object.fromEntries(synthesized.map((r) => [r.name, r.manifest!.entry]));
  const manifest = { version: synthesized[0].manifest!.version, stacks };
  fs.writeFileSync(path.join(staging, "manifest.json"), JSON.stringify(sortKeys(manifest), null, 2));
}

/** Moves the files below `from` to the same places below `to`; two stacks never write the same file. */
function moveInto(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (!fs.existsSync(dest)) fs.renameSync(source, dest);
    else if (entry.isDirectory()) moveInto(source, dest);
    else throw new Error(`two stacks wrote ${path.relative(to, dest)}`);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
