/**
 * The required check of a pull request that changes access: a pull request that widens access in a protected
 * environment needs an approval, on its current head commit, from one of that environment's owners (a user
 * `@login` or a team `@org/team`); narrowing needs nothing. When the access change could not be computed, every
 * protected environment is treated as widened (the check fails closed). Pure: the workflow fetches the reviews and
 * the owner teams' members and hands them in.
 */
import type { AccessChange, Protection } from "./access-change";

export interface Review {
  /** The reviewer's login. */
  readonly user: string;
  readonly state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  /** The commit the review was given on. */
  readonly commit: string;
}

export interface ApprovalInput {
  /** The access change; undefined when it could not be computed (then every protected environment needs approval). */
  readonly change?: AccessChange;
  readonly protection: ReadonlyMap<string, Protection>;
  /** The head's own protection (ops/lib/protection.ts): unprotecting or changing the owners needs the owners too. */
  readonly headProtection?: ReadonlyMap<string, Protection>;
  /** Every review of the pull request, oldest first (as the GitHub API lists them). */
  readonly reviews: readonly Review[];
  /** The members (logins) of each owner team, `@org/team` → logins; a team missing here could not be read. */
  readonly teams: ReadonlyMap<string, readonly string[]>;
  readonly headSha: string;
  /** The pull request's author, who cannot approve their own change. */
  readonly author: string;
}

export interface EnvironmentDecision {
  readonly environment: string;
  readonly owners: readonly string[];
  readonly why: string;
  /** The owner whose approval counts, if any. */
  readonly approvedBy?: string;
  /** Why no approval counts (stale, by the author, changes requested, team unreadable). */
  readonly problems: readonly string[];
}

export interface ApprovalResult {
  readonly ok: boolean;
  readonly environments: readonly EnvironmentDecision[];
  /** Markdown for the job summary. */
  readonly summary: string;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The latest state of each reviewer: a COMMENTED or PENDING review does not replace an approval or a request. */
function latestByUser(reviews: readonly Review[]): Map<string, Review> {
  const out = new Map<string, Review>();
  for (const r of reviews) {
    if (r.state === "COMMENTED" || r.state === "PENDING") continue;
    out.set(r.user.toLowerCase(), r);
  }
  return out;
}

/** Whether `login` is `owner` (`@login`) or a member of it (`@org/team`); undefined when the team is unknown. */
function isOwner(login: string, owner: string, teams: ReadonlyMap<string, readonly string[]>): boolean | undefined {
  const name = owner.replace(/^@/, "");
  if (!name.includes("/")) return same(name, login);
  const members = teams.get(owner) ?? [...teams].find(([t]) => same(t, owner))?.[1];
  return members === undefined ? undefined : members.some((m) => same(m, login));
}

export function decideApproval(input: ApprovalInput): ApprovalResult {
  const needing: { environment: string; why: string }[] = [];
  for (const [environment, p] of [...input.protection].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!p.protected) continue;
    if (input.change === undefined) {
      needing.push({ environment, why: "the access change could not be computed, so a widening cannot be ruled out" });
      continue;
    }
    const h = input.headProtection?.get(environment);
    if (input.headProtection && (!h?.protected || [...h.owners].sort().join() !== [...p.owners].sort().join())) {
      needing.push({ environment, why: "the pull request changes the environment's protection or owners" });
      continue;
    }
    const env = input.change.environments.find((e) => e.environment === environment);
    const wide = env?.changes.filter((c) => c.widens) ?? [];
    if (wide.length > 0)
      needing.push({ environment, why: `${wide.length} grant${wide.length === 1 ? "" : "s"} widened or added` });
  }
  const latest = latestByUser(input.reviews);
  const environments = needing.map(({ environment, why }): EnvironmentDecision => {
    const owners = input.protection.get(environment)!.owners;
    const problems: string[] = [];
    let approvedBy: string | undefined;
    for (const r of latest.values()) {
      const matches = owners.map((o) => ({ o, is: isOwner(r.user, o, input.teams) }));
      const owner = matches.find((m) => m.is)?.o;
      if (!owner) continue;
      if (r.state === "CHANGES_REQUESTED") problems.push(`${r.user} (${owner}) requested changes`);
      else if (r.state !== "APPROVED") continue;
      else if (same(r.user, input.author)) problems.push(`${r.user} is the author and cannot approve their own change`);
      else if (r.commit !== input.headSha)
        problems.push(
          `${r.user} (${owner}) approved ${r.commit.slice(0, 7)}, not the head ${input.headSha.slice(0, 7)}`,
        );
      else approvedBy ??= `${r.user} (${owner})`;
    }
    for (const o of owners)
      if (o.includes("/") && isOwner("", o, input.teams) === undefined)
        problems.push(`the members of ${o} could not be read (the token needs organization Members: read)`);
    const blocked = problems.some((p) => p.includes("requested changes"));
    return { environment, owners, why, approvedBy: blocked ? undefined : approvedBy, problems };
  });
  const ok = environments.every((e) => e.approvedBy !== undefined);
  const lines = environments.map(
    (e) =>
      `- ${e.approvedBy ? "✅" : "❌"} **${e.environment}** (protected; ${e.why}): ${e.approvedBy ? `approved by ${e.approvedBy}` : `needs an approval of the head commit from ${e.owners.join(" or ")}`}${e.problems.length > 0 ? `; ${e.problems.join("; ")}` : ""}`,
  );
  const summary = [
    "### Access approval",
    "",
    environments.length === 0
      ? "✅ No protected environment's access is widened: no owner approval needed."
      : ok
        ? "✅ Every widened protected environment is approved by its owners."
        : "❌ This pull request widens access in a protected environment without its owners' approval.",
    ...(lines.length > 0 ? ["", ...lines] : []),
  ].join("\n");
  return { ok, environments, summary };
}
