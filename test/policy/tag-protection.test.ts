/**
 * Tags decide access, so tagging is privilege: every operator policy explicitly denies creating, changing or
 * deleting the environment's access tag keys on instances, even when the same principal holds a broad EC2 policy
 * (EC2 full access, PowerUser). Other tags (Name) keep working. Evaluated with an IAM engine.
 */
import { loadEnvironments } from "../../loader/load";
import { evaluate, type Request } from "../../ops/lib/iam-evaluate";
import { EC2_FULL_ACCESS, instanceArn, accessGroupPolicy, POWER_USER, synthEnvironment } from "../helpers/policies";
import { ENV_DIR, type TfJson } from "../helpers/synth";

const configs = Object.fromEntries(loadEnvironments(ENV_DIR).map((e) => [e.config.name, e.config]));
const DEV = { account: "111111111111", region: "eu-west-1" };
const alice = "arn:aws:iam::111111111111:user/alice";
const developerRole = "arn:aws:sts::111111111111:assumed-role/developer/bob";

const req = (
  action: string,
  context: Record<string, string | string[]>,
  principal = alice,
  resource = instanceArn(DEV),
): Request => ({
  principal,
  action,
  resource,
  context: { "aws:MultiFactorAuthPresent": "true", ...context },
});

describe("access tag protection (explicit denies next to broad EC2 policies)", () => {
  let dev: TfJson;
  let shell: object;
  let tunnel: object;
  beforeAll(() => {
    dev = synthEnvironment(configs.dev);
    shell = accessGroupPolicy(dev, DEV, "platform-shell", "group");
    tunnel = accessGroupPolicy(dev, DEV, "db-tunnel", "role");
  });

  describe.each([
    ["EC2 full access", EC2_FULL_ACCESS],
    ["PowerUser", POWER_USER],
  ])("GIVEN an operator who also holds %s", (_name, broad) => {
    test("(control) WITHOUT the operator policy the broad policy alone lets them tag an instance into reach", async () => {
      const ctx = { "aws:TagKeys": ["bastionless:team"], "aws:RequestTag/bastionless:team": "platform" };
      expect(await evaluate(req("ec2:CreateTags", ctx), [broad])).toBe("Allowed");
    });
    test("WHEN they add the access tag to an untagged instance THEN it is explicitly denied", async () => {
      const ctx = { "aws:TagKeys": ["bastionless:team"], "aws:RequestTag/bastionless:team": "platform" };
      expect(await evaluate(req("ec2:CreateTags", ctx), [shell, broad])).toBe("ExplicitlyDenied");
    });
    test("WHEN they change the access tag's value THEN it is explicitly denied", async () => {
      const ctx = {
        "aws:TagKeys": ["bastionless:team"],
        "aws:RequestTag/bastionless:team": "platform",
        "ec2:ResourceTag/bastionless:team": "payments",
      };
      expect(await evaluate(req("ec2:CreateTags", ctx), [shell, broad])).toBe("ExplicitlyDenied");
    });
    test("WHEN they delete the access tag THEN it is explicitly denied", async () => {
      const ctx = { "aws:TagKeys": ["bastionless:team"], "ec2:ResourceTag/bastionless:team": "platform" };
      expect(await evaluate(req("ec2:DeleteTags", ctx), [shell, broad])).toBe("ExplicitlyDenied");
    });
    test("WHEN they delete every tag (no key list) of an access-tagged instance THEN it is explicitly denied", async () => {
      expect(
        await evaluate(req("ec2:DeleteTags", { "ec2:ResourceTag/bastionless:team": "platform" }), [shell, broad]),
      ).toBe("ExplicitlyDenied");
    });
    test("WHEN they write the key in another case (team) THEN it is still denied", async () => {
      const ctx = { "aws:TagKeys": ["BASTIONLESS:TEAM"], "aws:RequestTag/BASTIONLESS:TEAM": "platform" };
      expect(await evaluate(req("ec2:CreateTags", ctx), [shell, broad])).toBe("ExplicitlyDenied");
    });
    test("WHEN they tag another group's key (AccessTier) THEN it is denied too (all access keys of the environment)", async () => {
      const ctx = { "aws:TagKeys": ["bastionless:tier"], "aws:RequestTag/bastionless:tier": "db-proxy" };
      expect(await evaluate(req("ec2:CreateTags", ctx), [shell, broad])).toBe("ExplicitlyDenied");
    });
    test("WHEN they tag Name together with the access key THEN the whole request is denied", async () => {
      const ctx = { "aws:TagKeys": ["Name", "bastionless:team"] };
      expect(await evaluate(req("ec2:CreateTags", ctx), [shell, broad])).toBe("ExplicitlyDenied");
    });
    test("WHEN they launch an instance tagged with the access key THEN RunInstances and its tag-on-create are denied", async () => {
      const ctx = { "aws:TagKeys": ["bastionless:team"], "aws:RequestTag/bastionless:team": "platform" };
      expect(await evaluate(req("ec2:RunInstances", ctx), [shell, broad])).toBe("ExplicitlyDenied");
      expect(
        await evaluate(req("ec2:CreateTags", { ...ctx, "ec2:CreateAction": "RunInstances" }), [shell, broad]),
      ).toBe("ExplicitlyDenied");
    });
    test("WHEN they set or delete the Name tag THEN it is allowed", async () => {
      const onTagged = { "ec2:ResourceTag/bastionless:team": "platform" };
      expect(
        await evaluate(
          req("ec2:CreateTags", { ...onTagged, "aws:TagKeys": ["Name"], "aws:RequestTag/Name": "web-1" }),
          [shell, broad],
        ),
      ).toBe("Allowed");
      expect(await evaluate(req("ec2:DeleteTags", { ...onTagged, "aws:TagKeys": ["Name"] }), [shell, broad])).toBe(
        "Allowed",
      );
    });
    test("WHEN they launch an instance tagged only with Name THEN it is allowed", async () => {
      expect(await evaluate(req("ec2:RunInstances", { "aws:TagKeys": ["Name"] }), [shell, broad])).toBe("Allowed");
    });
    test("WHEN they delete every tag of an instance without access tags THEN it is allowed", async () => {
      expect(await evaluate(req("ec2:DeleteTags", { "ec2:ResourceTag/Name": "scratch" }), [shell, broad])).toBe(
        "Allowed",
      );
    });
    test("WHEN they tag a volume with Team THEN it is allowed (only instances decide access)", async () => {
      const volume = `arn:aws:ec2:${DEV.region}:${DEV.account}:volume/vol-0123456789abcdef0`;
      expect(
        await evaluate(req("ec2:CreateTags", { "aws:TagKeys": ["bastionless:team"] }, alice, volume), [shell, broad]),
      ).toBe("Allowed");
    });
  });

  test("GIVEN a role that holds the group's role policy and EC2 full access WHEN it tags an instance into reach THEN it is denied", async () => {
    const ctx = { "aws:TagKeys": ["bastionless:tier"], "aws:RequestTag/bastionless:tier": "db-proxy" };
    expect(await evaluate(req("ec2:CreateTags", ctx, developerRole), [tunnel, EC2_FULL_ACCESS])).toBe(
      "ExplicitlyDenied",
    );
    expect(
      await evaluate(req("ec2:CreateTags", { "aws:TagKeys": ["Name"] }, developerRole), [tunnel, EC2_FULL_ACCESS]),
    ).toBe("Allowed");
  });

  test("GIVEN only the operator policy WHEN the operator tags anything THEN nothing is granted (implicit deny)", async () => {
    expect(await evaluate(req("ec2:CreateTags", { "aws:TagKeys": ["Name"] }), [shell])).toBe("ImplicitlyDenied");
  });

  test("GIVEN an operator who tagged an instance WHEN the tag attempt was denied THEN the untagged instance stays unreachable", async () => {
    // The session itself: no Team tag on the instance, so StartSession is not allowed even with a broad EC2 policy.
    expect(
      await evaluate(req("ssm:StartSession", { "aws:userid": "AIDAALICE", "ssm:SessionDocumentAccessCheck": "true" }), [
        shell,
        EC2_FULL_ACCESS,
      ]),
    ).toBe("ImplicitlyDenied");
  });
});
