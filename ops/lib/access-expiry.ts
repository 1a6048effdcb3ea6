/**
 * Expiry that runs itself: which grants expire within N days (one issue, updated in place, naming the environments'
 * owners), and the edit that removes the expired ones from the environment files. The edit finds each grant with the
 * `yaml` package's Document API and removes exactly its lines from the text: every other byte of the file stays as
 * it was (comments, quoting, flow lists, blank lines), and the comments that were inside a removed grant are kept,
 * under a line saying what was removed and why. `now` is always a parameter.
 */
import { isSeq, Lexer, LineCounter, parseDocument, type Node } from "yaml";
import { expiriesOf, type Expiry } from "../../loader/expiry";
import type { LoadedEnvironment } from "../../loader/load";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ExpiringGrant extends Expiry {
  /** Whole days left (negative once passed). */
  readonly daysLeft: number;
  readonly expired: boolean;
  readonly owners: readonly string[];
  /** The path of the YAML node the removal deletes: the access group, or the port-forward target. */
  readonly path: readonly (string | number)[];
}

/** Grants that have expired at `now` or expire within `withinDays` days, soonest first. */
export function expiringGrants(
  environments: readonly LoadedEnvironment[],
  now: Date,
  withinDays: number,
): ExpiringGrant[] {
  const owners = new Map(environments.map((e) => [e.config.name, ownersOf(e)]));
  return expiriesOf(environments)
    .map((e): ExpiringGrant => {
      const left = Date.parse(e.expires) - now.getTime();
      const path = e.field
        .replace(/\.expires$/, "")
        .split(/\.|\[(\d+)\]/)
        .filter((s) => s !== undefined && s !== "")
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      return {
        ...e,
        daysLeft: Math.floor(left / DAY_MS),
        expired: left <= 0,
        owners: owners.get(e.environment) ?? [],
        path,
      };
    })
    .filter((g) => Date.parse(g.expires) - now.getTime() < withinDays * DAY_MS)
    .sort((a, b) => (a.expires < b.expires ? -1 : a.expires > b.expires ? 1 : a.field < b.field ? -1 : 1));
}

function ownersOf(e: LoadedEnvironment): string[] {
  return [...((e.config as { owners?: string[] }).owners ?? [])];
}

/**
 * What removing the expired grants of one environment deletes: a group whose own expiry has passed goes whole; a
 * port-forward target goes alone, unless it was the group's last grant (no shell, no SSH, no other target left),
 * then the group goes.
 */
export function removalsFor(env: LoadedEnvironment, expired: readonly ExpiringGrant[]): ExpiringGrant[] {
  const mine = expired.filter((g) => g.expired && g.file === env.file);
  const groupsGone = new Set(mine.filter((g) => g.path.length === 2).map((g) => g.path[1] as number));
  const out: ExpiringGrant[] = mine.filter((g) => g.path.length === 2);
  env.config.accessGroups.forEach((group, i) => {
    if (groupsGone.has(i)) return;
    const targets = mine.filter((g) => g.path.length > 2 && g.path[1] === i);
    if (targets.length === 0) return;
    const left = group.capabilities.portForwarding.length - targets.length;
    if (!group.capabilities.shell && !group.capabilities.ssh && left === 0) {
      out.push({
        ...targets[0],
        path: ["accessGroups", i],
        grant: `access group ${group.name} (its last grant expired)`,
      });
    } else out.push(...targets);
  });
  return out;
}

export class EditError extends Error {}

/**
 * Removes the nodes at `removals` (sequence items: access groups or port-forward targets) from the YAML text,
 * line by line, keeping every comment. Throws EditError when an item is not a block-sequence item on lines of
 * its own (a flow list, an alias): that file must be edited by hand.
 */
export function removeGrants(
  text: string,
  removals: readonly { path: readonly (string | number)[]; note: string }[],
): string {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, merge: true, uniqueKeys: false });
  const lines = text.split("\n");
  type Cut = { first: number; last: number; indent: string; comments: string[]; note: string };
  const cuts: Cut[] = [];
  const byParent = new Map<string, { parentPath: readonly (string | number)[]; indexes: Set<number> }>();
  for (const r of removals) {
    const parentPath = r.path.slice(0, -1);
    const parent = doc.getIn(parentPath, true) as Node | undefined;
    const item = doc.getIn(r.path, true) as Node | undefined;
    const where = r.path
      .map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`))
      .join("")
      .replace(/^\./, "");
    if (!isSeq(parent) || parent.flow || !item?.range)
      throw new EditError(`${where} is not an item of a block list (- …): remove it by hand`);
    const start = lc.linePos(item.range[0]);
    const end = lc.linePos(item.range[2]);
    const dash = lines[start.line - 1].slice(0, start.col - 1);
    if (!/^\s*-\s+$/.test(dash)) throw new EditError(`${where} does not start its own line (- …): remove it by hand`);
    const last = end.col === 1 ? end.line - 1 : end.line;
    const fragment = lines.slice(start.line - 1, last).join("\n");
    const comments = [...new Lexer().lex(fragment)].filter((t) => t.startsWith("#"));
    cuts.push({ first: start.line, last, indent: dash.slice(0, dash.indexOf("-")), comments, note: r.note });
    const key = JSON.stringify(parentPath);
    const entry = byParent.get(key) ?? { parentPath, indexes: new Set<number>() };
    entry.indexes.add(Number(r.path[r.path.length - 1]));
    byParent.set(key, entry);
  }
  // A list left without items would read as null: its key gets `[]` (an edit within the key's line, made first).
  for (const { parentPath, indexes } of byParent.values()) {
    const seq = doc.getIn(parentPath, true) as Node;
    if (!isSeq(seq) || !seq.items.every((_, i) => indexes.has(i))) continue;
    const owner = doc.getIn(parentPath.slice(0, -1), true) as Node | undefined;
    const pair =
      owner && "items" in owner
        ? (owner.items as { key: Node; value: unknown }[]).find((p) => p.value === seq)
        : undefined;
    if (!pair?.key?.range) continue;
    const at = lc.linePos(pair.key.range[1]);
    const line = lines[at.line - 1];
    const colon = line.indexOf(":", at.col - 1);
    if (colon >= 0) lines[at.line - 1] = `${line.slice(0, colon + 1)} []${line.slice(colon + 1)}`;
  }
  // Bottom-up, so earlier line numbers stay valid; a cut inside another is dropped.
  cuts.sort((a, b) => b.first - a.first);
  const kept = cuts.filter((c) => !cuts.some((o) => o !== c && o.first <= c.first && c.last <= o.last));
  for (const c of kept) {
    const replacement = [`${c.indent}# ${c.note}`, ...c.comments.map((x) => `${c.indent}${x}`)];
    lines.splice(c.first - 1, c.last - c.first + 1, ...replacement);
  }
  return lines.join("\n");
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The expiry issue: one, found again by its title, updated in place. */
export function renderExpiryIssue(
  grants: readonly ExpiringGrant[],
  now: Date,
  withinDays: number,
): { title: string; body: string } {
  const title = "Access grants expiring soon (bastionless)";
  const owners = [...new Set(grants.flatMap((g) => g.owners))].sort();
  const row = (g: ExpiringGrant) =>
    `| ${g.environment} | ${g.grant.replace(/\|/g, "\\|")} | \`${g.file}\` \`${g.field}\` | ${g.expires} | ${g.expired ? "**expired**" : `${g.daysLeft} d`} | ${g.owners.join(" ") || "–"} |`;
  const body = [
    `<!-- bastionless-access-expiry -->`,
    `Grants that have expired or expire within ${plural(withinDays, "day")}, as of ${now.toISOString().replace(/\.\d{3}Z$/, "Z")}.`,
    "",
    ...(grants.length === 0
      ? ["None: nothing to renew or remove."]
      : [
          "| environment | grant | where | expires | left | owners |",
          "| --- | --- | --- | --- | --- | --- |",
          ...grants.map(row),
          "",
          "Expired grants no longer grant anything (the policy denies after the date); the access-expiry workflow opens one pull request that removes them. To extend a grant, move its `expires` in a pull request (a protected environment's owners approve the widening).",
          ...(owners.length > 0 ? ["", `Owners: ${owners.join(" ")}`] : []),
        ]),
  ].join("\n");
  return { title, body };
}

/** The Terraform address fragment of a grant's resources (`AccessGroups_<group>_…`; a target's own document). */
export function addressHint(g: ExpiringGrant, env: LoadedEnvironment): string {
  const group = `AccessGroups_${g.group}_`;
  if (g.path.length <= 2) return group;
  const t = env.config.accessGroups[g.path[1] as number]?.capabilities.portForwarding[g.path[4] as number];
  return t ? `${group}PortForwarding_${`${t.host}:${t.port}`.replace(/[^A-Za-z0-9_-]/g, "")}` : group;
}

export type Deployed = "present" | "absent" | "unknown";

/**
 * Whether an expired grant is still in the account, read from the environment's drift plan: the plan compares the
 * config (which still holds the grant) with the account, so the grant's resources are there unless the plan would
 * create them; without a successful plan it is unknown.
 */
export function deployedState(
  hint: string,
  plan: { text: string; result?: { exitcode: number } } | undefined,
): Deployed {
  if (!plan?.result || plan.result.exitcode === 1 || plan.text.trim() === "") return "unknown";
  const created = new RegExp(`^\\s*# \\S*${hint.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\S* will be created`, "m");
  return created.test(plan.text) ? "absent" : "present";
}

/** The drift summary's section: expired grants and whether the account still has them. */
export function renderExpiredInAccount(rows: readonly { grant: ExpiringGrant; deployed: Deployed }[]): string {
  const expired = rows.filter((r) => r.grant.expired);
  return [
    "### Expired grants still in the account",
    "",
    ...(expired.length === 0
      ? ["None: no grant in the config has expired."]
      : [
          "| environment | grant | expired | in the account | owners |",
          "| --- | --- | --- | --- | --- |",
          ...expired.map(
            ({ grant: g, deployed }) =>
              `| ${g.environment} | ${g.grant.replace(/\|/g, "\\|")} | ${g.expires} | ${deployed === "present" ? "⚠️ yes (denied by its policy's expiry, still attached)" : deployed === "absent" ? "no" : "unknown (no plan)"} | ${g.owners.join(" ") || "–"} |`,
          ),
          "",
          "The policies deny these grants since their expiry; merge the access-expiry pull request to remove them.",
        ]),
  ].join("\n");
}
