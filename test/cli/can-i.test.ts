/**
 * `bastionless can-i` answers from the access report; these tests prove its answers equal the report's and, behind
 * the report, the IAM engine's verdict on the synthesized policies for an instance with the probed tags.
 */
import { accessReport, BREAK_GLASS_GROUP } from "../../ops/lib/access-report";
import { evaluate } from "../../ops/lib/iam-evaluate";
import {
  ACCESS_REPORT_FORMAT,
  canI,
  readAccessReport,
  deniedCaller,
  forPrincipal,
  renderVerdicts,
  type ReportedEnvironment,
  type SessionKind,
} from "../../cli/access";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliError } from "../../cli/errors";
import { loadEnvironments } from "../../loader/load";
import {
  accessGroupPolicy,
  concretePolicyOf,
  environmentStackOf,
  identityStack,
  instanceArn,
  synthEnvironment,
  type EnvScope,
} from "../helpers/policies";
import { ENV_DIR, exampleConfig } from "../helpers/synth";

const NOW = new Date("2026-12-07T05:00:00Z");

async function reported(name: string, patch?: Parameters<typeof exampleConfig>[1]) {
  const config = exampleConfig(name, patch);
  const tf = synthEnvironment(config);
  const groups = await accessReport(environmentStackOf(tf), { now: NOW });
  const environment: ReportedEnvironment = { account: config.account, region: config.region, groups };
  return { config, tf, environment };
}

/** The engine's verdict: StartSession on an instance with these tags and on the session's document. */
async function engineAllows(
  policy: object,
  env: EnvScope,
  principal: string,
  tags: Record<string, string>,
  document: string,
): Promise<boolean> {
  const context = {
    "aws:userid": principal.includes(":user/") ? "AIDAREPORTUSER" : "AROAREPORTROLE:report",
    "aws:MultiFactorAuthPresent": "true",
    "aws:SourceIp": "10.0.0.10",
    "aws:CurrentTime": NOW.toISOString(),
    // A break-glass session carries a source identity (its trust requires one); other policies ignore it.
    "aws:SourceIdentity": "report",
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`ssm:resourceTag/${k}`, v])),
  };
  const onInstance = await evaluate({ principal, action: "ssm:StartSession", resource: instanceArn(env), context }, [
    policy,
  ]);
  const onDocument = await evaluate(
    {
      principal,
      action: "ssm:StartSession",
      resource: document.startsWith("AWS-")
        ? `arn:aws:ssm:${env.region}::document/${document}`
        : `arn:aws:ssm:${env.region}:${env.account}:document/${document}`,
      context,
    },
    [policy],
  );
  return onInstance === "Allowed" && onDocument === "Allowed";
}

describe("can-i equals the access report and the IAM engine", () => {
  test.each(["dev", "staging", "prod"])(
    "%s: for every principal and every probed instance, can-i says yes exactly when the engine allows the shell",
    async (name) => {
      // GIVEN the report of the example environment and instances tagged with every reachable value, a wrong value
      // of each key, and no tags at all
      const { config, tf, environment } = await reported(name);
      const probes: Record<string, string>[] = [{}];
      for (const g of config.accessGroups) {
        const first = Object.fromEntries(Object.entries(g.instanceTags).map(([k, vs]) => [k, vs[0]]));
        probes.push(first);
        for (const [k, vs] of Object.entries(g.instanceTags)) {
          for (const v of vs) probes.push({ ...first, [k]: v });
          probes.push({ ...first, [k]: "someone-else" });
        }
      }
      const seen = new Set<boolean>();
      for (const tags of probes) {
        const verdicts = canI(environment, tags, { kind: "shell" }, NOW);
        for (const v of verdicts) {
          // WHEN the same question goes to the engine with that principal's synthesized policy
          const kind = v.principal.startsWith("IAM group") ? "group" : "role";
          // The break-glass role (prod) is no access group: its own policy, its own session.
          const breakGlass = v.group === BREAK_GLASS_GROUP ? environmentStackOf(tf).breakGlassRole! : undefined;
          const policy = breakGlass
            ? concretePolicyOf(tf, breakGlass.policy, config)
            : accessGroupPolicy(tf, config, v.group, kind);
          const arn = breakGlass
            ? `arn:aws:sts::${config.account}:assumed-role/bastionless-${name}-break-glass/report`
            : kind === "group"
              ? `arn:aws:iam::${config.account}:user/report-user`
              : `arn:aws:sts::${config.account}:assumed-role/${v.principal.replace(/^role /, "")}/report`;
          const engine = await engineAllows(policy, config, arn, tags, "SSM-SessionManagerRunShell");
          // THEN can-i agrees
          expect({ tags, group: v.group, principal: v.principal, allowed: v.allowed }).toEqual({
            tags,
            group: v.group,
            principal: v.principal,
            allowed: engine,
          });
          seen.add(engine);
        }
      }
      // both answers occurred: the probes reach and miss every group
      expect([...seen].sort()).toEqual([false, true]);
    },
  );

  test("dev: port forwarding is granted only to the tunnel role, only to its one target, only through its tags", async () => {
    const { config, tf, environment } = await reported("dev");
    const forward: SessionKind = { kind: "forward", host: "dev-db.internal.example.com", port: 5432 };
    const probes: Record<string, string>[] = [
      { "bastionless:tier": "db-proxy" },
      { "bastionless:tier": "shell", "bastionless:team": "platform" },
      { "bastionless:team": "platform" },
    ];
    for (const tags of probes) {
      const verdicts = canI(environment, tags, forward, NOW);
      for (const v of verdicts) {
        const kind = v.principal.startsWith("IAM group") ? "group" : "role";
        const arn =
          kind === "group"
            ? `arn:aws:iam::${config.account}:user/report-user`
            : `arn:aws:sts::${config.account}:assumed-role/developer/report`;
        const engine = await engineAllows(
          accessGroupPolicy(tf, config, v.group, kind),
          config,
          arn,
          tags,
          "bastionless-dev-db-tunnel-port-dev-db.internal.example.com-5432",
        );
        expect([tags, v.principal, v.allowed]).toEqual([tags, v.principal, engine]);
      }
    }
    const other = canI(
      environment,
      { "bastionless:tier": "db-proxy" },
      { kind: "forward", host: "other-db", port: 5432 },
      NOW,
    );
    expect(other.every((v) => !v.allowed)).toBe(true);
  });
});

describe("can-i's reasons", () => {
  let dev: ReportedEnvironment;
  beforeAll(async () => {
    dev = (await reported("dev")).environment;
  });

  test("a report written before interfaces existed still reads: its verdicts name none", () => {
    // GIVEN the JSON of an older report (no interfaces field)
    const older = {
      format: ACCESS_REPORT_FORMAT,
      generatedAt: "2026-11-01T00:00:00Z",
      environments: {
        dev: {
          account: "111111111111",
          region: "eu-west-1",
          groups: dev.groups.map((g) => ({
            group: g.group,
            principals: g.principals.map(({ interfaces: _, ...p }) => p),
          })),
        },
      },
    };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-can-i-")), "access-report.json");
    fs.writeFileSync(file, JSON.stringify(older));
    // WHEN it is read THEN the verdicts are the same, without the interfaces note
    const verdicts = canI(
      readAccessReport(file).environments.dev,
      { "bastionless:team": "platform" },
      { kind: "shell" },
      NOW,
    );
    expect(renderVerdicts(verdicts)[0]).toBe(
      "yes  platform-shell  IAM group bastionless-dev-platform-shell: shell (MFA required)",
    );
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  test("names the tag that is missing or different, and the session type not granted", () => {
    const verdicts = canI(dev, { "bastionless:team": "web" }, { kind: "shell" }, NOW);
    const shell = verdicts.find((v) => v.group === "platform-shell")!;
    const tunnel = verdicts.find((v) => v.group === "db-tunnel")!;
    expect(shell).toEqual(
      expect.objectContaining({
        allowed: false,
        reasons: ["needs tag bastionless:team=platform; the instance has bastionless:team=web"],
      }),
    );
    expect(tunnel.allowed).toBe(false);
    expect(tunnel.reasons).toEqual([
      "needs tag bastionless:tier=shell|db-proxy; the instance has no bastionless:tier tag",
      "grants no shell (it grants port-forward dev-db.internal.example.com:5432)",
    ]);
  });

  test("a yes carries what applies (MFA, the interfaces); any session type counts when none is asked", () => {
    const verdicts = canI(dev, { "bastionless:team": "platform", "bastionless:tier": "shell" }, { kind: "any" }, NOW);
    expect(verdicts.map((v) => [v.group, v.allowed, v.sessions])).toEqual([
      ["platform-shell", true, ["shell"]],
      ["db-tunnel", true, ["port-forward dev-db.internal.example.com:5432"]],
    ]);
    expect(renderVerdicts(verdicts)[0]).toBe(
      "yes  platform-shell  IAM group bastionless-dev-platform-shell: shell (MFA required; interfaces: cli, session-manager-console)",
    );
    expect(renderVerdicts(verdicts)[1]).toBe(
      "yes  db-tunnel       role developer: port-forward dev-db.internal.example.com:5432 (interfaces: cli)",
    );
  });

  test("an expired group reaches nothing, and says so", async () => {
    const { environment } = await reported("dev", (input: any) => {
      input.accessGroups[0].expires = "2026-12-01T00:00:00Z";
    });
    const shell = canI(environment, { "bastionless:team": "platform" }, { kind: "shell" }, NOW).find(
      (v) => v.group === "platform-shell",
    )!;
    expect(shell.allowed).toBe(false);
    expect(shell.reasons.join("; ")).toMatch(/reaches no instance/);
  });

  test("--as keeps your principals; an unknown one is a usage error listing the report's", () => {
    const all = canI(dev, { "bastionless:team": "platform" }, { kind: "any" }, NOW);
    expect(forPrincipal(all, "role developer").map((v) => v.group)).toEqual(["db-tunnel"]);
    expect(forPrincipal(all, "platform-shell").map((v) => v.group)).toEqual(["platform-shell"]);
    expect(() => forPrincipal(all, "nobody")).toThrow(CliError);
    expect(() => forPrincipal(all, "nobody")).toThrow(/role developer/);
  });

  test("the denied caller is found in AWS's AccessDenied message and picks its own rows of the report", async () => {
    // GIVEN prod's report with its Identity Center rows (the permission set and the group assigned it)
    const config = exampleConfig("prod");
    const tf = synthEnvironment(config);
    const groups = await accessReport(environmentStackOf(tf), {
      now: NOW,
      identity: identityStack(loadEnvironments(ENV_DIR)),
    });
    const principals = groups.flatMap((g) => g.principals.map((p) => p.principal));
    const rows = (message: string) => principals.filter((p) => deniedCaller(message)?.matches(p));
    expect(principals.filter((p) => p.startsWith("Identity Center")).length).toBeGreaterThanOrEqual(1);
    // WHEN an Identity Center user of the permission set is denied THEN its rows, not the IAM group's
    const sso = deniedCaller(
      "User: arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_SessionManagerSRE_0123456789abcdef/bob@example.com is not authorized",
    );
    expect(sso?.label).toBe("permission set SessionManagerSRE");
    expect(
      rows(
        "User: arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_SessionManagerSRE_0123456789abcdef/bob@example.com is not authorized",
      ),
    ).toEqual(principals.filter((p) => p.startsWith("Identity Center")));
    // an IAM user may be in any IAM group; a role is its own row only
    expect(rows("User: arn:aws:iam::333333333333:user/carol is not authorized")).toEqual(
      principals.filter((p) => p.startsWith("IAM group ")),
    );
    const role = deniedCaller("User: arn:aws:sts::111111111111:assumed-role/developer/alice is not authorized");
    expect([role?.label, role?.matches("role developer"), role?.matches("role developer2")]).toEqual([
      "role developer",
      true,
      false,
    ]);
    expect(deniedCaller("no arn here")).toBeUndefined();
  });

  test("the report format is versioned", () => {
    expect(ACCESS_REPORT_FORMAT).toBe("bastionless-access-report/1");
  });
});
