/**
 * MFA that matches the principal: the MFA deny goes on the IAM group (IAM users), never on roles, whose federated
 * sessions (SAML, OIDC, Identity Center) carry no aws:MultiFactorAuthPresent. A group with both renders separate
 * policies. Evaluated with an IAM engine.
 */
import { environmentSchema } from "../../loader/schema";
import { evaluate, type Request } from "../../ops/lib/iam-evaluate";
import { accessGroupPolicy, environmentStackOf, instanceArn, synthEnvironment } from "../helpers/policies";
import { exampleConfig, exampleInput, bodyOf, type TfJson } from "../helpers/synth";

const DEV = { account: "111111111111", region: "eu-west-1" };
const iamUser = { principal: "arn:aws:iam::111111111111:user/alice", userid: "AIDAALICEEXAMPLE" };
const samlRole = {
  principal: "arn:aws:sts::111111111111:assumed-role/ops-federated/alice@example.com",
  userid: "AROAOPS:alice@example.com",
};

const start = (who: typeof iamUser, mfa?: string): Request => ({
  principal: who.principal,
  action: "ssm:StartSession",
  resource: instanceArn(DEV),
  context: {
    "ssm:resourceTag/bastionless:team": "platform",
    "aws:userid": who.userid,
    ...(mfa === undefined ? {} : { "aws:MultiFactorAuthPresent": mfa }),
  },
});

describe("GIVEN an access group with an IAM group and a federated role (mixed principals)", () => {
  let tf: TfJson;
  let groupPolicy: object;
  let rolePolicy: object;
  beforeAll(() => {
    const config = exampleConfig("dev", (i) => {
      i.accessGroups![0].principals = { iamGroup: true, roleNames: ["ops-federated"] };
    });
    tf = synthEnvironment(config);
    groupPolicy = accessGroupPolicy(tf, DEV, "platform-shell", "group");
    rolePolicy = accessGroupPolicy(tf, DEV, "platform-shell", "role");
  });

  test("THEN the group and the role get separate policies, and only the group's has the MFA deny", () => {
    const sids = (p: object) => (p as { Statement: { Sid?: string }[] }).Statement.map((s) => s.Sid);
    expect(sids(groupPolicy)).toContain("DenySessionsWithoutMfa");
    expect(sids(rolePolicy)).not.toContain("DenySessionsWithoutMfa");
    const group = environmentStackOf(tf).accessGroups.find((g) => g.node.id === "platform-shell")!;
    expect(group.rolePolicies.map((p) => bodyOf(tf, p).role)).toEqual(["ops-federated"]);
  });
  test("WHEN a federated role session without the MFA key starts a session THEN it is allowed", async () => {
    expect(await evaluate(start(samlRole), [rolePolicy])).toBe("Allowed");
  });
  test("WHEN an IAM user without MFA (key missing: long-term access keys) starts a session THEN it is explicitly denied", async () => {
    expect(await evaluate(start(iamUser), [groupPolicy])).toBe("ExplicitlyDenied");
  });
  test("WHEN an IAM user signed in without MFA (false) starts a session THEN it is explicitly denied", async () => {
    expect(await evaluate(start(iamUser, "false"), [groupPolicy])).toBe("ExplicitlyDenied");
  });
  test("WHEN an IAM user with MFA starts a session THEN it is allowed", async () => {
    expect(await evaluate(start(iamUser, "true"), [groupPolicy])).toBe("Allowed");
  });
  test("WHEN the federated role tries an instance of another team THEN no MFA exemption widens its reach", async () => {
    const other = {
      ...start(samlRole),
      context: { ...start(samlRole).context, "ssm:resourceTag/bastionless:team": "payments" },
    };
    expect(await evaluate(other, [rolePolicy])).toBe("ImplicitlyDenied");
  });
});

describe("GIVEN requireMfa: false on an IAM group", () => {
  test("WHEN an IAM user without MFA starts a session THEN it is allowed", async () => {
    const config = exampleConfig("dev", (i) => {
      i.accessGroups![0].requireMfa = false;
    });
    const policy = accessGroupPolicy(synthEnvironment(config), DEV, "platform-shell", "group");
    expect(await evaluate(start(iamUser), [policy])).toBe("Allowed");
  });
});

describe("GIVEN requireMfa: true on a group without an IAM group", () => {
  test("WHEN the config is validated THEN it fails naming the field and the alternative", () => {
    const input = structuredClone(exampleInput("dev"));
    input.accessGroups![1].requireMfa = true;
    const result = environmentSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join(".") === "accessGroups.1.requireMfa");
    expect(issue?.message).toMatch(/only to an IAM group.*identity provider/);
  });
});
