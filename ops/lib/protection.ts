/**
 * The protection of each environment (`protected`, `owners`) read from a directory of environment files without
 * validating the rest: the base commit's files are read with the head's code, and a schema change between the two
 * must not hide who owns an environment. A file that cannot be read counts as unprotected here; the head's files
 * are validated in full by the synth.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { Protection } from "./access-change";

export function readProtection(dir: string): Map<string, Protection> {
  const out = new Map<string, Protection>();
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir).sort()) {
    if (!/\.ya?ml$/i.test(f)) continue;
    let raw: unknown;
    try {
      raw = parse(fs.readFileSync(path.join(dir, f), "utf8"));
    } catch {
      continue;
    }
    if (raw === null || typeof raw !== "object") continue;
    const r = raw as { protected?: unknown; owners?: unknown };
    const owners = Array.isArray(r.owners) ? r.owners.filter((o): o is string => typeof o === "string") : [];
    out.set(f.replace(/\.ya?ml$/i, ""), { protected: r.protected === true, owners });
  }
  return out;
}

/**
 * The protection a pull request is judged by: protected when the base or the head says so (a pull request cannot
 * unprotect and widen at once), owned by the base's owners when the base was protected (a pull request cannot
 * name its own approvers), else by the head's.
 */
export function effectiveProtection(
  base: ReadonlyMap<string, Protection>,
  head: ReadonlyMap<string, Protection>,
): Map<string, Protection> {
  const out = new Map<string, Protection>();
  for (const env of new Set([...base.keys(), ...head.keys()])) {
    const b = base.get(env);
    const h = head.get(env);
    if (b?.protected) out.set(env, { protected: true, owners: b.owners });
    else out.set(env, { protected: h?.protected ?? false, owners: h?.owners ?? [] });
  }
  return out;
}
