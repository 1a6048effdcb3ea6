/**
 * Reads `config/environments/*.yaml`, validates every file against the schema and the files against each other,
 * and returns typed configs, or throws one `ConfigError` that lists every problem of every file, each with the
 * file, the field, the value, what is allowed, and the line and column:
 *
 *     config/environments/prod.yaml: vpcs[0].cidr: "10.0.0.0/33" is not an IPv4 CIDR (a.b.c.d/n, n ≤ 32) (line 12, column 11)
 *
 * It never throws anything else for bad input: unreadable entries, binary files, YAML syntax errors, alias bombs
 * and deep nesting all become problems of the file.
 */
import * as path from "path";
import { crossEnvironmentProblems, type ParsedEnvironment } from "./cross-environment";
import { listEnvironmentFiles, readConfigFile } from "./files";
import { grantLengthProblems } from "./grant-length";
import { describeValue, formatIssue, PARSE_OPTIONS } from "./issues";
import { environmentSchema, type EnvironmentConfig } from "./schema";
import { sharedVpcProblems } from "./shared-vpcs";
import { decode, parseYaml, type YamlSource } from "./yaml-source";

export { formatPath } from "./issues";

/** Top-level keys the loader ignores: extension blocks that hold YAML anchors for reuse (as in Compose files). */
export const EXTENSION_KEY = /^x-/;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `invalid environment configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

export interface LoadedEnvironment {
  /** The file the environment came from, relative to the working directory when possible. */
  readonly file: string;
  readonly config: EnvironmentConfig;
}

export interface LoadOptions {
  /** The environment variable the directory came from (named in messages), e.g. `BASTIONLESS_CONFIG_DIR`. */
  readonly variable?: string;
  /**
   * The synth's clock: with it, an `expires` further ahead than its environment's maxGrantDays is a problem.
   * @default - no clock-dependent check (tools reading an older config)
   */
  readonly now?: Date;
}

/** Parses and validates one file's bytes; problems are pushed as `<file>: …`. */
export function parseEnvironment(
  file: string,
  bytes: Buffer,
  problems: string[],
): { config?: EnvironmentConfig; source?: YamlSource } {
  const decoded = decode(bytes);
  if ("problem" in decoded) {
    problems.push(`${file}: ${decoded.problem}`);
    return {};
  }
  const parsed = parseYaml(decoded.text);
  if (!parsed.source) {
    for (const p of parsed.problems) problems.push(`${file}: ${p}`);
    return {};
  }
  const { source } = parsed;
  const raw = source.value;
  if (raw === null) {
    problems.push(`${file}: is empty (a document without settings); expected a mapping of environment settings`);
    return {};
  }
  if (typeof raw !== "object" || Array.isArray(raw)) {
    problems.push(
      `${file}: expected a YAML mapping of environment settings (name: …, account: …), got ${describeValue(raw)}`,
    );
    return {};
  }
  // Top-level `x-…` keys are for shared blocks that anchors and merge keys reuse (`x-tags: &tags`, `<<: *tags`).
  const settings = Object.fromEntries(Object.entries(raw).filter(([k]) => !EXTENSION_KEY.test(k)));
  const result = environmentSchema.safeParse(settings, PARSE_OPTIONS);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${file}: ${formatIssue(issue, settings, source)}`);
    return { source };
  }
  const expected = path.basename(file).replace(/\.ya?ml$/i, "");
  if (result.data.name !== expected) {
    const rename =
      expected.toLowerCase() === result.data.name
        ? `; rename the file to ${result.data.name}${path.extname(file).toLowerCase()}`
        : "";
    problems.push(
      `${file}: name: ${JSON.stringify(result.data.name)} must equal the file name ${JSON.stringify(expected)}${rename}${formatPosition(source, ["name"])}`,
    );
  }
  return { config: result.data, source };
}

function formatPosition(source: YamlSource, p: string[]): string {
  const pos = source.locate(p)?.pos;
  return pos ? ` (line ${pos.line}, column ${pos.col})` : "";
}

/**
 * Loads every environment file in `dir`. Throws `ConfigError` listing all problems (never just the first one).
 * @param dir directory of `<name>.yaml` files; paths in messages are relative to the working directory.
 */
export function loadEnvironments(dir: string, options: LoadOptions = {}): LoadedEnvironment[] {
  const listed = listEnvironmentFiles({ dir, variable: options.variable });
  if (listed.problems.length > 0) throw new ConfigError(listed.problems);
  const problems: string[] = [];
  const parsed: ParsedEnvironment[] = [];
  for (const file of listed.files) {
    const read = readConfigFile(file);
    if ("problem" in read) {
      problems.push(`${file}: ${read.problem}`);
      continue;
    }
    const { config, source } = parseEnvironment(file, read.bytes, problems);
    if (config) parsed.push({ file, config, source });
  }
  problems.push(...crossEnvironmentProblems(parsed, problems.length === 0), ...sharedVpcProblems(parsed));
  if (options.now) problems.push(...grantLengthProblems(parsed, options.now));
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.map(({ file, config }) => ({ file, config }));
}
