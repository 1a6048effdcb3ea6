import { loadEnvironments } from "../../loader/load";
import { UNLOGGED_DOCUMENTS } from "../../modules/operator-access";
import { evaluate, exampleVpcId, KEY_ID, type Request } from "../../ops/lib/iam-evaluate";
import {
  accessGroupPolicy,
  concretePolicyOf,
  environmentStackOf,
  identityStack,
  permissionSetPolicy,
  synthEnvironment,
} from "../helpers/policies";
import { ENV_DIR, exampleConfig, synthJson, type TfJson } from "../helpers/synth";

const configs = Object.fromEntries(loadEnvironments(ENV_DIR).map((e) => [e.config.name, e.config]));

const DEV = { account: "111111111111", region: "eu-west-1" };
const PROD = { account: "333333333333", region: "eu-central-1" };
const instance = (env: typeof DEV) => `arn:aws:ec2:${env.region}:${env.account}:instance/i-0123456789abcdef0`;
const doc = (env: typeof DEV, name: string) => `arn:aws:ssm:${env.region}:${env.account}:document/${name}`;
// AWS-owned documents have an empty account field; the IAM engine cannot parse that form, so the tests use the
// account form, which the policies' `arn:aws:ssm:*:*:document/...` patterns match just the same.
const awsDoc = (env: typeof DEV, name: string) => `arn:aws:ssm:${env.region}:${env.account}:document/${name}`;
const session = (env: typeof DEV, id: string) => `arn:aws:ssm:${env.region}:${env.account}:session/${id}`;
const alice = { principal: "arn:aws:iam::111111111111:user/alice", userid: "AIDAALICEEXAMPLE" };
const sreUser = { principal: "arn:aws:iam::333333333333:user/sam", userid: "AIDASAMEXAMPLE" };
const ssoRole = {
  principal:
    "arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_SessionManagerSRE_0123456789abcdef/carol@example.com",
  userid: "AROASSOEXAMPLE:carol@example.com",
};

describe("operator access policies, evaluated with an IAM engine", () => {
  let dev: TfJson;
  let prod: TfJson;
  let devShell: object;
  let devTunnel: object;
  let prodGroup: object;
  let prodSso: object;
  let devKeyPolicy: object;
  beforeAll(() => {
    dev = synthEnvironment(configs.dev);
    prod = synthEnvironment(configs.prod);
    devShell = accessGroupPolicy(dev, DEV, "platform-shell", "group");
    devTunnel = accessGroupPolicy(dev, DEV, "db-tunnel", "role");
    prodGroup = accessGroupPolicy(prod, PROD, "sre-shell", "group");
    prodSso = permissionSetPolicy(synthJson(identityStack(loadEnvironments(ENV_DIR))), "SessionManagerSRE", PROD);
    devKeyPolicy = concretePolicyOf(dev, environmentStackOf(dev).sessionKey.keyPolicy, DEV);
  });

  const asAlice = (action: string, resource: string, context: Record<string, string> = {}): Request => ({
    principal: alice.principal,
    action,
    resource,
    context: { "aws:userid": alice.userid, "aws:MultiFactorAuthPresent": "true", ...context },
  });

  // --- StartSession on instances: tags ---
  test("allows a shell session on an instance with the group's tag", async () => {
    expect(
      await evaluate(asAlice("ssm:StartSession", instance(DEV), { "ssm:resourceTag/bastionless:team": "platform" }), [
        devShell,
      ]),
    ).toBe("Allowed");
  });
  test("denies an instance whose tag has another value", async () => {
    expect(
      await evaluate(asAlice("ssm:StartSession", instance(DEV), { "ssm:resourceTag/bastionless:team": "payments" }), [
        devShell,
      ]),
    ).toBe("ImplicitlyDenied");
  });
  test("denies an untagged instance (no IfExists on the tag condition)", async () => {
    expect(await evaluate(asAlice("ssm:StartSession", instance(DEV)), [devShell])).toBe("ImplicitlyDenied");
  });
  test("denies a tag value that differs only in case", async () => {
    expect(
      await evaluate(asAlice("ssm:StartSession", instance(DEV), { "ssm:resourceTag/bastionless:team": "Platform" }), [
        devShell,
      ]),
    ).toBe("ImplicitlyDenied");
  });
  test("requires every tag key of the group (prod needs Environment and Team)", async () => {
    const both = {
      "ssm:resourceTag/bastionless:environment": "prod",
      "ssm:resourceTag/bastionless:team": "sre",
      "aws:MultiFactorAuthPresent": "true",
      "aws:userid": sreUser.userid,
    };
    expect(
      await evaluate(
        { principal: sreUser.principal, action: "ssm:StartSession", resource: instance(PROD), context: both },
        [prodGroup],
      ),
    ).toBe("Allowed");
    const onlyTeam = { ...both, "ssm:resourceTag/bastionless:environment": "staging" };
    expect(
      await evaluate(
        { principal: sreUser.principal, action: "ssm:StartSession", resource: instance(PROD), context: onlyTeam },
        [prodGroup],
      ),
    ).toBe("ImplicitlyDenied");
  });
  test("denies an instance in another account or region", async () => {
    const other = instance(DEV).replace("eu-west-1", "us-east-1");
    expect(
      await evaluate(asAlice("ssm:StartSession", other, { "ssm:resourceTag/bastionless:team": "platform" }), [
        devShell,
      ]),
    ).toBe("ImplicitlyDenied");
  });

  // --- StartSession on documents ---
  test("allows the logged preferences document", async () => {
    expect(
      await evaluate(
        asAlice("ssm:StartSession", doc(DEV, "SSM-SessionManagerRunShell"), {
          "ssm:SessionDocumentAccessCheck": "true",
        }),
        [devShell],
      ),
    ).toBe("Allowed");
  });
  test.each([...UNLOGGED_DOCUMENTS])("explicitly denies the unlogged tunnelling document %s", async (name) => {
    expect(await evaluate(asAlice("ssm:StartSession", awsDoc(DEV, name)), [devShell])).toBe("ExplicitlyDenied");
  });
  test("denies a document the group was not given", async () => {
    expect(
      await evaluate(
        asAlice("ssm:StartSession", doc(DEV, "bastionless-dev-db-tunnel-port-dev-db.internal.example.com-5432")),
        [devShell],
      ),
    ).toBe("ImplicitlyDenied");
  });
  test("the port-forwarding group may use its own Port document but not the shell", async () => {
    expect(
      await evaluate(
        asAlice("ssm:StartSession", doc(DEV, "bastionless-dev-db-tunnel-port-dev-db.internal.example.com-5432")),
        [devTunnel],
      ),
    ).toBe("Allowed");
    expect(await evaluate(asAlice("ssm:StartSession", doc(DEV, "SSM-SessionManagerRunShell")), [devTunnel])).toBe(
      "ImplicitlyDenied",
    );
    expect(
      await evaluate(asAlice("ssm:StartSession", awsDoc(DEV, "AWS-StartPortForwardingSessionToRemoteHost")), [
        devTunnel,
      ]),
    ).toBe("ExplicitlyDenied");
  });

  // --- own sessions only ---
  test("an IAM user may terminate and resume their own session", async () => {
    for (const action of ["ssm:TerminateSession", "ssm:ResumeSession"]) {
      expect(
        await evaluate(
          asAlice(action, session(DEV, "alice-0a1b2c3d"), {
            "ssm:resourceTag/aws:ssmmessages:session-id": alice.userid,
          }),
          [devShell],
        ),
      ).toBe("Allowed");
    }
  });
  test("an IAM user may not terminate someone else's session", async () => {
    expect(
      await evaluate(
        asAlice("ssm:TerminateSession", session(DEV, "bob-0a1b2c3d"), {
          "ssm:resourceTag/aws:ssmmessages:session-id": "AIDABOBEXAMPLE",
        }),
        [devShell],
      ),
    ).toBe("ImplicitlyDenied");
  });
  test("an Identity Center user may terminate their own session, keyed by role-id:session-name", async () => {
    const ctx = { "aws:userid": ssoRole.userid, "ssm:resourceTag/aws:ssmmessages:session-id": ssoRole.userid };
    expect(
      await evaluate(
        {
          principal: ssoRole.principal,
          action: "ssm:TerminateSession",
          resource: session(PROD, "carol@example.com-0a1b"),
          context: ctx,
        },
        [prodSso],
      ),
    ).toBe("Allowed");
  });
  test("an Identity Center user may not terminate another user's session of the same permission set", async () => {
    const ctx = {
      "aws:userid": ssoRole.userid,
      "ssm:resourceTag/aws:ssmmessages:session-id": "AROASSOEXAMPLE:dave@example.com",
    };
    expect(
      await evaluate(
        {
          principal: ssoRole.principal,
          action: "ssm:TerminateSession",
          resource: session(PROD, "dave@example.com-0a1b"),
          context: ctx,
        },
        [prodSso],
      ),
    ).toBe("ImplicitlyDenied");
  });

  // --- MFA ---
  const sreStart = (mfa: string | undefined): Request => ({
    principal: sreUser.principal,
    action: "ssm:StartSession",
    resource: instance(PROD),
    context: {
      "ssm:resourceTag/bastionless:environment": "prod",
      "ssm:resourceTag/bastionless:team": "sre",
      "aws:userid": sreUser.userid,
      ...(mfa ? { "aws:MultiFactorAuthPresent": mfa } : {}),
    },
  });
  test("prod IAM group: allowed with MFA", async () => {
    expect(await evaluate(sreStart("true"), [prodGroup])).toBe("Allowed");
  });
  test("prod IAM group: denied when MFA is false", async () => {
    expect(await evaluate(sreStart("false"), [prodGroup])).toBe("ExplicitlyDenied");
  });
  test("prod IAM group: denied when the MFA key is missing (long-term access keys)", async () => {
    expect(await evaluate(sreStart(undefined), [prodGroup])).toBe("ExplicitlyDenied");
  });
  test("prod IAM group: resuming a session also needs MFA", async () => {
    const req = {
      principal: sreUser.principal,
      action: "ssm:ResumeSession",
      resource: session(PROD, "sam-01"),
      context: { "aws:userid": sreUser.userid, "ssm:resourceTag/aws:ssmmessages:session-id": sreUser.userid },
    };
    expect(await evaluate(req, [prodGroup])).toBe("ExplicitlyDenied");
  });
  test("prod Identity Center permission set: MFA is enforced at sign-in, so a missing key does not deny", async () => {
    expect(
      await evaluate(
        {
          ...sreStart(undefined),
          principal: ssoRole.principal,
          context: { ...sreStart(undefined).context, "aws:userid": ssoRole.userid },
        },
        [prodSso],
      ),
    ).toBe("Allowed");
  });
  test("dev group without requireMfa does not need MFA", async () => {
    const req = asAlice("ssm:StartSession", instance(DEV), { "ssm:resourceTag/bastionless:tier": "db-proxy" });
    delete (req.context as Record<string, string>)["aws:MultiFactorAuthPresent"];
    expect(await evaluate(req, [devTunnel])).toBe("Allowed");
  });

  // --- KMS ---
  test("allows GenerateDataKey on the session key", async () => {
    expect(
      await evaluate(
        asAlice("kms:GenerateDataKey", `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}`),
        [devShell],
        devKeyPolicy,
      ),
    ).toBe("Allowed");
  });
  test("denies GenerateDataKey on another key, and Decrypt on the session key", async () => {
    expect(
      await evaluate(
        asAlice("kms:GenerateDataKey", "arn:aws:kms:eu-west-1:111111111111:key/ffffffff-0000-0000-0000-000000000000"),
        [devShell],
        devKeyPolicy,
      ),
    ).toBe("ImplicitlyDenied");
    expect(
      await evaluate(
        asAlice("kms:Decrypt", `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}`),
        [devShell],
        devKeyPolicy,
      ),
    ).toBe("ImplicitlyDenied");
  });

  // --- everything else ---
  test("denies ssm:SendCommand", async () => {
    expect(
      await evaluate(asAlice("ssm:SendCommand", instance(DEV), { "ssm:resourceTag/bastionless:team": "platform" }), [
        devShell,
      ]),
    ).toBe("ImplicitlyDenied");
  });
  test.each(["ssm:UpdateDocument", "ssm:DeleteDocument", "ssm:UpdateDocumentDefaultVersion"])(
    "explicitly denies %s on the preferences document, even next to an admin policy",
    async (action) => {
      const admin = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:*", Resource: "*" }] };
      expect(await evaluate(asAlice(action, doc(DEV, "SSM-SessionManagerRunShell")), [devShell, admin])).toBe(
        "ExplicitlyDenied",
      );
    },
  );
  test("allows the read-only calls the CLI and console make", async () => {
    for (const action of [
      "ssm:DescribeSessions",
      "ssm:GetConnectionStatus",
      "ssm:DescribeInstanceProperties",
      "ec2:DescribeInstances",
    ]) {
      expect(await evaluate(asAlice(action, "*"), [devShell])).toBe("Allowed");
    }
  });

  test("source CIDRs deny sessions from other addresses", async () => {
    // GIVEN a group restricted to 203.0.113.0/24
    const config = exampleConfig("dev", (i) => {
      i.accessGroups![0].sourceCidrs = ["203.0.113.0/24"];
    });
    const policy = accessGroupPolicy(synthEnvironment(config), DEV, "platform-shell", "group");
    const from = (ip: string) =>
      asAlice("ssm:StartSession", instance(DEV), {
        "ssm:resourceTag/bastionless:team": "platform",
        "aws:SourceIp": ip,
      });
    // THEN
    expect(await evaluate(from("203.0.113.7"), [policy])).toBe("Allowed");
    expect(await evaluate(from("198.51.100.7"), [policy])).toBe("ExplicitlyDenied");
  });

  describe("GIVEN prod's SRE group restricted to 203.0.113.0/24 (issue 25: calls through the ssm interface endpoint)", () => {
    let policy: object;
    const vpc = configs.prod.vpcs[0];
    beforeAll(() => {
      const config = exampleConfig("prod", (i) => {
        i.accessGroups![0].sourceCidrs = ["203.0.113.0/24"];
      });
      policy = accessGroupPolicy(synthEnvironment(config), PROD, "sre-shell", "group");
    });
    const start = (context: Record<string, string>): Request => ({
      principal: sreUser.principal,
      action: "ssm:StartSession",
      resource: instance(PROD),
      context: {
        "aws:userid": sreUser.userid,
        "aws:MultiFactorAuthPresent": "true",
        "ssm:resourceTag/bastionless:environment": "prod",
        "ssm:resourceTag/bastionless:team": "sre",
        ...context,
      },
    });
    test("WHEN the call comes from the allowed CIDR over the internet THEN it is allowed", async () => {
      expect(await evaluate(start({ "aws:SourceIp": "203.0.113.7" }), [policy])).toBe("Allowed");
    });
    test("WHEN it comes from another address THEN it is denied", async () => {
      expect(await evaluate(start({ "aws:SourceIp": "198.51.100.7" }), [policy])).toBe("ExplicitlyDenied");
    });
    test("WHEN it arrives through the environment's own ssm endpoint (no aws:SourceIp, its VPC) THEN it is allowed", async () => {
      expect(vpc.mode).toBe("adopt");
      const vpcId = vpc.mode === "adopt" ? vpc.vpcId : "";
      const through = {
        "aws:SourceVpc": vpcId,
        "aws:SourceVpce": "vpce-0a1b2c3d4e5f60009",
        "aws:VpcSourceIp": "10.30.1.7",
      };
      expect(await evaluate(start(through), [policy])).toBe("Allowed");
    });
    test("WHEN it arrives through another VPC's endpoint THEN it is still denied", async () => {
      const through = { "aws:SourceVpc": "vpc-0999999999999999a", "aws:SourceVpce": "vpce-0999999999999999a" };
      expect(await evaluate(start(through), [policy])).toBe("ExplicitlyDenied");
    });
    test("THEN the Identity Center permission set exempts the same adopted VPC", async () => {
      const config = exampleConfig("prod", (i) => {
        i.accessGroups![0].sourceCidrs = ["203.0.113.0/24"];
      });
      const sso = permissionSetPolicy(
        synthJson(identityStack([{ ...loadEnvironments(ENV_DIR).find((e) => e.config.name === "prod")!, config }])),
        "SessionManagerSRE",
        PROD,
      );
      const statement = (sso as { Statement: { Sid?: string; Condition?: object }[] }).Statement.find(
        (st) => st.Sid === "DenySessionsFromOtherAddresses",
      );
      expect(statement?.Condition).toEqual({
        NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" },
        StringNotEqualsIfExists: { "aws:SourceVpc": "vpc-0f1e2d3c4b5a69788" },
      });
    });
  });

  test("GIVEN dev (a VPC it creates) restricted by source CIDR THEN its own VPC, by Terraform reference, is exempt", async () => {
    const config = exampleConfig("dev", (i) => {
      i.accessGroups![0].sourceCidrs = ["203.0.113.0/24"];
    });
    const tf = synthEnvironment(config);
    const vpcName = Object.keys((tf.resource as Record<string, object>).aws_vpc)[0];
    const policy = accessGroupPolicy(tf, DEV, "platform-shell", "group");
    const through = asAlice("ssm:StartSession", instance(DEV), {
      "ssm:resourceTag/bastionless:team": "platform",
      "aws:SourceVpc": exampleVpcId(vpcName),
    });
    expect(await evaluate(through, [policy])).toBe("Allowed");
  });
});
