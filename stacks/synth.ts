/**
 * Synthesizes an app all-or-nothing: stacks are written to a temporary sibling of the output directory, checked,
 * and only then swapped in, so a failed synth (bad config, guardrail error, exception) leaves the previous
 * `cdktf.out/` exactly as it was.
 */
import { isAscii } from "buffer";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, type LoadedEnvironment } from "../config/load";
import { App, renderWithoutUnset, TerraformElement, TerraformStack, type Construct } from "../modules/core/cdktf";
import { suppressedFindings } from "../modules/guardrails";
import { removeStaleStaging, stagingPath, swapIn } from "./output-swap";

/** The Terraform versions every synthesized stack accepts (`terraform.required_version`). */
export const REQUIRED_TERRAFORM = ">= 1.10.0";

/** A stack that contributes to the one-line synth summary. */
export interface ISummarized {
  summary(): string[];
}

function isSummarized(x: unknown): x is ISummarized {
  return typeof (x as ISummarized).summary === "function";
}

interface ManifestAnnotation {
  readonly constructPath: string;
  readonly level: string;
  readonly message: string;
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

/** Parses a JSON file; ASCII text (the usual case) is decoded as Latin-1, several times faster than as UTF-8. */
function readJson(file: string): unknown {
  const bytes = fs.readFileSync(file);
  return JSON.parse(isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8"));
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
    // Let every stack synthesize and record its error annotations in the manifest (as under the cdktf CLI), so
    // one run reports every guardrail finding of every stack; the errors are raised below, before anything moves.
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS ??= "1";
    const app = new App({ outdir: staging, skipValidation: false });
    build(app);
    // Every stack states the Terraform it needs: S3-native locking (use_lockfile) needs 1.10 or later.
    for (const stack of app.node.children)
      if (stack instanceof TerraformStack) stack.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
    // Each element renders only its set attributes: every pass over it (preparing resolve, guardrails, final
    // resolve) then walks half as much; the JSON is the same (resolution drops unset attributes itself).
    for (const c of app.node.findAll()) if (c instanceof TerraformElement) renderWithoutUnset(c);
    app.synth();
    const manifest = readJson(path.join(staging, "manifest.json")) as {
      stacks: Record<string, { synthesizedStackPath: string; annotations: ManifestAnnotation[] }>;
    };
    const errors: string[] = [];
    const warnings: string[] = [];
    const lines: string[] = [];
    for (const [name, stack] of Object.entries(manifest.stacks)) {
      for (const a of stack.annotations) {
        const text = `${name}: [${a.constructPath}] ${a.message}`;
        if (a.level === "@cdktf/error") errors.push(text);
        else if (a.level === "@cdktf/warn") warnings.push(text);
      }
      const tf = readJson(path.join(staging, stack.synthesizedStackPath)) as {
        resource?: Record<string, object>;
      };
      const resources = Object.values(tf.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
      const construct = app.node.tryFindChild(name);
      const extra = isSummarized(construct) ? construct.summary() : [];
      const suppressed = construct instanceof TerraformStack ? suppressedFindings(construct) : [];
      if (suppressed.length > 0)
        extra.push(`${suppressed.length} guardrail finding${suppressed.length === 1 ? "" : "s"} suppressed`);
      const where = path.relative(process.cwd(), path.join(target, path.dirname(stack.synthesizedStackPath)));
      lines.push(`${[`${name}: ${resources} resources`, ...extra].join(", ")} → ${where}`);
      for (const f of suppressed) lines.push(`  suppressed ${f.rule} on ${f.address} (${f.path}): ${f.reason}`);
    }
    if (errors.length > 0) throw new SynthError(errors);
    swapIn(staging, target);
    return { outdir: target, lines, warnings };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** An unexpected exception as one line: `TypeError: …` (no stack; BASTIONLESS_DEBUG=1 prints it). */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  return text.split("\n")[0];
}

/**
 * Builds one stack per environment, so that an exception thrown while building one names the file it came from:
 * every failing environment is reported (`<file>: <message>`) in one SynthError, and nothing is written.
 */
export function buildEach<T extends { readonly file: string }>(items: readonly T[], build: (item: T) => void): void {
  const errors: string[] = [];
  for (const item of items) {
    try {
      build(item);
    } catch (e) {
      if (e instanceof ConfigError || e instanceof SynthError) throw e;
      if (process.env.BASTIONLESS_DEBUG && e instanceof Error) console.error(e.stack);
      errors.push(`${item.file}: ${oneLine(e)}`);
    }
  }
  if (errors.length > 0) throw new SynthError(errors);
}

/** Entry point used by `main.ts`: prints the summary, or the errors, and sets the exit code. */
export function runSynth(
  load: () => LoadedEnvironment[],
  build: (app: Construct, environments: LoadedEnvironment[]) => void,
): void {
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  let environments: LoadedEnvironment[] = [];
  try {
    environments = load();
    const outcome = synthesizeAtomically(outdir, (app) => build(app, environments));
    for (const w of outcome.warnings) console.warn(`warning: ${w}`);
    for (const line of outcome.lines) console.log(line);
  } catch (e) {
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
}
