/**
 * The access change between a base and a head configuration, evaluated with the IAM engine from what each
 * synthesizes: each kind of pull request produces exactly the expected grants gained, lost or changed, and whether
 * it widens access.
 */
import type { EnvironmentConfig, EnvironmentInput } from "../../loader/schema";
import { Testing } from "../../modules/core/cdktf";
import {
  accessChange,
  renderAccessChange,
  renderAccessChangeText,
  sourcesWithin,
  tagsWithin,
  type AccessChange,
  type EnvironmentAccess,
  type Grant,
} from "../../ops/lib/access-change";
import { ACCESS_BUDGET, renderComment } from "../../ops/lib/plan-comment";
import { GITHUB_COMMENT_LIMIT } from "../../ops/lib/plan-text";
import { accessReport, evaluateAccess } from "../../ops/lib/access-report";
import { SynthOutputError, synthesizedSubjects } from "../../ops/lib/synthesized-stack";
import { loadIdentity } from "../../loader/identity";
import { IdentityCenterStack } from "../../stacks/identity-center-stack";
import { CiStack } from "../../stacks/ci-stack";
import { ciSchema } from "../../loader/ci";
import * as path from "path";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { identityStack } from "../helpers/policies";
import { ENV_DIR, exampleConfig } from "../helpers/synth";

const NOW = new Date("2026-12-07T12:00:00Z");

async function accessOf(...configs: EnvironmentConfig[]): Promise<EnvironmentAccess[]> {
  const identity = identityStack(configs.map((config) => ({ file: `${config.name}.yaml`, config })));
  const out: EnvironmentAccess[] = [];
  for (const config of configs) {
    const stack = new EnvironmentStack(Testing.app(), config.name, { config });
    out.push({
      environment: config.name,
      account: config.account,
      groups: await accessReport(stack, { identity, now: NOW }),
    });
  }
  return out;
}

type Patch = (input: EnvironmentInput) => void;
const dev = (patch?: Patch) => exampleConfig("dev", patch);

/** [environment, kind, principal, capability, widens, ...details] per change. */
const changes = (c: AccessChange) =>
  c.environments.flatMap((e) =>
    e.changes.map((ch) => {
      const g = (ch.after ?? ch.before)!;
      return [e.environment, ch.kind, g.principal, g.capability, ch.widens ? "widens" : "narrows", ...ch.details];
    }),
  );

async function changeOf(base: EnvironmentConfig[], head: EnvironmentConfig[]): Promise<AccessChange> {
  return accessChange(await accessOf(...base), await accessOf(...head));
}

describe("GIVEN a base and a head configuration WHEN the access change is computed", () => {
  test("an added access group: its principals gain shell on its instances, a widening", async () => {
    const head = dev((i) => {
      i.accessGroups!.push({
        name: "data-shell",
        description: "Data engineers",
        instanceTags: { "bastionless:team": ["data"] },
        principals: { roleNames: ["data-engineer"] },
      });
    });
    const c = await changeOf([dev()], [head]);
    expect(changes(c)).toEqual([["dev", "gained", "role data-engineer", "shell", "widens"]]);
    const gained = c.environments[0].changes[0].after!;
    expect(gained).toMatchObject({
      account: "111111111111",
      tags: ["bastionless:team=data"],
      mfa: "not required",
      transcript: true,
    });
  });

  test("a widened tag selector: the same grant reaches more instances", async () => {
    const head = dev((i) => {
      i.accessGroups![0].instanceTags = { "bastionless:team": ["platform", "data"] };
    });
    expect(changes(await changeOf([dev()], [head]))).toEqual([
      [
        "dev",
        "changed",
        "IAM group bastionless-dev-platform-shell",
        "shell",
        "widens",
        "instances bastionless:team=platform → bastionless:team=data|platform (wider)",
      ],
    ]);
  });

  test("a new port-forward target: the role gains forwarding to it, marked as a channel without a transcript", async () => {
    const head = dev((i) => {
      i.accessGroups![1].capabilities!.portForwarding!.push({
        host: "dev-cache.internal.example.com",
        port: 6379,
        cidr: "10.10.32.0/20",
      });
    });
    const c = await changeOf([dev()], [head]);
    expect(changes(c)).toEqual([
      ["dev", "gained", "role developer", "port forwarding to dev-cache.internal.example.com:6379", "widens"],
    ]);
    expect(c.environments[0].changes[0].after).toMatchObject({
      transcript: false,
      note: "via egress to 10.10.32.0/20",
    });
    expect(renderAccessChange(c)).toContain("port forwarding to dev-cache.internal.example.com:6379 ⚠️ no transcript");
  });

  test("interfaces: a console added widens each session grant of the group, a console removed narrows it; the text says which", async () => {
    // GIVEN dev's tunnel role on the default (the CLI only)
    const consoles = dev((i) => {
      i.accessGroups![1].interfaces = ["cli", "ec2-console"];
    });
    // WHEN the EC2 console is added
    const wider = await changeOf([dev()], [consoles]);
    // THEN its port-forwarding grant is widened, naming the interfaces before and after
    expect(changes(wider)).toEqual([
      [
        "dev",
        "changed",
        "role developer",
        "port forwarding to dev-db.internal.example.com:5432",
        "widens",
        "interfaces CLI → CLI, EC2 console (wider)",
      ],
    ]);
    expect(renderAccessChangeText(wider)).toContain("interfaces CLI → CLI, EC2 console (wider)");
    // WHEN the platform group's Session Manager console is taken away THEN its shell is narrowed
    const narrower = await changeOf(
      [dev()],
      [
        dev((i) => {
          i.accessGroups![0].interfaces = ["cli"];
        }),
      ],
    );
    expect(changes(narrower)).toEqual([
      [
        "dev",
        "changed",
        "IAM group bastionless-dev-platform-shell",
        "shell",
        "narrows",
        "interfaces CLI, Session Manager console → CLI (narrower)",
      ],
    ]);
    // AND a gained grant shows its interfaces among its conditions
    const gained = await changeOf(
      [dev()],
      [
        dev((i) => {
          i.accessGroups!.push({
            name: "data-shell",
            description: "Data engineers",
            instanceTags: { "bastionless:team": ["data"] },
            principals: { roleNames: ["data-engineer"] },
            interfaces: ["session-manager-console"],
          });
        }),
      ],
    );
    expect(renderAccessChangeText(gained)).toContain("via CLI, Session Manager console");
  });

  test("a removed grant: its principal loses it, a narrowing", async () => {
    const head = dev((i) => {
      i.accessGroups!.splice(1, 1);
    });
    expect(changes(await changeOf([dev()], [head]))).toEqual([
      ["dev", "lost", "role developer", "port forwarding to dev-db.internal.example.com:5432", "narrows"],
    ]);
  });

  test("only a refactor (groups and tag values reordered, descriptions reworded): no change in access", async () => {
    const base = dev((i) => {
      i.accessGroups![1].instanceTags = { "bastionless:tier": ["shell", "db-proxy"] };
    });
    const head = dev((i) => {
      i.accessGroups!.reverse();
      i.accessGroups![0].instanceTags = { "bastionless:tier": ["db-proxy", "shell"] };
      i.accessGroups![1].description = "Platform engineers (reworded)";
    });
    const c = await changeOf([base], [head]);
    expect(changes(c)).toEqual([]);
    expect(c.environments.map((e) => e.status)).toEqual(["unchanged"]);
    expect(renderAccessChange(c)).toBe("No change in access: nobody gains or loses a session on any instance.");
    expect(renderAccessChangeText(c)).toBe("No change in access.");
  });

  test("an expiry moved later: a widening; moved earlier: a narrowing", async () => {
    const at = (expires: string) =>
      dev((i) => {
        i.accessGroups![0].expires = expires;
      });
    expect(changes(await changeOf([at("2026-12-31T18:00:00Z")], [at("2027-01-31T18:00:00Z")]))).toEqual([
      [
        "dev",
        "changed",
        "IAM group bastionless-dev-platform-shell",
        "shell",
        "widens",
        "expires 2026-12-31T18:00:00Z → 2027-01-31T18:00:00Z (later: wider)",
      ],
    ]);
    expect(changes(await changeOf([at("2027-01-31T18:00:00Z")], [at("2026-12-31T18:00:00Z")]))).toEqual([
      [
        "dev",
        "changed",
        "IAM group bastionless-dev-platform-shell",
        "shell",
        "narrows",
        "expires 2027-01-31T18:00:00Z → 2026-12-31T18:00:00Z (earlier: narrower)",
      ],
    ]);
    // Removing the expiry makes the grant permanent: wider.
    expect(changes(await changeOf([at("2026-12-31T18:00:00Z")], [dev()]))[0]).toContain(
      "expires 2026-12-31T18:00:00Z → never (later: wider)",
    );
  });

  test("a new Identity Center assignment: the Identity Center group gains the permission set and its shell", async () => {
    const head = dev((i) => {
      i.accessGroups![0].principals = {
        iamGroup: true,
        identityCenter: { permissionSetName: "DevPlatformShell", groups: ["Platform-Engineers"] },
      };
    });
    const c = await changeOf([dev()], [head]);
    const who = "Identity Center group Platform-Engineers (permission set DevPlatformShell, account 111111111111)";
    expect(changes(c)).toEqual([
      ["dev", "gained", who, "Identity Center permission set DevPlatformShell", "widens"],
      ["dev", "gained", who, "shell", "widens"],
    ]);
    expect(c.environments[0].changes[1].after).toMatchObject({
      tags: ["bastionless:team=platform"],
      mfa: "at sign-in",
    });
  });

  test("MFA dropped and a source network opened are widenings; a narrower network is not", async () => {
    const base = dev((i) => {
      i.accessGroups![0].sourceCidrs = ["10.0.0.0/8"];
    });
    const head = dev((i) => {
      i.accessGroups![0].requireMfa = false;
      i.accessGroups![0].sourceCidrs = ["10.1.0.0/16"];
    });
    expect(changes(await changeOf([base], [head]))).toEqual([
      [
        "dev",
        "changed",
        "IAM group bastionless-dev-platform-shell",
        "shell",
        "widens",
        "MFA required → not required (wider)",
        "source 10.0.0.0/8 → 10.1.0.0/16 (narrower)",
      ],
    ]);
  });
});

const CI = ciSchema.parse({ github: { owner: "acme", ownerId: 1001, repository: "infra", repositoryId: 2002 } });

describe("GIVEN prod's break-glass role WHEN its principals change", () => {
  /** prod's access with the ci stack, which holds its break-glass role. */
  async function prodAccess(config: EnvironmentConfig): Promise<EnvironmentAccess[]> {
    const app = Testing.app();
    const stack = new EnvironmentStack(app, config.name, { config, breakGlassRoleInCiStack: true });
    const ci = new CiStack(app, "ci", { environments: [config], ci: CI });
    return [{ environment: config.name, account: config.account, groups: await accessReport(stack, { ci, now: NOW }) }];
  }
  const CAROL = "arn:aws:iam::333333333333:user/carol";
  const withCarol = exampleConfig("prod", (i) => i.breakGlass!.principals.push(CAROL));

  test("a principal added: she gains shell through the role, a widening (owner approval in a protected environment)", async () => {
    const c = accessChange(await prodAccess(exampleConfig("prod")), await prodAccess(withCarol));
    expect(changes(c)).toEqual([
      ["prod", "gained", `${CAROL} through break-glass role bastionless-prod-break-glass`, "shell", "widens"],
    ]);
    expect(c.environments[0].changes[0].after).toMatchObject({
      tags: ["bastionless:environment=prod", "bastionless:team=sre"],
      mfa: "required",
      transcript: true,
    });
  });

  test("a principal removed: a narrowing", async () => {
    const c = accessChange(await prodAccess(withCarol), await prodAccess(exampleConfig("prod")));
    expect(changes(c)).toEqual([
      ["prod", "lost", `${CAROL} through break-glass role bastionless-prod-break-glass`, "shell", "narrows"],
    ]);
  });
});

describe("the access of a synthesized output directory (what the base commit's own code wrote)", () => {
  test("equals the access of the stacks built in this process, for every example environment, Identity Center and break-glass included", async () => {
    const configs = ["dev", "prod", "staging"].map((n) => exampleConfig(n)); // the order of the output: by name
    const loaded = configs.map((config) => ({ file: `${config.name}.yaml`, config }));
    const app = Testing.app();
    const identity = new IdentityCenterStack(app, "identity", {
      identity: loadIdentity(path.join(ENV_DIR, "..", "identity.yaml"), loaded)!.config,
      environments: configs,
    });
    const ci = new CiStack(app, "ci", { environments: configs, ci: CI });
    const stacks = configs.map(
      (config) => new EnvironmentStack(app, config.name, { config, breakGlassRoleInCiStack: true }),
    );
    app.synth();
    const subjects = synthesizedSubjects(app.outdir);
    expect(subjects.map((s) => [s.environment, s.account, s.region, s.groups])).toEqual(
      configs.map((c) => [c.name, c.account, c.region, c.accessGroups.map((g) => g.name)]),
    );
    for (const [i, stack] of stacks.entries()) {
      const fromStack = await accessReport(stack, { identity, ci, now: NOW });
      const fromOutput = await evaluateAccess(subjects[i], { now: NOW });
      expect([configs[i].name, fromOutput]).toEqual([configs[i].name, fromStack]);
    }
  });

  test("a directory without a synth manifest is refused with the command to run", () => {
    expect(() => synthesizedSubjects(path.join(ENV_DIR, ".."))).toThrow(SynthOutputError);
    expect(() => synthesizedSubjects(path.join(ENV_DIR, ".."))).toThrow(/no manifest\.json; run npm run synth first/);
  });
});

describe("comparisons", () => {
  test.each([
    [["bastionless:team=platform"], ["bastionless:team=platform"], true],
    [["bastionless:team=platform"], ["bastionless:team=platform|data"], true],
    [["bastionless:team=platform|data"], ["bastionless:team=platform"], false],
    [["bastionless:team=platform", "Env=dev"], ["bastionless:team=platform"], true],
    [["bastionless:team=platform"], ["bastionless:team=platform", "Env=dev"], false],
  ])("tags %j within %j: %s", (after, before, within) => {
    expect(tagsWithin(after, before)).toBe(within);
  });
  test.each([
    ["10.1.0.0/16", "10.0.0.0/8", true],
    ["10.0.0.0/8", "10.1.0.0/16", false],
    ["any", "10.0.0.0/8", false],
    ["10.0.0.0/8", "any", true],
  ])("source %s within %s: %s", (after, before, within) => {
    expect(sourcesWithin(after, before)).toBe(within);
  });
});

describe("the access change in the pull-request comment", () => {
  const grant = (i: number): Grant => ({
    environment: "prod",
    account: "333333333333",
    group: `group-${i}`,
    principal: `role team-${i}`,
    capability: `port forwarding to db-${i}.internal:5432`,
    transcript: false,
    tags: [`bastionless:team=team-${i}|shared`],
    untagged: false,
    mfa: "not required",
    sourceIp: "any",
  });
  const many: AccessChange = {
    environments: [
      {
        environment: "prod",
        account: "333333333333",
        status: "changed",
        changes: Array.from({ length: 3000 }, (_, i) => ({
          kind: i % 2 === 0 ? ("gained" as const) : ("lost" as const),
          environment: "prod",
          account: "333333333333",
          [i % 2 === 0 ? "after" : "before"]: grant(i),
          widens: i % 2 === 0,
          details: [],
        })),
      },
    ],
  };
  const protection = new Map([["prod", { protected: true, owners: ["@example-org/sre-leads"] }]]);

  test("GIVEN 3000 changed grants THEN the section fits its share, widenings first, the rest counted; the comment stays under GitHub's limit", () => {
    const md = renderAccessChange(many, { protection, maxChars: ACCESS_BUDGET });
    expect(md.length).toBeLessThanOrEqual(ACCESS_BUDGET);
    expect(md).toContain(
      "⚠️ **widens access in a protected environment**: needs an approval from @example-org/sre-leads",
    );
    expect(md).toMatch(/_\d+ more changes not shown here: see the job summary\._/);
    const rows = md.split("\n").filter((l) => /^\| (➕|➖)/.test(l));
    expect(rows[0]).toMatch(
      /^\| ➕ gains \| role team-0 \| port forwarding to db-0\.internal:5432 ⚠️ no transcript \|/,
    );
    const body = renderComment({ plans: [], accessChange: md });
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(body.indexOf("### Access changes")).toBeLessThan(body.indexOf("### Plans"));
    expect(body).toContain("needs an approval from @example-org/sre-leads");
    // Whole in the job summary (no limit): every change is there.
    expect(
      renderAccessChange(many, { protection })
        .split("\n")
        .filter((l) => /^\| (➕|➖)/.test(l)),
    ).toHaveLength(3000);
  });

  test("GIVEN no access change file THEN the comment falls back to the access-report row diff", () => {
    expect(renderComment({ plans: [] })).toContain("_The access report could not be computed._");
    expect(renderComment({ plans: [], accessChange: "No change in access." })).toContain(
      "### Access changes\n\nNo change in access.",
    );
  });
});
