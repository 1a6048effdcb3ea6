/**
 * GitHub Actions' own rules, modelled for the workflow contract tests (docs.github.com, "Reusable workflows" and
 * "Controlling permissions for GITHUB_TOKEN"):
 * - `permissions` on a job replaces the workflow-level block for that job; a block that names some scopes sets every
 *   scope it does not name to `none`; no block at all means the repository's default token (not least privilege).
 * - A called (reusable) workflow can only keep or reduce the permissions of the job that calls it: a callee job that
 *   asks for more than the calling job has makes GitHub refuse the whole run ("The nested job ... is requesting
 *   'id-token: write', but is only allowed 'id-token: none'").
 * - A callee job without its own block gets the callee's workflow-level block, or else the caller job's permissions.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export type Level = "none" | "read" | "write";
export type Permissions = Record<string, Level>;
const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

/** Every scope GitHub knows for GITHUB_TOKEN (read-all / write-all expand to these). */
export const SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
];

export interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: unknown;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  uses?: string;
  with?: Record<string, string>;
  secrets?: unknown;
  strategy?: { "fail-fast"?: boolean; matrix?: { include?: string } };
  outputs?: Record<string, string>;
  steps?: { id?: string; name?: string; if?: string; uses?: string; run?: string; with?: Record<string, unknown> }[];
}
export interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

/** A `permissions` value as a full map (undefined: no block, the repository default). */
export function normalize(value: unknown): Permissions | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "read-all" || value === "write-all")
    return Object.fromEntries(SCOPES.map((s) => [s, value === "read-all" ? "read" : "write"])) as Permissions;
  if (typeof value === "object" && Object.keys(value as object).length === 0)
    return Object.fromEntries(SCOPES.map((s) => [s, "none"])) as Permissions;
  if (typeof value !== "object") throw new Error(`permissions ${JSON.stringify(value)} is not a map`);
  const given = value as Record<string, Level>;
  return Object.fromEntries(SCOPES.map((s) => [s, given[s] ?? "none"])) as Permissions;
}

/** The permissions a job's token has: its own block, else the workflow's (undefined: repository default). */
export function effective(workflow: Workflow, job: Job, inherited?: Permissions): Permissions | undefined {
  return normalize(job.permissions) ?? normalize(workflow.permissions) ?? inherited;
}

/** Scopes where `asked` exceeds `allowed`, as GitHub words the refusal. */
export function exceeding(asked: Permissions, allowed: Permissions): string[] {
  return SCOPES.filter((s) => RANK[asked[s]] > RANK[allowed[s]]).map(
    (s) => `requesting '${s}: ${asked[s]}', but is only allowed '${s}: ${allowed[s]}'`,
  );
}

export function loadWorkflow(file: string): Workflow {
  return parse(fs.readFileSync(file, "utf8")) as Workflow;
}

/**
 * Every refusal GitHub would make for the reusable-workflow calls of `workflow` (local calls `./.github/...`,
 * resolved against `root`), nested calls included.
 */
export function callViolations(root: string, workflow: Workflow, name: string, inherited?: Permissions): string[] {
  const out: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if (!job.uses?.startsWith("./")) continue;
    const caller = effective(workflow, job, inherited);
    const calleeFile = path.join(root, job.uses);
    const callee = loadWorkflow(calleeFile);
    if (!caller) {
      out.push(`${name} job ${id}: no permissions block (repository default token) calling ${job.uses}`);
      continue;
    }
    for (const [calleeId, calleeJob] of Object.entries(callee.jobs)) {
      const asked = effective(callee, calleeJob, caller)!;
      for (const e of exceeding(asked, caller))
        out.push(`${name} job ${id} → ${job.uses}: the nested job '${calleeId}' is ${e}`);
    }
    out.push(...callViolations(root, callee, `${name} → ${job.uses}`, caller));
  }
  return out;
}

/** Every `uses:` line of a YAML text that is not a local path nor pinned to a full commit SHA with its tag. */
export function unpinned(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => /^\s*(-\s+)?uses:/.test(l))
    .filter((l) => !/uses:\s+\.\//.test(l))
    .filter((l) => !/uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}\s*$/.test(l))
    .map((l) => l.trim());
}

/** Every string value in a parsed YAML document (keys and comments excluded). */
export function stringValues(node: unknown): string[] {
  if (typeof node === "string") return [node];
  if (Array.isArray(node)) return node.flatMap(stringValues);
  if (node && typeof node === "object") return Object.values(node).flatMap(stringValues);
  return [];
}

/** GitHub fails a job still waiting for a deployment review after this many days ("Reviewing deployments"). */
export const APPROVAL_WAIT_DAYS = 30;

const MATRIX_FROM_OUTPUT = /^\$\{\{ fromJSON\((needs\.[\w-]+\.outputs\.[\w-]+)\) \}\}$/;

/**
 * GitHub refuses a matrix with no entries ("Matrix vector 'include' does not contain any values"): a job whose
 * matrix comes from another job's output must be skipped when that output is `[]`.
 */
export function emptyMatrixViolations(workflow: Workflow, name: string): string[] {
  const out: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const m = MATRIX_FROM_OUTPUT.exec(String(job.strategy?.matrix?.include ?? ""));
    if (m && !(job.if ?? "").includes(`${m[1]} != '[]'`))
      out.push(`${name} job ${id}: its matrix ${m[1]} may be empty, and its if does not skip it then`);
  }
  return out;
}

/** A job that holds a write permission (an OIDC token included) or a secret. */
export function privileged(workflow: Workflow, job: Job): boolean {
  const p = effective(workflow, job);
  return !p || Object.values(p).includes("write") || /\$\{\{\s*secrets\./.test(JSON.stringify(job));
}

/**
 * Jobs that hold write permissions or secrets and restore the npm cache (actions/setup-node with `cache`, or the
 * setup action with npm-cache "true"): a poisoned cache would run in them.
 */
export function npmCacheViolations(workflow: Workflow, name: string): string[] {
  const out: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if (!job.steps || !privileged(workflow, job)) continue;
    for (const s of job.steps) {
      const cached =
        (s.uses?.startsWith("actions/setup-node@") && (s.with?.cache ?? "") !== "") ||
        (s.uses === "./.github/actions/setup" && s.with?.["npm-cache"] === "true");
      if (cached) out.push(`${name} job ${id}: restores the npm cache though it holds write permissions or secrets`);
    }
  }
  return out;
}

/**
 * Script injection: an expression over values others control (inputs, the event payload, branch names) inside a
 * `run:` script becomes shell code; pass them through `env:` instead.
 */
export function injectionViolations(workflow: Workflow, name: string): string[] {
  const out: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs))
    for (const s of job.steps ?? [])
      for (const m of (s.run ?? "").matchAll(
        /\$\{\{\s*(inputs\.|github\.event\.|github\.head_ref|matrix\.|needs\.)[^}]*\}\}/g,
      ))
        out.push(`${name} job ${id}: ${m[0]} inside a run script`);
  return out;
}
