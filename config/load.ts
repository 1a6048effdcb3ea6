/**
 * Reads `config/environments/*.yaml`, validates every file against the schema and the files against each other,
 * and returns typed configs, or throws one `ConfigError` that lists every problem of every file:
 *
 *     config/environments/prod.yaml: vpcs[0].cidr: "10.0.0.0/33" is not an IPv4 CIDR (a.b.c.d/n, n ≤ 32)
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { environmentSchema, type EnvironmentConfig } from "./schema";
import { sharedVpcProblems } from "./shared-vpcs";

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

const YAML_FILE = /\.ya?ml$/;

/** `["vpcs", 0, "cidr"]` → `vpcs[0].cidr`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (out, seg) => (typeof seg === "number" ? `${out}[${seg}]` : out ? `${out}.${String(seg)}` : String(seg)),
    "",
  );
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of segments) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Renders one zod issue as `field: message`, adding the offending value where zod's own message lacks it. */
function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = formatPath(issue.path);
  const value = valueAt(raw, issue.path);
  let message = issue.message;
  switch (issue.code) {
    case "invalid_type":
      message =
        value === undefined
          ? `is required (expected ${issue.expected})`
          : `expected ${issue.expected}, got ${describeValue(value)}`;
      break;
    case "invalid_value":
      message = `${JSON.stringify(value)} is not allowed; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
      break;
    case "too_small":
    case "too_big": {
      const bound =
        issue.code === "too_small" ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
      const unit = issue.origin === "array" ? " item(s)" : issue.origin === "string" ? " character(s)" : "";
      const got = Array.isArray(value) ? `${value.length} item(s)` : JSON.stringify(value);
      message = `${got} is out of range; must be ${bound}${unit}`;
      break;
    }
    case "invalid_union":
      if (value === undefined) message = "is required";
      else if (!issue.message.startsWith(JSON.stringify(value)))
        message = `${JSON.stringify(value)} is not allowed; ${issue.message}`;
      break;
    default:
      break;
  }
  return where ? `${where}: ${message}` : message;
}

function parseFile(file: string, problems: string[]): { raw: unknown; config?: EnvironmentConfig } | undefined {
  const text = fs.readFileSync(file, "utf8");
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const line = e.linePos?.[0];
      problems.push(
        `${file}: not valid YAML${line ? ` (line ${line.line}, column ${line.col})` : ""}: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
      );
    }
    return undefined;
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    problems.push(`${file}: expected a YAML mapping of environment settings, got ${describeValue(raw)}`);
    return undefined;
  }
  const result = environmentSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${file}: ${formatIssue(issue, raw)}`);
    return { raw };
  }
  const expected = path.basename(file).replace(YAML_FILE, "");
  if (result.data.name !== expected) {
    problems.push(
      `${file}: name: ${JSON.stringify(result.data.name)} must equal the file name ${JSON.stringify(expected)}`,
    );
  }
  return { raw, config: result.data };
}

/** Checks that need several files: unique names, one owner of account-wide settings per account+region. */
function crossFileProblems(loaded: LoadedEnvironment[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, string>();
  for (const { file, config } of loaded) {
    const first = byName.get(config.name);
    if (first)
      problems.push(`${file}: name: ${JSON.stringify(config.name)} is already the name of the environment in ${first}`);
    else byName.set(config.name, file);
  }
  const accountWide: { what: string; field: string; owns: (c: EnvironmentConfig) => boolean; fix: string }[] = [
    {
      what: "the SSM-SessionManagerRunShell preferences document",
      field: "sessionPreferences.document",
      owns: (c) => c.sessionPreferences.document !== "none",
      fix: 'set sessionPreferences.document to "none" in all but one of them',
    },
    {
      what: "the Default Host Management Configuration",
      field: "instanceAccess.defaultHostManagement",
      owns: (c) => c.instanceAccess.defaultHostManagement,
      fix: "set instanceAccess.defaultHostManagement to false in all but one of them",
    },
  ];
  for (const setting of accountWide) {
    const owners = new Map<string, LoadedEnvironment>();
    for (const env of loaded) {
      if (!setting.owns(env.config)) continue;
      const key = `${env.config.account}/${env.config.region}`;
      const first = owners.get(key);
      if (first) {
        problems.push(
          `${env.file}: ${setting.field}: environment ${JSON.stringify(env.config.name)} and environment ${JSON.stringify(first.config.name)} (${first.file}) ` +
            `both own ${setting.what} of account ${env.config.account} in ${env.config.region}; there is one per account and region: ${setting.fix}`,
        );
      } else owners.set(key, env);
    }
  }
  problems.push(...sharedVpcProblems(loaded));
  return problems;
}

/**
 * Loads every environment file in `dir`. Throws `ConfigError` listing all problems (never just the first one).
 * @param dir directory of `<name>.yaml` files; paths in messages are relative to the working directory.
 */
export function loadEnvironments(dir: string): LoadedEnvironment[] {
  const shown = path.relative(process.cwd(), dir) || dir;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ConfigError([`${shown}: environment directory does not exist`]);
  }
  const files = fs
    .readdirSync(dir)
    .filter((f) => YAML_FILE.test(f))
    .sort()
    .map((f) => path.join(shown, f));
  if (files.length === 0) {
    throw new ConfigError([
      `${shown}: no environment files; add one <name>.yaml per environment (see config/environments in the repository)`,
    ]);
  }
  const problems: string[] = [];
  const loaded: LoadedEnvironment[] = [];
  for (const file of files) {
    const parsed = parseFile(file, problems);
    if (parsed?.config) loaded.push({ file, config: parsed.config });
  }
  problems.push(...crossFileProblems(loaded));
  if (problems.length > 0) throw new ConfigError(problems);
  return loaded;
}
