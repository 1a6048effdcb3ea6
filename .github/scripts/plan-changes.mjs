// What a saved plan changes, and whether a plan changes only what was reviewed. No dependencies (runs in the apply
// job without npm ci). Usage:
//   plan-changes.mjs summarize <plan.json> <environment>
//       Prints the plan's resource changes (`terraform show -json tfplan`) as a summary without values:
//       {"format":1,"environment","changes":[{"key","address","actions","unknown","digest"}]}. `digest` is a SHA-256 over the
//       address, the actions and the planned values (`after`), with sensitive values replaced by "(sensitive)" and
//       values known only after apply by "(known after apply)"; `unknown` lists those paths. No-op changes are left out.
//   plan-changes.mjs check <plan.json> <environment> <reviewed summary file or directory>...
//       Exit 0 when every change of the plan is a reviewed change: a change of one of the reviewed summaries of that
//       environment (summaries of other environments, and other files, below a directory are ignored) with the
//       same address, the same actions and the same planned values, where a value the reviewed plan showed as
//       "(known after apply)" may be known now (after a partial apply). Changes the reviewed plan had and this plan
//       has not (already applied) are fine. Exit 1 listing every change that was not reviewed; exit 2 on bad input.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const FORMAT = 1;
const SENSITIVE = "(sensitive)";
const UNKNOWN = "(known after apply)";

/** JSON with object keys sorted, so equal values hash equally. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

/** Paths (arrays of keys and indexes) where a Terraform mask (after_unknown, after_sensitive) is true. */
export function maskPaths(mask, prefix = []) {
  if (mask === true) return [prefix];
  if (Array.isArray(mask)) return mask.flatMap((m, i) => maskPaths(m, [...prefix, i]));
  if (mask && typeof mask === "object") return Object.entries(mask).flatMap(([k, m]) => maskPaths(m, [...prefix, k]));
  return [];
}

/** A copy of `value` with `marker` at each path (containers created as needed). */
function withMarkers(value, paths, marker) {
  let root = structuredClone(value ?? null);
  for (const path of paths) {
    if (path.length === 0) {
      root = marker;
      continue;
    }
    if (root === null || typeof root !== "object") root = typeof path[0] === "number" ? [] : {};
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const next = path[i + 1];
      if (node[path[i]] === null || typeof node[path[i]] !== "object")
        node[path[i]] = typeof next === "number" ? [] : {};
      node = node[path[i]];
    }
    node[path[path.length - 1]] = marker;
  }
  return root;
}

const keyOf = (rc) => (rc.deposed ? `${rc.address} (deposed ${rc.deposed})` : rc.address);
const pathKey = (p) => JSON.stringify(p);

/** The digest of one resource change, with the values at `unknown` paths taken as known only after apply. */
export function digest(rc, unknown) {
  const after = withMarkers(
    withMarkers(rc.change.after, maskPaths(rc.change.after_sensitive), SENSITIVE),
    unknown,
    UNKNOWN,
  );
  return createHash("sha256")
    .update(canonical({ address: keyOf(rc), actions: rc.change.actions, after }))
    .digest("hex");
}

/** The resource changes of a `terraform show -json` plan, no-ops left out. */
export function changesOf(plan) {
  if (!plan || typeof plan !== "object" || !("format_version" in plan))
    throw new Error("not the JSON of a saved plan (terraform show -json tfplan)");
  return (plan.resource_changes ?? []).filter(
    (rc) => !(rc.change.actions.length === 1 && rc.change.actions[0] === "no-op"),
  );
}

export function summarize(plan, environment) {
  const changes = changesOf(plan).map((rc) => {
    const unknown = maskPaths(rc.change.after_unknown);
    return { key: keyOf(rc), address: rc.address, actions: rc.change.actions, unknown, digest: digest(rc, unknown) };
  });
  changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { format: FORMAT, environment, changes };
}

/** Every change of `plan` that no reviewed summary has (as `address (actions): why` lines); empty when all reviewed. */
export function unreviewed(plan, reviewed) {
  const byKey = new Map();
  for (const summary of reviewed) for (const c of summary.changes) byKey.set(c.key, [...(byKey.get(c.key) ?? []), c]);
  const out = [];
  for (const rc of changesOf(plan)) {
    const key = keyOf(rc);
    const actions = rc.change.actions.join(", ");
    const candidates = byKey.get(key) ?? [];
    if (candidates.length === 0) {
      out.push(`${key} (${actions}): not in the reviewed plan`);
      continue;
    }
    const own = maskPaths(rc.change.after_unknown);
    const matches = candidates.some((c) => {
      const known = new Set(c.unknown.map(pathKey));
      const unknown = [...c.unknown, ...own.filter((p) => !known.has(pathKey(p)))];
      return digest(rc, unknown) === c.digest;
    });
    if (!matches) {
      const same = candidates.some((c) => c.actions.join(", ") === actions);
      out.push(
        same
          ? `${key} (${actions}): the planned values differ from the reviewed plan`
          : `${key} (${actions}): the reviewed plan had ${candidates.map((c) => c.actions.join(", ")).join(" / ")}`,
      );
    }
  }
  return out;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: ${e.code === "ENOENT" ? "does not exist" : e.message}`);
  }
}

/** Reviewed summaries from files and directories (every *.json below a directory that is a summary). */
export function readSummaries(paths, environment) {
  const out = [];
  const visit = (p, explicit) => {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      throw new Error(`${p}: does not exist`);
    }
    if (stat.isDirectory()) {
      for (const f of readdirSync(p).sort()) visit(join(p, f), false);
      return;
    }
    if (!explicit && !p.endsWith(".json")) return;
    const s = readJson(p);
    if (s?.format !== FORMAT || !Array.isArray(s.changes)) {
      if (explicit) throw new Error(`${p}: not a plan summary (plan-changes.mjs summarize, format ${FORMAT})`);
    } else if (s.environment === environment) out.push({ file: p, changes: s.changes });
    else if (explicit)
      throw new Error(
        `${p}: the plan summary of ${JSON.stringify(s.environment)}, not of ${JSON.stringify(environment)}`,
      );
  };
  for (const p of paths) visit(p, true);
  return out;
}

function main(argv) {
  const [command, planFile, environment, ...rest] = argv;
  if (command === "summarize" && planFile && environment && rest.length === 0) {
    process.stdout.write(`${JSON.stringify(summarize(readJson(planFile), environment))}\n`);
    return 0;
  }
  if (command === "check" && planFile && environment && rest.length > 0) {
    const reviewed = readSummaries(rest, environment);
    const plan = readJson(planFile);
    const missing = unreviewed(plan, reviewed);
    const total = changesOf(plan).length;
    if (missing.length === 0) {
      console.log(
        `${total} change${total === 1 ? "" : "s"}, every one reviewed (${reviewed.map((r) => r.file).join(", ") || "no summary"})`,
      );
      return 0;
    }
    console.error(`${missing.length} of ${total} changes were not reviewed:`);
    for (const m of missing) console.error(`  ${m}`);
    return 1;
  }
  console.error(
    "usage: plan-changes.mjs summarize <plan.json> <environment> | plan-changes.mjs check <plan.json> <environment> <reviewed summary or directory>...",
  );
  return 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exitCode = 2;
  }
}
