/**
 * The required check: a pull request that widens access in a protected environment needs an approval of its head
 * commit from that environment's owners; narrowing passes without one. Pure decisions over the access change, the
 * reviews and the owner teams' members; the first describe drives it from real base/head configurations.
 */
import type { EnvironmentConfig } from "../../loader/schema";
import { Testing } from "../../modules/core/cdktf";
import { decideApproval, type Review } from "../../ops/lib/access-approval";
import { accessChange, type AccessChange, type EnvironmentAccess, type Protection } from "../../ops/lib/access-change";
import { accessReport } from "../../ops/lib/access-report";
import { effectiveProtection } from "../../ops/lib/protection";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { exampleConfig } from "../helpers/synth";

const NOW = new Date("2026-12-07T12:00:00Z");
const HEAD = "a".repeat(40);
const OLD = "b".repeat(40);
const PROD: ReadonlyMap<string, Protection> = new Map([
  ["prod", { protected: true, owners: ["@example-org/sre-leads", "@carol"] }],
  ["dev", { protected: false, owners: [] }],
]);
const TEAMS = new Map([["@example-org/sre-leads", ["alice", "bob"]]]);

async function accessOf(config: EnvironmentConfig): Promise<EnvironmentAccess[]> {
  const stack = new EnvironmentStack(Testing.app(), config.name, { config });
  return [{ environment: config.name, account: config.account, groups: await accessReport(stack, { now: NOW }) }];
}

const approve = (user: string, commit = HEAD): Review => ({ user, state: "APPROVED", commit });
const decide = (
  change: AccessChange | undefined,
  reviews: Review[],
  extra: Partial<Parameters<typeof decideApproval>[0]> = {},
) => decideApproval({ change, protection: PROD, reviews, teams: TEAMS, headSha: HEAD, author: "dave", ...extra });

describe("GIVEN pull requests against prod (protected, owners @example-org/sre-leads and @carol)", () => {
  let widened: AccessChange;
  let narrowed: AccessChange;
  beforeAll(async () => {
    const base = exampleConfig("prod");
    const wider = exampleConfig("prod", (i) => {
      i.accessGroups![0].instanceTags = { "bastionless:environment": ["prod"], "bastionless:team": ["sre", "data"] };
    });
    const narrower = exampleConfig("prod", (i) => {
      i.accessGroups![0].instanceTags = {
        "bastionless:environment": ["prod"],
        "bastionless:team": ["sre"],
        "bastionless:tier": ["app"],
      };
    });
    widened = accessChange(await accessOf(base), await accessOf(wider));
    narrowed = accessChange(await accessOf(base), await accessOf(narrower));
  });

  test("WHEN it widens prod access without an owner's approval THEN the required check fails, naming the owners", () => {
    const r = decide(widened, [approve("eve")]);
    expect(r.ok).toBe(false);
    expect(r.environments.map((e) => [e.environment, e.approvedBy])).toEqual([["prod", undefined]]);
    expect(r.summary).toContain("needs an approval of the head commit from @example-org/sre-leads or @carol");
  });

  test("WHEN it narrows prod access THEN the check passes with no review at all", () => {
    expect(narrowed.environments[0].changes.every((c) => !c.widens)).toBe(true);
    const r = decide(narrowed, []);
    expect(r.ok).toBe(true);
    expect(r.environments).toEqual([]);
  });

  test("WHEN a member of the owner team approves the head commit THEN it passes", () => {
    const r = decide(widened, [approve("Alice")]);
    expect(r.ok).toBe(true);
    expect(r.environments[0].approvedBy).toBe("Alice (@example-org/sre-leads)");
  });

  test("WHEN the owning user approves THEN it passes", () => {
    expect(decide(widened, [approve("carol")]).ok).toBe(true);
  });

  test("WHEN the owner approved an earlier commit THEN it fails (the widening may have changed since)", () => {
    const r = decide(widened, [approve("alice", OLD)]);
    expect(r.ok).toBe(false);
    expect(r.environments[0].problems).toEqual([
      "alice (@example-org/sre-leads) approved bbbbbbb, not the head aaaaaaa",
    ]);
  });

  test("WHEN the owner's approval is followed by their request for changes or a dismissal THEN it fails", () => {
    expect(decide(widened, [approve("alice"), { user: "alice", state: "CHANGES_REQUESTED", commit: HEAD }]).ok).toBe(
      false,
    );
    expect(decide(widened, [approve("alice"), { user: "alice", state: "DISMISSED", commit: HEAD }]).ok).toBe(false);
    // A later comment does not withdraw an approval (as on GitHub).
    expect(decide(widened, [approve("alice"), { user: "alice", state: "COMMENTED", commit: HEAD }]).ok).toBe(true);
  });

  test("WHEN the author is an owner THEN their own approval does not count", () => {
    expect(decide(widened, [approve("alice")], { author: "alice" }).ok).toBe(false);
  });

  test("WHEN the team's members cannot be read THEN a team member's approval cannot count and the check says why", () => {
    const r = decide(widened, [approve("alice")], { teams: new Map() });
    expect(r.ok).toBe(false);
    expect(r.environments[0].problems).toContain(
      "the members of @example-org/sre-leads could not be read (the token needs organization Members: read)",
    );
  });

  test("WHEN the access change could not be computed THEN every protected environment needs its owners (fails closed)", () => {
    expect(decide(undefined, []).ok).toBe(false);
    expect(decide(undefined, [approve("carol")]).ok).toBe(true);
  });

  test("WHEN the pull request unprotects prod or changes its owners THEN the base owners must approve", () => {
    const none = accessChange([], []);
    const headUnprotected = new Map([["prod", { protected: false, owners: [] }]]);
    const protection = effectiveProtection(PROD, headUnprotected);
    expect(protection.get("prod")).toEqual(PROD.get("prod"));
    const r = decide(none, [], { protection, headProtection: headUnprotected });
    expect(r.ok).toBe(false);
    expect(r.environments[0].why).toBe("the pull request changes the environment's protection or owners");
    const selfOwned = new Map([["prod", { protected: true, owners: ["@dave"] }]]);
    expect(effectiveProtection(PROD, selfOwned).get("prod")!.owners).toEqual(["@example-org/sre-leads", "@carol"]);
  });

  test("WHEN only an unprotected environment is widened THEN no approval is needed", () => {
    const devWidened: AccessChange = {
      environments: [{ ...widened.environments[0], environment: "dev" }],
    };
    expect(decide(devWidened, []).ok).toBe(true);
  });
});
