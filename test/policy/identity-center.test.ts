/**
 * The permission set inline policy the identity stack writes, evaluated with an IAM engine as an Identity Center
 * role session (AWSReservedSSO_*), alone and next to a broad policy from another permission set.
 */
import { loadEnvironments } from "../../loader/load";
import { policyDocument } from "../../modules/core/iam";
import { SessionKey } from "../../modules/session-logging";
import { evaluate, type Request } from "../../ops/lib/iam-evaluate";
import { identityStack, instanceArn, permissionSetPolicy, POWER_USER } from "../helpers/policies";
import { ENV_DIR, synthJson } from "../helpers/synth";

const PROD = { account: "333333333333", region: "eu-central-1" };
const carol = {
  principal:
    "arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_SessionManagerSRE_0123456789abcdef/carol@example.com",
  userid: "AROASSOEXAMPLE:carol@example.com",
};
const req = (action: string, resource: string, context: Record<string, string | string[]> = {}): Request => ({
  principal: carol.principal,
  action,
  resource,
  context: { "aws:userid": carol.userid, ...context },
});
const prodTags = { "ssm:resourceTag/bastionless:environment": "prod", "ssm:resourceTag/bastionless:team": "sre" };
// The session key's own policy (account administration: IAM policies decide), as the environment stack writes it.
const keyPolicy = policyDocument(
  SessionKey.policyStatements({
    ...PROD,
    alias: "alias/bastionless-prod-sessions",
    logGroupNamePattern: "/bastionless/prod/*",
  }),
);
const key = (id: string) => `arn:aws:kms:${PROD.region}:${PROD.account}:key/${id}`;

describe("GIVEN the SessionManagerSRE permission set (prod, from the identity stack)", () => {
  let policy: object;
  beforeAll(() => {
    policy = permissionSetPolicy(synthJson(identityStack(loadEnvironments(ENV_DIR))), "SessionManagerSRE", PROD);
  });

  test("WHEN an Identity Center user (no MFA key in the request) starts a session on a prod SRE instance THEN it is allowed", async () => {
    expect(await evaluate(req("ssm:StartSession", instanceArn(PROD), prodTags), [policy])).toBe("Allowed");
  });
  test("WHEN the instance lacks one of the group's tags THEN it is denied", async () => {
    const partial = { "ssm:resourceTag/bastionless:team": "sre" };
    expect(await evaluate(req("ssm:StartSession", instanceArn(PROD), partial), [policy])).toBe("ImplicitlyDenied");
  });
  test("WHEN the instance is in another account (the policy is for prod's) THEN it is denied", async () => {
    const other = instanceArn({ account: "111111111111", region: PROD.region });
    expect(
      await evaluate({ ...req("ssm:StartSession", other, prodTags), resourceAccount: "111111111111" }, [policy]),
    ).toBe("ImplicitlyDenied");
  });
  test("WHEN they also hold PowerUser and tag an instance bastionless:team=sre THEN it is explicitly denied, Name is allowed", async () => {
    const inst = instanceArn(PROD);
    expect(
      await evaluate(
        req("ec2:CreateTags", inst, { "aws:TagKeys": ["bastionless:team"], "aws:RequestTag/bastionless:team": "sre" }),
        [policy, POWER_USER],
      ),
    ).toBe("ExplicitlyDenied");
    expect(await evaluate(req("ec2:CreateTags", inst, { "aws:TagKeys": ["Name"] }), [policy, POWER_USER])).toBe(
      "Allowed",
    );
  });
  test("WHEN they ask the session key for a data key by its alias THEN it is allowed; another key is denied", async () => {
    const aliases = (a: string) => ({ "kms:ResourceAliases": [a] });
    expect(
      await evaluate(
        req(
          "kms:GenerateDataKey",
          key("1234abcd-12ab-34cd-56ef-1234567890ab"),
          aliases("alias/bastionless-prod-sessions"),
        ),
        [policy],
        keyPolicy,
      ),
    ).toBe("Allowed");
    expect(
      await evaluate(
        req("kms:GenerateDataKey", key("ffffffff-12ab-34cd-56ef-1234567890ab"), aliases("alias/payments")),
        [policy],
        keyPolicy,
      ),
    ).toBe("ImplicitlyDenied");
  });
  test("WHEN they try SSH or port forwarding documents THEN they are explicitly denied", async () => {
    const doc = `arn:aws:ssm:${PROD.region}:${PROD.account}:document/AWS-StartSSHSession`;
    expect(await evaluate(req("ssm:StartSession", doc), [policy, POWER_USER])).toBe("ExplicitlyDenied");
  });
});
