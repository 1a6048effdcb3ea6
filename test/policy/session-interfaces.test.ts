/**
 * The interfaces of an access group (issue 29), evaluated with an IAM engine on the synthesized policies: for each of
 * the seven non-empty combinations of cli, session-manager-console and ec2-console, on the IAM group's, the role's
 * and the Identity Center permission set's policy. Every combination starts, resumes and ends its own sessions; each
 * console adds exactly its quickstart read permissions; combinations are the union; none reaches another instance,
 * another document, someone else's session or Run Command.
 */
import type { EnvironmentInput } from "../../loader/schema";
import { SESSION_INTERFACES, type SessionInterface } from "../../modules/operator-access";
import { evaluate, type Outcome } from "../../ops/lib/iam-evaluate";
import { accessGroupPolicy, identityStack, permissionSetPolicy, synthEnvironment } from "../helpers/policies";
import { exampleConfig, synthJson } from "../helpers/synth";

const DEV = { account: "111111111111", region: "eu-west-1" };
const PROD = { account: "333333333333", region: "eu-central-1" };
type Env = typeof DEV;

/** Every read action any interface could need: the console prerequisites of the quickstart's three tabs. */
const READS = [
  "ssm:DescribeSessions",
  "ssm:GetConnectionStatus",
  "ssm:DescribeInstanceProperties",
  "ssm:DescribeInstanceInformation",
  "ec2:DescribeInstances",
] as const;

/** What each interface alone must allow of READS (the quickstart end-user policies; written out, not derived). */
const EXPECTED_ALONE: Record<SessionInterface, readonly string[]> = {
  cli: [],
  "session-manager-console": [
    "ssm:DescribeSessions",
    "ssm:GetConnectionStatus",
    "ssm:DescribeInstanceProperties",
    "ec2:DescribeInstances",
  ],
  "ec2-console": ["ssm:GetConnectionStatus", "ssm:DescribeInstanceInformation", "ec2:DescribeInstances"],
};

/** The seven non-empty combinations. */
const COMBINATIONS: SessionInterface[][] = [1, 2, 3, 4, 5, 6, 7].map((mask) =>
  SESSION_INTERFACES.filter((_, i) => mask & (1 << i)),
);

const principals = {
  user: { principal: "arn:aws:iam::111111111111:user/alice", userid: "AIDAALICEEXAMPLE", username: "alice" },
  role: { principal: "arn:aws:sts::111111111111:assumed-role/ops/alice", userid: "AROAOPSEXAMPLE:alice" },
};

function asCaller(caller: { principal: string; userid: string; username?: string }) {
  return (action: string, resource: string, context: Record<string, string> = {}) => ({
    principal: caller.principal,
    action,
    resource,
    context: {
      "aws:userid": caller.userid,
      ...(caller.username ? { "aws:username": caller.username } : {}),
      "aws:MultiFactorAuthPresent": "true",
      "aws:SourceIp": "10.0.0.10",
      ...context,
    },
  });
}

/** The resources of the policy's OpenDataChannel allows (none when it has none). */
function dataChannelResources(policy: object): string[] {
  const statements = (
    policy as { Statement: { Effect: string; Action: string | string[]; Resource: string | string[] }[] }
  ).Statement;
  const channel = statements.filter(
    (s) => s.Effect === "Allow" && [s.Action].flat().includes("ssmmessages:OpenDataChannel"),
  );
  return channel.length === 0 ? ["(none)"] : channel.flatMap((s) => [s.Resource].flat());
}

/** What one policy allows a caller: the session actions, each read, and what must stay out of reach. */
async function probe(policy: object, env: Env, caller: { principal: string; userid: string; username?: string }) {
  const as = asCaller(caller);
  const ok = async (action: string, resource: string, context: Record<string, string> = {}) =>
    (await evaluate(as(action, resource, context), [policy])) === "Allowed";
  const instance = `arn:aws:ec2:${env.region}:${env.account}:instance/i-0123456789abcdef0`;
  const document = (name: string) => `arn:aws:ssm:${env.region}:${env.account}:document/${name}`;
  const session = (id: string) => `arn:aws:ssm:${env.region}:${env.account}:session/${id}`;
  const own = { "ssm:resourceTag/aws:ssmmessages:session-id": caller.userid };
  const tagged = { "ssm:resourceTag/bastionless:team": "platform" };
  const reads: string[] = [];
  for (const action of READS) if (await ok(action, "*")) reads.push(action);
  return {
    session: {
      startOnTaggedInstance: await ok("ssm:StartSession", instance, tagged),
      startWithShellDocument: await ok("ssm:StartSession", document("SSM-SessionManagerRunShell")),
      resumeOwn: await ok("ssm:ResumeSession", session(`${caller.userid}-0123456789abcdef0`), own),
      terminateOwn: await ok("ssm:TerminateSession", session(`${caller.userid}-0123456789abcdef0`), own),
      // The engine models ssmmessages as wildcard-only; test/policy/session-channel.test.ts matches its patterns.
      openOwnDataChannel: dataChannelResources(policy).every((r) => /session\/\$\{aws:user(id|name)\}-\*$/.test(r)),
    },
    reads,
    outOfReach: {
      untaggedInstance: await ok("ssm:StartSession", instance),
      otherTeamsInstance: await ok("ssm:StartSession", instance, { "ssm:resourceTag/bastionless:team": "payments" }),
      otherDocument: await ok("ssm:StartSession", document("other-team-shell")),
      portForwardingDocument: await ok("ssm:StartSession", document("AWS-StartPortForwardingSession")),
      othersSession: await ok("ssm:TerminateSession", session("bob-0123456789abcdef0"), {
        "ssm:resourceTag/aws:ssmmessages:session-id": "AIDABOBEXAMPLE",
      }),
      sendCommand: await ok("ssm:SendCommand", instance, tagged),
      runShellScript: await ok("ssm:SendCommand", document("AWS-RunShellScript")),
      listDocuments: await ok("ssm:ListDocuments", "*"),
      changePreferences: await ok("ssm:UpdateDocument", document("SSM-SessionManagerRunShell")),
    },
  };
}

const ALL_SESSION_ACTIONS = {
  startOnTaggedInstance: true,
  startWithShellDocument: true,
  resumeOwn: true,
  terminateOwn: true,
  openOwnDataChannel: true,
};
const NOTHING_OUT_OF_REACH = {
  untaggedInstance: false,
  otherTeamsInstance: false,
  otherDocument: false,
  portForwardingDocument: false,
  othersSession: false,
  sendCommand: false,
  runShellScript: false,
  listDocuments: false,
  changePreferences: false,
};

/** dev, with its platform group on `interfaces`, held by an IAM group and a role. */
function devWith(interfaces: SessionInterface[]) {
  const tf = synthEnvironment(
    exampleConfig("dev", (i: EnvironmentInput) => {
      i.accessGroups![0].interfaces = interfaces;
      i.accessGroups![0].principals = { iamGroup: true, roleNames: ["ops"] };
    }),
  );
  return {
    group: accessGroupPolicy(tf, DEV, "platform-shell", "group"),
    role: accessGroupPolicy(tf, DEV, "platform-shell", "role"),
  };
}

const results = new Map<string, Awaited<ReturnType<typeof probe>>>();
const key = (interfaces: readonly string[], who: string) => `${interfaces.join("+")}/${who}`;

beforeAll(async () => {
  for (const interfaces of COMBINATIONS) {
    const policies = devWith(interfaces);
    results.set(key(interfaces, "group"), await probe(policies.group, DEV, principals.user));
    results.set(key(interfaces, "role"), await probe(policies.role, DEV, principals.role));
  }
}, 120_000);

describe.each(["group", "role"])("GIVEN the %s policy of a dev access group", (who) => {
  test("WHEN its interfaces are [cli] THEN it starts, resumes and ends its own sessions but is denied every console prerequisite", () => {
    const r = results.get(key(["cli"], who))!;
    expect(r.session).toEqual(ALL_SESSION_ACTIONS);
    expect(r.reads).toEqual([]);
    expect(r.outOfReach).toEqual(NOTHING_OUT_OF_REACH);
  });

  test("WHEN its interfaces are [session-manager-console] THEN it gets exactly the quickstart's console reads and no EC2-console-only read", () => {
    const r = results.get(key(["session-manager-console"], who))!;
    expect(r.session).toEqual(ALL_SESSION_ACTIONS);
    expect(r.reads).toEqual([
      "ssm:DescribeSessions",
      "ssm:GetConnectionStatus",
      "ssm:DescribeInstanceProperties",
      "ec2:DescribeInstances",
    ]);
    expect(r.reads).not.toContain("ssm:DescribeInstanceInformation");
  });

  test("WHEN its interfaces are [ec2-console] THEN it gets the EC2 console's reads, and no SendCommand (the quickstart's agent-update path is left out)", () => {
    const r = results.get(key(["ec2-console"], who))!;
    expect(r.session).toEqual(ALL_SESSION_ACTIONS);
    expect(r.reads).toEqual(["ssm:GetConnectionStatus", "ssm:DescribeInstanceInformation", "ec2:DescribeInstances"]);
    expect(r.outOfReach.sendCommand).toBe(false);
  });

  test.each(COMBINATIONS.map((c) => [c.join(", "), c] as const))(
    "WHEN its interfaces are [%s] THEN it reads exactly the union of its interfaces' reads, and reaches nothing more",
    (_, interfaces) => {
      const r = results.get(key(interfaces, who))!;
      const union = READS.filter((a) => interfaces.some((i) => EXPECTED_ALONE[i].includes(a)));
      expect(r.reads).toEqual(union);
      // the same sessions as the CLI alone: no interface changes which instances, documents or sessions are reachable
      expect(r.session).toEqual(ALL_SESSION_ACTIONS);
      expect(r.outOfReach).toEqual(NOTHING_OUT_OF_REACH);
    },
  );
});

describe("GIVEN an Identity Center permission set", () => {
  test.each([[["cli"]], [["ec2-console"]], [["cli", "session-manager-console"]]] as SessionInterface[][][])(
    "WHEN the group's interfaces are %j THEN the permission set grants the same reads as the group's own policy",
    async (interfaces) => {
      const prod = exampleConfig("prod", (i: EnvironmentInput) => {
        i.accessGroups![0].interfaces = interfaces;
      });
      const sso = permissionSetPolicy(
        synthJson(identityStack([{ file: "prod.yaml", config: prod }])),
        "SessionManagerSRE",
        PROD,
      );
      const caller = {
        principal:
          "arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_SessionManagerSRE_0123456789abcdef/carol@example.com",
        userid: "AROASSOEXAMPLE:carol@example.com",
      };
      const as = asCaller(caller);
      const reads: string[] = [];
      for (const action of READS)
        if ((await evaluate(as(action, "*"), [sso])) === ("Allowed" as Outcome)) reads.push(action);
      expect(reads).toEqual(READS.filter((a) => interfaces.some((i) => EXPECTED_ALONE[i].includes(a))));
      const tagged = {
        "ssm:resourceTag/bastionless:environment": "prod",
        "ssm:resourceTag/bastionless:team": "sre",
      };
      const instance = `arn:aws:ec2:${PROD.region}:${PROD.account}:instance/i-0123456789abcdef0`;
      expect(await evaluate(as("ssm:StartSession", instance, tagged), [sso])).toBe("Allowed");
      expect(await evaluate(as("ssm:SendCommand", instance, tagged), [sso])).not.toBe("Allowed");
    },
  );
});
