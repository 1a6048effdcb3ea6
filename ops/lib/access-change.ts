/**
 * The access change of a pull request: the access of its base and of its head, each evaluated with the IAM engine
 * from what that commit synthesized (ops/lib/access-report.ts), broken into grants (one principal, one capability,
 * on instances with which tags, under which conditions) and compared grant by grant. Each change says whether it
 * widens access (a new grant, more instances, a later or no expiry, MFA or a source network dropped): widening in a
 * protected environment needs its owners' approval (ops/lib/access-approval.ts); narrowing never does.
 */
import { contains, parseCidr } from "../../loader/cidr";
import type { SessionInterface } from "../../modules/operator-access";
import type { GroupAccess, PrincipalAccess } from "./access-report";

/** One thing one principal may do in one environment. */
export interface Grant {
  readonly environment: string;
  readonly account: string;
  readonly group: string;
  /** `IAM group bastionless-prod-sre-shell`, `role developer`, `Identity Center group SRE-OnCall (permission set …)`. */
  readonly principal: string;
  /** `shell`, `port forwarding to db.internal:5432`, `SSH (AWS-StartSSHSession)`, `Identity Center permission set X`, … */
  readonly capability: string;
  /** False for channels Session Manager keeps no transcript of (SSH, port forwarding); absent where not a session. */
  readonly transcript?: boolean;
  /** Instance tags that open the session: `Team=platform|data` (AND across entries, OR across a key's values). */
  readonly tags: readonly string[];
  /** True when an untagged instance is reachable (never by design). */
  readonly untagged: boolean;
  readonly mfa: PrincipalAccess["mfa"];
  /** `any` or the source CIDRs. */
  readonly sourceIp: string;
  /** When the grant ends (the engine-confirmed DateLessThan), or never. */
  readonly expires?: string;
  /** A session's interfaces (`cli`, `session-manager-console`, `ec2-console`); absent where not a session. */
  readonly interfaces?: readonly string[];
  /** Where forwarded connections go (`via egress to 10.10.16.0/20`), shown, never compared: not who may do what. */
  readonly note?: string;
}

export type ChangeKind = "gained" | "lost" | "changed";

export interface GrantChange {
  readonly kind: ChangeKind;
  readonly environment: string;
  readonly account: string;
  readonly before?: Grant;
  readonly after?: Grant;
  /** True when the head may do something the base could not. */
  readonly widens: boolean;
  /** What changed, for a changed grant: `instances Team=a → Team=a|b (wider)`, `expires … → … (later)`. */
  readonly details: readonly string[];
}

export interface EnvironmentChange {
  readonly environment: string;
  readonly account: string;
  /** `added`: no such environment in the base; `removed`: none in the head. */
  readonly status: "changed" | "unchanged" | "added" | "removed";
  readonly changes: readonly GrantChange[];
}

export interface AccessChange {
  readonly environments: readonly EnvironmentChange[];
}

/** The access of one environment as evaluated by the access report. */
export interface EnvironmentAccess {
  readonly environment: string;
  readonly account: string;
  readonly groups: readonly GroupAccess[];
}

const SSH_DOCUMENT = "AWS-StartSSHSession";

/** How an interface reads in a change: `Session Manager console`. */
const INTERFACE_LABELS: Readonly<Record<SessionInterface, string>> = {
  cli: "CLI",
  "session-manager-console": "Session Manager console",
  "ec2-console": "EC2 console",
};
const label = (i: string) => INTERFACE_LABELS[i as SessionInterface] ?? i;
const EXPIRY = /^(.*?)\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/;

/** The expiries of a principal: the group's own (a bare instant) and per capability (`port-forward h:p <instant>`). */
function expiriesOf(p: PrincipalAccess): { all?: string; byCapability: Map<string, string> } {
  let all: string | undefined;
  const byCapability = new Map<string, string>();
  for (const label of p.expires ?? []) {
    const m = EXPIRY.exec(label);
    if (!m) continue;
    const [, what, until] = m;
    if (what === "") all = all === undefined || until < all ? until : all;
    else byCapability.set(what.replace(/^port-forward /, "port forwarding to "), until);
  }
  return { all, byCapability };
}

const earliest = (...xs: (string | undefined)[]): string | undefined =>
  xs.filter((x): x is string => x !== undefined).sort()[0];

/** The grants of one environment: one per principal and capability. */
export function grantsOf(access: EnvironmentAccess): Grant[] {
  const out: Grant[] = [];
  for (const g of access.groups) {
    for (const p of g.principals) {
      const { all, byCapability } = expiriesOf(p);
      const base = {
        environment: access.environment,
        account: access.account,
        group: g.group,
        principal: p.principal,
        tags: p.reachableTags,
        untagged: !p.untaggedDenied,
        mfa: p.mfa,
        sourceIp: p.sourceIp,
      };
      const add = (capability: string, extra: Partial<Grant> = {}) =>
        out.push({ ...base, capability, expires: earliest(all, byCapability.get(capability)), ...extra });
      const ps = /\(permission set ([^,]+), account/.exec(p.principal)?.[1];
      if (ps !== undefined) add(`Identity Center permission set ${ps}`);
      // Sessions carry the interfaces they may be started from: a console gained widens each of them.
      const interfaces = p.interfaces;
      if (p.shell) add("shell", { transcript: true, interfaces });
      for (const t of p.portForwarding) {
        const [target, ...via] = t.split(" ");
        add(`port forwarding to ${target}`, { transcript: false, note: via.join(" ") || undefined, interfaces });
      }
      for (const d of p.awsDocuments) add(d === SSH_DOCUMENT ? `SSH (${d})` : d, { transcript: false, interfaces });
      if (p.sendCommand) add("SendCommand on instances");
      if (p.terminateOthersSessions) add("ending other people's sessions");
      if (p.changePreferences) add("changing the session preferences");
    }
  }
  return out;
}

const keyOf = (g: Grant) => `${g.group}\u0000${g.principal}\u0000${g.capability}`;

/** `Team=a|b` → Map(Team → {a, b}). */
function tagSets(tags: readonly string[]): Map<string, Set<string>> {
  return new Map(
    tags.map((t) => {
      const i = t.indexOf("=");
      return [t.slice(0, i), new Set(t.slice(i + 1).split("|"))];
    }),
  );
}

/**
 * Whether the instances `after` reaches are all reached by `before` (AND across keys, OR across values): every key
 * `before` requires is required by `after` with no value `before` lacks.
 */
export function tagsWithin(after: readonly string[], before: readonly string[]): boolean {
  const a = tagSets(after);
  for (const [key, values] of tagSets(before)) {
    const mine = a.get(key);
    if (!mine || [...mine].some((v) => !values.has(v))) return false;
  }
  return true;
}

const MFA_STRENGTH: Record<Grant["mfa"], number> = { required: 2, "at sign-in": 1, "not required": 0 };

/** Whether the source addresses `after` allows are all allowed by `before`. */
export function sourcesWithin(after: string, before: string): boolean {
  if (before === "any") return true;
  if (after === "any") return false;
  const b = before.split(/,\s*/).map(parseCidr);
  return after
    .split(/,\s*/)
    .map(parseCidr)
    .every((c) => c !== undefined && b.some((x) => x !== undefined && contains(x, c)));
}

const sortedTags = (tags: readonly string[]) =>
  tags
    .map((t) => {
      const i = t.indexOf("=");
      return `${t.slice(0, i)}=${[...new Set(t.slice(i + 1).split("|"))].sort().join("|")}`;
    })
    .sort();

/** The differences of one grant between base and head, each marked wider or narrower. */
function compare(before: Grant, after: Grant): { details: string[]; widens: boolean } {
  const details: string[] = [];
  let widens = false;
  const note = (what: string, from: string, to: string, wider: boolean) => {
    details.push(`${what} ${from} → ${to} (${wider ? "wider" : "narrower"})`);
    widens ||= wider;
  };
  const tb = sortedTags(before.tags);
  const ta = sortedTags(after.tags);
  if (tb.join(" and ") !== ta.join(" and ")) {
    const wider = !tagsWithin(after.tags, before.tags);
    note("instances", tb.join(" and ") || "none", ta.join(" and ") || "none", wider);
  }
  if (before.untagged !== after.untagged)
    note(
      "untagged instances",
      before.untagged ? "reachable" : "denied",
      after.untagged ? "reachable" : "denied",
      after.untagged,
    );
  const ib = before.interfaces ?? [];
  const ia = after.interfaces ?? [];
  if (ib.join(", ") !== ia.join(", "))
    note(
      "interfaces",
      ib.map(label).join(", ") || "none",
      ia.map(label).join(", ") || "none",
      ia.some((i) => !ib.includes(i)),
    );
  if (before.mfa !== after.mfa) note("MFA", before.mfa, after.mfa, MFA_STRENGTH[after.mfa] < MFA_STRENGTH[before.mfa]);
  if (before.sourceIp !== after.sourceIp)
    note("source", before.sourceIp, after.sourceIp, !sourcesWithin(after.sourceIp, before.sourceIp));
  if (before.expires !== after.expires) {
    const later = after.expires === undefined || (before.expires !== undefined && after.expires > before.expires);
    details.push(
      `expires ${before.expires ?? "never"} → ${after.expires ?? "never"} (${later ? "later: wider" : "earlier: narrower"})`,
    );
    widens ||= later;
  }
  return { details, widens };
}

/** The access change between the base's and the head's access, per environment of either. */
export function accessChange(base: readonly EnvironmentAccess[], head: readonly EnvironmentAccess[]): AccessChange {
  const names = [...new Set([...base.map((e) => e.environment), ...head.map((e) => e.environment)])].sort();
  const environments = names.map((environment): EnvironmentChange => {
    const b = base.find((e) => e.environment === environment);
    const h = head.find((e) => e.environment === environment);
    const before = new Map(b ? grantsOf(b).map((g) => [keyOf(g), g]) : []);
    const after = new Map(h ? grantsOf(h).map((g) => [keyOf(g), g]) : []);
    const account = (h ?? b)!.account;
    const changes: GrantChange[] = [];
    for (const [key, g] of after) {
      const old = before.get(key);
      if (!old) changes.push({ kind: "gained", environment, account, after: g, widens: true, details: [] });
      else {
        const { details, widens } = compare(old, g);
        if (details.length > 0)
          changes.push({ kind: "changed", environment, account, before: old, after: g, widens, details });
      }
    }
    for (const [key, g] of before)
      if (!after.has(key)) changes.push({ kind: "lost", environment, account, before: g, widens: false, details: [] });
    const status = !b ? "added" : !h ? "removed" : changes.length > 0 ? "changed" : "unchanged";
    return { environment, account, status, changes };
  });
  return { environments };
}

/** The environments whose access the change widens. */
export const widenedEnvironments = (change: AccessChange): string[] =>
  change.environments.filter((e) => e.changes.some((c) => c.widens)).map((e) => e.environment);

export interface Protection {
  readonly protected: boolean;
  readonly owners: readonly string[];
}

export interface RenderOptions {
  /** Protection per environment: a widening there is marked as needing its owners' approval. */
  readonly protection?: ReadonlyMap<string, Protection>;
  /** At most this many characters (rows beyond it are counted, not shown). @default no limit */
  readonly maxChars?: number;
}

const conditions = (g: Grant) =>
  [
    g.mfa === "required" ? "MFA required" : g.mfa === "at sign-in" ? "MFA at sign-in" : "no MFA",
    g.sourceIp === "any" ? "from anywhere" : `from ${g.sourceIp}`,
    g.expires ? `until ${g.expires}` : "no expiry",
    ...(g.interfaces ? [`via ${g.interfaces.map(label).join(", ") || "no interface"}`] : []),
    ...(g.untagged ? ["UNTAGGED INSTANCES REACHABLE"] : []),
  ].join(", ");

const capabilityCell = (g: Grant) =>
  `${g.capability}${g.transcript === false ? " ⚠️ no transcript" : ""}${g.note ? ` (${g.note})` : ""}`;

const esc = (c: string) => c.replace(/\|/g, "\\|").replace(/\n/g, " ");

function row(c: GrantChange): string {
  const g = (c.after ?? c.before)!;
  const what =
    c.kind === "gained" ? "➕ gains" : c.kind === "lost" ? "➖ loses" : c.widens ? "⬆️ widened" : "⬇️ narrowed";
  const instances = g.tags.length > 0 ? g.tags.join(" and ") : "none";
  const cond = c.kind === "changed" ? c.details.join("; ") : conditions(g);
  return `| ${[what, g.principal, capabilityCell(g), instances, cond].map(esc).join(" | ")} |`;
}

/** The access change as Markdown: one table per environment with a change, or "No change in access." */
export function renderAccessChange(change: AccessChange, options: RenderOptions = {}): string {
  const changed = change.environments.filter((e) => e.changes.length > 0);
  if (changed.length === 0) return "No change in access: nobody gains or loses a session on any instance.";
  const sections = changed.map((e) => {
    const p = options.protection?.get(e.environment);
    const wide = e.changes.some((c) => c.widens);
    const gate = !wide
      ? "narrows access only"
      : p?.protected
        ? `⚠️ **widens access in a protected environment**: needs an approval from ${p.owners.join(" or ")}`
        : "widens access";
    const order = (c: GrantChange) => (c.widens ? 0 : 1);
    const rows = [...e.changes].sort((a, b) => order(a) - order(b)).map(row);
    return {
      head: [
        `**${e.environment}** (account ${e.account}${e.status === "added" ? ", new environment" : e.status === "removed" ? ", removed" : ""}): ${gate}`,
        "",
        "| change | who | what | instances (tags) | conditions |",
        "| --- | --- | --- | --- | --- |",
      ],
      rows,
    };
  });
  const footer =
    "Evaluated with an IAM engine against what the base and this pull request synthesize. ⚠️ no transcript: Session Manager records shell sessions; SSH and port-forwarding sessions carry no transcript.";
  const limit = options.maxChars ?? Infinity;
  const out: string[] = [];
  let used = 0;
  let hidden = 0;
  // Room for the footer and the "N more changes" line.
  const reserve = footer.length + 80;
  for (const s of sections) {
    const headText = s.head.join("\n");
    if (used + headText.length + reserve > limit) {
      hidden += s.rows.length;
      continue;
    }
    out.push(...s.head);
    used += headText.length + 1;
    for (const r of s.rows) {
      if (used + r.length + 1 + reserve > limit) hidden++;
      else {
        out.push(r);
        used += r.length + 1;
      }
    }
    out.push("");
    used += 1;
  }
  if (hidden > 0)
    out.push(`_${hidden} more change${hidden === 1 ? "" : "s"} not shown here: see the job summary._`, "");
  out.push(footer);
  return out.join("\n");
}

/** One line per change, for the terminal. */
export function renderAccessChangeText(change: AccessChange): string {
  const lines: string[] = [];
  for (const e of change.environments) {
    if (e.changes.length === 0) continue;
    lines.push(`${e.environment} (account ${e.account}):`);
    for (const c of e.changes) {
      const g = (c.after ?? c.before)!;
      const what = c.kind === "gained" ? "+" : c.kind === "lost" ? "-" : c.widens ? "^" : "v";
      const tail = c.kind === "changed" ? c.details.join("; ") : `${g.tags.join(" and ") || "none"}; ${conditions(g)}`;
      lines.push(`  ${what} ${g.principal}: ${capabilityCell(g)} on ${tail}`);
    }
  }
  return lines.length > 0 ? lines.join("\n") : "No change in access.";
}
