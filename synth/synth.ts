/**
 * Synthesizes an app all-or-nothing: stacks are written to a temporary sibling of the output directory, checked,
 * and only then swapped in, so a failed synth (bad config, guardrail error, exception) leaves the previous
 * `cdktf.out/` exactly as it was.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, type LoadedEnvironment } from "../loader/load";
import { App, TerraformResource, TerraformStack, type Construct } from "../modules/core/cdktf";
import { suppressedFindings } from "../modules/guardrails";
import type { ISummarized } from "../stacks/summary";
import { removeStaleStaging, stagingPath, swapIn } from "./output-swap";
import {
  runAsWorker,
  type StackDefinition,
  type StackReport,
  synthOnThreads,
  type ThreadFailure,
  threadCount,
} from "./synth-threads";

export type { StackDefinition } from "./synth-threads";

/** The Terraform versions every synthesized stack accepts (`terraform.required_version`). */
export const REQUIRED_TERRAFORM = ">= 1.10.0";

function isSummarized(x: unknown): x is ISummarized {
  return typeof (x as ISummarized).summary === "function";
}

/** A stack's entry in cdktn's manifest.json. */
interface StackManifest {
  readonly synthesizedStackPath: string;
  readonly annotations: readonly { readonly constructPath: string; readonly level: string; readonly message: string }[];
}

export class SynthError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `synth failed (${problems.length} error${problems.length === 1 ? "" : "s"}); nothing was written:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
    this.name = "SynthError";
  }
}

export interface SynthOutcome {
  readonly outdir: string;
  readonly lines: string[];
  readonly warnings: string[];
}

/** What every app gets before synth: the Terraform version line. */
function prepareApp(app: App): void {
  // Every stack states the Terraform it needs: S3-native locking (use_lockfile) needs 1.10 or later.
  for (const stack of app.node.children)
    if (stack instanceof TerraformStack) stack.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
}

/** A new App writing to `outdir`, which lets every stack record its error annotations (raised after the synth). */
function newApp(outdir: string, skipValidation = false): App {
  // Let every stack synthesize and record its error annotations in the manifest (as under the cdktf CLI), so
  // one run reports every guardrail finding of every stack; the errors are raised before anything moves.
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS ??= "1";
  return new App({ outdir, skipValidation });
}

/**
 * One report per stack of a synthesized `app` (from its manifest, as cdktn holds it: what it writes to
 * manifest.json): errors and warnings from the annotations, the summary lines (`where` is the stack's folder in
 * `target`, the final output directory) and the stack's manifest entry. The resources counted are the stack's
 * resource constructs: each renders one block under `resource` (no stack of this project moves a resource or adds
 * one through an override; test/main.integ.ts holds the count to the JSON written), so the written files are not
 * read back.
 */
function stackReports(app: App, target: string): StackReport[] {
  const stacks = app.manifest.stacks as Record<string, StackManifest>;
  return Object.entries(stacks).map(([name, stack]) => {
    const errors: string[] = [];
    const warnings: string[] = [];
    for (const a of stack.annotations) {
      const text = `${name}: [${a.constructPath}] ${a.message}`;
      if (a.level === "@cdktf/error") errors.push(text);
      else if (a.level === "@cdktf/warn") warnings.push(text);
    }
    const construct = app.node.tryFindChild(name);
    const resources = construct?.node.findAll().filter((c) => c instanceof TerraformResource).length ?? 0;
    const extra = isSummarized(construct) ? construct.summary() : [];
    const suppressed = construct instanceof TerraformStack ? suppressedFindings(construct) : [];
    if (suppressed.length > 0)
      extra.push(`${suppressed.length} guardrail finding${suppressed.length === 1 ? "" : "s"} suppressed`);
    const where = path.relative(process.cwd(), path.join(target, path.dirname(stack.synthesizedStackPath)));
    const lines = [`${[`${name}: ${resources} resources`, ...extra].join(", ")} → ${where}`];
    for (const f of suppressed) lines.push(`  suppressed ${f.rule} on ${f.address} (${f.path}): ${f.reason}`);
    return { name, errors, warnings, lines, manifest: { version: app.manifest.version, entry: stack } };
  });
}

/** Raises every error of `reports` (in their order) as one SynthError; otherwise the outcome of the synth. */
function outcomeOf(reports: StackReport[], target: string): SynthOutcome {
  const buildErrors = reports.flatMap((r) => (r.buildError ? [r.buildError] : []));
  if (buildErrors.length > 0) throw new SynthError(buildErrors);
  // in the order of the manifest, whose keys cdktn sorts
  const byName = [...reports].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const errors = byName.flatMap((r) => r.errors);
  if (errors.length > 0) throw new SynthError(errors);
  return { outdir: target, lines: byName.flatMap((r) => r.lines), warnings: byName.flatMap((r) => r.warnings) };
}

/**
 * Builds the app with `build`, synthesizes it into `outdir` atomically and returns one summary line per stack.
 * Throws `SynthError` (error annotations, e.g. guardrail findings) or whatever `build` throws; in both cases
 * `outdir` is untouched.
 */
export function synthesizeAtomically(outdir: string, build: (app: Construct) => void): SynthOutcome {
  const target = path.resolve(outdir);
  removeStaleStaging(target);
  const staging = stagingPath(target);
  try {
    const app = newApp(staging);
    build(app);
    prepareApp(app);
    app.synth();
    const outcome = outcomeOf(stackReports(app, target), target);
    swapIn(staging, target);
    return outcome;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Builds and synthesizes one stack in an App of its own, writing to `outdir`. An exception while building a
 * stack that names its configuration file is reported as `<file>: <message>` (every such stack is reported
 * together); configuration and synth errors, and exceptions of stacks without a file, are thrown.
 */
function synthStack(definition: StackDefinition<Construct>, outdir: string, target: string): StackReport {
  // (validated once, after the synth: see below)
  const app = newApp(outdir, true);
  try {
    definition.create(app);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof SynthError || definition.file === undefined) throw e;
    if (process.env.BASTIONLESS_DEBUG && e instanceof Error) console.error(e.stack);
    return {
      name: definition.name,
      buildError: `${definition.file}: ${oneLine(e)}`,
      errors: [],
      warnings: [],
      lines: [],
    };
  }
  prepareApp(app);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  if (stacks.length !== 1 || stacks[0].node.id !== definition.name || app.node.children.length !== 1)
    throw new Error(`the definition of the ${definition.name} stack must create exactly that stack`);
  // Every validation of the app runs after the synth (cdktn's own is skipped through the App's public
  // skipValidation option), so that an error is listed per construct with the others: it fails the synth before
  // anything is swapped in.
  app.synth();
  const [report] = stackReports(app, target);
  const invalid = app.node
    .findAll()
    .flatMap((c) => c.node.validate().map((message) => `${definition.name}: [${c.node.path}] ${message}`));
  return invalid.length === 0 ? report : { ...report, errors: [...report.errors, ...invalid] };
}

/** An unexpected exception as one line: `TypeError: …` (no stack; BASTIONLESS_DEBUG=1 prints it). */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  return text.split("\n")[0];
}

/** A worker thread's exception as the main thread would have thrown it (see synth-threads.ts). */
function revive(failure: ThreadFailure): Error {
  if (failure.name === "ConfigError" && failure.problems) return new ConfigError(failure.problems);
  if (failure.name === "SynthError" && failure.problems) return new SynthError(failure.problems);
  const error = new Error(failure.message);
  if (failure.name !== "Error") error.name = failure.name;
  error.stack = failure.stack;
  return error;
}

/**
 * Writes `text` to standard output without creating `process.stdout`: that stream (with Node's streams, net or tty
 * behind it) cost the examples' synth about 10 ms. A pipe that is full and non-blocking (EAGAIN) gets the rest through
 * the stream, which waits for it.
 */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += fs.writeSync(1, bytes, done);
  } catch {
    process.stdout.write(bytes.subarray(done));
  }
}

/** Prints a synth's warnings (to stderr) and summary lines (through `write`, else console.log). */
function print(outcome: SynthOutcome, write?: (text: string) => void): void {
  for (const w of outcome.warnings) console.warn(`warning: ${w}`);
  if (!write) for (const line of outcome.lines) console.log(line);
  else if (outcome.lines.length > 0) write(outcome.lines.map((line) => `${line}\n`).join(""));
}

/** Prints why a synth failed (one line per problem, never a stack trace) and sets the exit code. */
function printFailure(e: unknown, environments: readonly LoadedEnvironment[]): void {
  if (e instanceof ConfigError || e instanceof SynthError) {
    console.error(e.message);
  } else {
    // Last line of defence: an unexpected exception is one line, not a stack trace (BASTIONLESS_DEBUG=1 shows it).
    // The files of the environments whose construct paths the message names, if any.
    const message = e instanceof Error ? e.message : String(e);
    const files = environments.filter((env) => message.includes(`${env.config.name}/`)).map((env) => env.file);
    const detail = process.env.BASTIONLESS_DEBUG && e instanceof Error ? `\n${e.stack}` : "";
    console.error(
      `synth failed; nothing was written: ${files.length > 0 ? `${files.join(", ")}: ` : ""}${oneLine(e)}${detail || " (set BASTIONLESS_DEBUG=1 for details)"}`,
    );
  }
  process.exitCode = 1;
}

/** Runs a synth of an app built by one callback: prints the summary, or the errors, and sets the exit code. */
export function runSynth(
  load: () => LoadedEnvironment[],
  build: (app: Construct, environments: LoadedEnvironment[]) => void,
): void {
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  let environments: LoadedEnvironment[] = [];
  try {
    environments = load();
    print(synthesizeAtomically(outdir, (app) => build(app, environments)));
  } catch (e) {
    printFailure(e, environments);
  }
}

/** The configuration of an app: plain data (it is copied to worker threads), with the environments it holds. */
export interface AppConfig {
  readonly environments: readonly LoadedEnvironment[];
}

/**
 * Entry point used by `main.ts`: loads the configuration once, plans one `StackDefinition` per stack and
 * synthesizes them atomically into `$CDKTF_OUTDIR` (default `cdktf.out`), on several threads for large apps (see
 * synth-threads.ts); prints the summary (through `write`: by default straight to stdout), or the errors, and sets
 * the exit code. The output is the same whichever thread synthesized which stack. In a worker thread it
 * synthesizes the stacks it is handed instead.
 */
export async function runStackSynth<C extends AppConfig>(
  load: () => C,
  plan: (config: C) => StackDefinition<Construct>[],
  write: (text: string) => void = writeStdout,
): Promise<void> {
  if (runAsWorker(plan, synthStack)) return;
  const target = path.resolve(process.env.CDKTF_OUTDIR ?? "cdktf.out");
  let environments: readonly LoadedEnvironment[] = [];
  let staging: string | undefined;
  try {
    const config = load();
    environments = config.environments;
    const definitions = plan(config);
    const threads = threadCount(definitions.length);
    removeStaleStaging(target);
    staging = stagingPath(target);
    const reports = await synthOnThreads(config, definitions, threads, staging, target, synthStack, revive);
    const outcome = outcomeOf(reports, target);
    swapIn(staging, target);
    print(outcome, write);
  } catch (e) {
    printFailure(e, environments);
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }
}
