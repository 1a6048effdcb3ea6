/**
 * Time-bound access: `expires` on an access group, or on one port-forward target, becomes DateLessThan
 * aws:CurrentTime in the policy, so access ends on time without a deployment. The IAM engine is asked at instants
 * before and after; "now" is always given, never read from the clock.
 */
import { checkExpiries } from "../../loader/expiry";
import type { LoadedEnvironment } from "../../loader/load";
import { environmentSchema } from "../../loader/schema";
import { Testing } from "../../modules/core/cdktf";
import { accessReport } from "../../ops/lib/access-report";
import { evaluate, type Request } from "../../ops/lib/iam-evaluate";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { instanceArn, accessGroupPolicy, synthEnvironment } from "../helpers/policies";
import { exampleConfig, exampleInput } from "../helpers/synth";

const DEV = { account: "111111111111", region: "eu-west-1" };
const EXPIRY = "2026-12-31T18:00:00Z";
const doc = (name: string) => `arn:aws:ssm:${DEV.region}:${DEV.account}:document/${name}`;
const alice = "arn:aws:iam::111111111111:user/alice";
const at = (time: string, action: string, resource: string, context: Record<string, string> = {}): Request => ({
  principal: alice,
  action,
  resource,
  context: { "aws:userid": "AIDAALICE", "aws:MultiFactorAuthPresent": "true", "aws:CurrentTime": time, ...context },
});

describe("GIVEN the platform-shell group expires at 2026-12-31T18:00:00Z", () => {
  let policy: object;
  beforeAll(() => {
    const config = exampleConfig("dev", (i) => {
      i.accessGroups![0].expires = EXPIRY;
    });
    policy = accessGroupPolicy(synthEnvironment(config), DEV, "platform-shell", "group");
  });
  const shellOn = (time: string) => [
    at(time, "ssm:StartSession", instanceArn(DEV), { "ssm:resourceTag/bastionless:team": "platform" }),
    at(time, "ssm:StartSession", doc("SSM-SessionManagerRunShell"), { "ssm:SessionDocumentAccessCheck": "true" }),
  ];

  test("WHEN a member starts a shell one second before THEN it is allowed", async () => {
    for (const r of shellOn("2026-12-31T17:59:59Z")) expect(await evaluate(r, [policy])).toBe("Allowed");
  });
  test("WHEN a member starts a shell at the expiry instant or later THEN it is denied, without any deployment", async () => {
    for (const time of [EXPIRY, "2027-01-01T09:00:00Z"])
      for (const r of shellOn(time)) expect(await evaluate(r, [policy])).toBe("ImplicitlyDenied");
  });
  test("WHEN a member resumes their own session after the expiry THEN it is denied", async () => {
    const resume = at(
      "2027-01-01T00:00:00Z",
      "ssm:ResumeSession",
      `arn:aws:ssm:${DEV.region}:${DEV.account}:session/alice-01`,
      {
        "ssm:resourceTag/aws:ssmmessages:session-id": "AIDAALICE",
      },
    );
    expect(await evaluate(resume, [policy])).toBe("ImplicitlyDenied");
    expect(
      await evaluate({ ...resume, context: { ...resume.context, "aws:CurrentTime": "2026-12-01T00:00:00Z" } }, [
        policy,
      ]),
    ).toBe("Allowed");
  });
  test("THEN the denies do not expire: tag protection still holds after the expiry", async () => {
    const ec2 = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:*", Resource: "*" }] };
    const tag = at("2027-06-01T00:00:00Z", "ec2:CreateTags", instanceArn(DEV), { "aws:TagKeys": "bastionless:team" });
    expect(
      await evaluate({ ...tag, context: { ...tag.context, "aws:TagKeys": ["bastionless:team"] } } as Request, [
        policy,
        ec2,
      ]),
    ).toBe("ExplicitlyDenied");
  });
});

describe("GIVEN one port-forward target of db-tunnel expires, another does not", () => {
  let policy: object;
  beforeAll(() => {
    const config = exampleConfig("dev", (i) => {
      i.accessGroups![1].capabilities!.portForwarding = [
        { host: "dev-db.internal.example.com", port: 5432, cidr: "10.10.16.0/20", expires: EXPIRY },
        { host: "dev-cache.internal.example.com", port: 6379, cidr: "10.10.16.0/20" },
      ];
    });
    policy = accessGroupPolicy(synthEnvironment(config), DEV, "db-tunnel", "role");
  });
  test("WHEN the expiring target's document is started before and after THEN allowed, then denied", async () => {
    const port0 = doc("bastionless-dev-db-tunnel-port-dev-db.internal.example.com-5432");
    expect(await evaluate(at("2026-12-30T00:00:00Z", "ssm:StartSession", port0), [policy])).toBe("Allowed");
    expect(await evaluate(at("2027-01-02T00:00:00Z", "ssm:StartSession", port0), [policy])).toBe("ImplicitlyDenied");
  });
  test("WHEN the other target's document is started after that expiry THEN it is still allowed", async () => {
    const port1 = doc("bastionless-dev-db-tunnel-port-dev-cache.internal.example.com-6379");
    expect(await evaluate(at("2027-01-02T00:00:00Z", "ssm:StartSession", port1), [policy])).toBe("Allowed");
  });
  test("THEN the access report shows the expiry, confirmed by the engine", async () => {
    const config = exampleConfig("dev", (i) => {
      i.accessGroups![1].capabilities!.portForwarding = [
        { host: "dev-db.internal.example.com", port: 5432, cidr: "10.10.16.0/20", expires: EXPIRY },
      ];
      i.accessGroups![0].expires = EXPIRY;
    });
    const report = await accessReport(new EnvironmentStack(Testing.app(), "dev", { config }), {
      now: new Date("2026-12-01T00:00:00Z"),
    });
    const byGroup = Object.fromEntries(report.map((g) => [g.group, g.principals[0]]));
    expect(byGroup["platform-shell"].expires).toEqual([EXPIRY]);
    expect(byGroup["db-tunnel"].expires).toEqual([`port-forward dev-db.internal.example.com:5432 ${EXPIRY}`]);
    expect(byGroup["platform-shell"].shell).toBe(true);
  });
});

describe("synth-time expiry checks (now injected)", () => {
  const loaded = (patch: Parameters<typeof exampleConfig>[1]): LoadedEnvironment[] => [
    { file: "config/environments/dev.yaml", config: exampleConfig("dev", patch) },
  ];
  const groupExpiring = loaded((i) => {
    i.accessGroups![0].expires = EXPIRY;
  });
  test("GIVEN an expiry 3 days ahead THEN synth warns, naming file and field", () => {
    expect(checkExpiries(groupExpiring, new Date("2026-12-28T18:00:00Z"))).toEqual([
      "config/environments/dev.yaml: accessGroups[0].expires: access group platform-shell expires 2026-12-31T18:00:00Z (in 3d 0h)",
    ]);
  });
  test("GIVEN an expiry 8 days ahead THEN nothing is said", () => {
    expect(checkExpiries(groupExpiring, new Date("2026-12-23T17:00:00Z"))).toEqual([]);
  });
  test("GIVEN a port-forward target that has expired THEN synth only warns, naming file and field (the policy already denies it)", () => {
    const env = loaded((i) => {
      i.accessGroups![1].capabilities!.portForwarding![0].expires = "2026-11-01T00:00:00Z";
    });
    expect(checkExpiries(env, new Date("2026-11-27T00:00:00Z"))).toEqual([
      expect.stringMatching(
        /^config\/environments\/dev\.yaml: accessGroups\[1\]\.capabilities\.portForwarding\[0\]\.expires: "2026-11-01T00:00:00Z" has passed \(now 2026-11-27T00:00:00\.000Z\); port forwarding dev-db\.internal\.example\.com:5432 of db-tunnel grants nothing since/,
      ),
    ]);
  });
  test.each(["2026-12-31", "2026-12-31T18:00:00+01:00", "2026-02-30T00:00:00Z", "tomorrow"])(
    "GIVEN expires %s THEN the config is rejected with the expected format",
    (value) => {
      const input = structuredClone(exampleInput("dev"));
      input.accessGroups![0].expires = value;
      const r = environmentSchema.safeParse(input);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]).toMatchObject({ path: ["accessGroups", 0, "expires"] });
      expect(r.error!.issues[0].message).toMatch(/is not an ISO-8601 UTC instant; write it as YYYY-MM-DDThh:mm:ssZ/);
    },
  );
});
