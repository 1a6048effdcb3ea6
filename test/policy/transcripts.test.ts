/**
 * Issue 25 item 7: transcripts nobody can quietly rewrite or read. Evaluated with the IAM engine on prod's
 * synthesized log-bucket policy and session-key policy (GOVERNANCE Object Lock, a break-glass role, one log-reader
 * role), with the CI apply role's own policies from the `ci` stack: a PowerUser-like role holding s3:GetObject and
 * kms:Decrypt cannot decrypt a transcript, the log reader can; nobody but the break-glass role (the apply role and
 * an administrator included) deletes a transcript version or bypasses its retention; the instances still upload.
 */
import * as path from "path";
import { loadCiConfig } from "../../loader/ci";
import { loadEnvironments } from "../../loader/load";
import { IamPolicy, IamRolePolicy, IamRolePolicyAttachment } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { evaluate, KEY_ID, type Outcome } from "../../ops/lib/iam-evaluate";
import { CiStack } from "../../stacks/ci-stack";
import { concretePolicyOf, environmentStackOf, POWER_USER, synthEnvironment } from "../helpers/policies";
import { ENV_DIR, exampleConfig, resources, resourcesByName, synthJson, type Body } from "../helpers/synth";

const prod = exampleConfig("prod");
const { account, region } = prod;
const BUCKET = `arn:aws:s3:::bastionless-prod-session-logs-${account}`;
const TRANSCRIPT = `${BUCKET}/prod/alice-0123456789abcdef0.log`;
const KEY = `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;
const BREAK_GLASS = prod.logging.s3.breakGlassRoleArn!;
const READER = prod.logging.logReaderRoleArns[0];
const INSTANCE_ROLE = `arn:aws:iam::${account}:role/bastionless-prod-session-instance`;
const ADMIN = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
/** What S3 sends to KMS when it decrypts an SSE-KMS object (bucket key) for the caller. */
const S3_DECRYPT = { "kms:ViaService": `s3.${region}.amazonaws.com`, "kms:EncryptionContextKeys": ["aws:s3:arn"] };
const sessionOf = (role: string, name = "someone") =>
  role.replace(":iam::", ":sts::").replace(/:role\/(?:[^/]+\/)*([^/]+)$/, `:assumed-role/$1/${name}`);

/** The CI apply role of prod: its inline policy and the managed policies attached to it. */
function applyRolePolicies(): object[] {
  const environments = loadEnvironments(ENV_DIR).map((e) => e.config);
  const ci = loadCiConfig(path.join(__dirname, "..", "..", "config", "ci.yaml"))!;
  const tf = synthJson(new CiStack(Testing.app(), "ci", { environments, ci }));
  const role = "prod-apply";
  const inline = resources(tf, IamRolePolicy).filter((p) => p.role === `\${aws_iam_role.${role}.name}`);
  const attached = resources(tf, IamRolePolicyAttachment)
    .filter((a) => a.role === `\${aws_iam_role.${role}.name}`)
    .map((a) => /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(a.policy_arn as string)![1])
    .map((name) => resourcesByName(tf, IamPolicy)[name] as Body);
  expect(inline.length + attached.length).toBeGreaterThan(0);
  return [...inline, ...attached].map((p) => JSON.parse(p.policy as string) as object);
}

describe("GIVEN prod's session-log bucket and session key", () => {
  let bucketPolicy: object;
  let keyPolicy: object;
  let instancePolicy: object;
  beforeAll(() => {
    const tf = synthEnvironment(prod);
    const stack = environmentStackOf(tf);
    bucketPolicy = concretePolicyOf(tf, stack.logBucket!.policy, { account, region });
    keyPolicy = concretePolicyOf(tf, stack.sessionKey.keyPolicy, { account, region });
    instancePolicy = concretePolicyOf(tf, stack.instanceRole.policy, { account, region });
  });

  const s3 = (role: string, action: string, identity: object[], resource = TRANSCRIPT): Promise<Outcome> =>
    evaluate(
      { principal: sessionOf(role), action, resource, context: { "aws:PrincipalArn": role } },
      identity,
      bucketPolicy,
    );
  const kms = (role: string, action: string, identity: object[], context: Record<string, string | string[]>) =>
    evaluate(
      {
        principal: sessionOf(role),
        action,
        resource: KEY,
        context: { "aws:PrincipalArn": role, "kms:CallerAccount": account, ...context },
      },
      identity,
      keyPolicy,
    );

  describe("WHEN a PowerUser-like role (s3:GetObject and kms:Decrypt through PowerUserAccess) reads a transcript", () => {
    const powerUser = `arn:aws:iam::${account}:role/PowerUsers`;
    test("THEN S3 hands out the object, but KMS refuses to decrypt it: the transcript stays unreadable", async () => {
      expect(await s3(powerUser, "s3:GetObject", [POWER_USER])).toBe("Allowed");
      expect(await kms(powerUser, "kms:Decrypt", [POWER_USER], S3_DECRYPT)).toBe("ExplicitlyDenied");
    });
    test("THEN an administrator fares no better", async () => {
      expect(await kms(`arn:aws:iam::${account}:role/Admin`, "kms:Decrypt", [ADMIN], S3_DECRYPT)).toBe(
        "ExplicitlyDenied",
      );
    });
    test("THEN the deny is limited to S3's context: the same role may still use the key elsewhere IAM allows", async () => {
      expect(await kms(powerUser, "kms:Decrypt", [POWER_USER], {})).toBe("Allowed");
      expect(await kms(powerUser, "kms:GenerateDataKey", [POWER_USER], S3_DECRYPT)).toBe("Allowed");
    });
  });

  test("WHEN the log-reader role the config names reads a transcript THEN S3 and KMS allow it", async () => {
    const readerPolicy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET}/*` },
        { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY },
      ],
    };
    expect(await s3(READER, "s3:GetObject", [readerPolicy])).toBe("Allowed");
    expect(await kms(READER, "kms:Decrypt", [readerPolicy], S3_DECRYPT)).toBe("Allowed");
  });

  test("WHEN the instance role uploads a transcript (multipart: S3 decrypts the data key as the uploader) THEN it is allowed", async () => {
    expect(await s3(INSTANCE_ROLE, "s3:PutObject", [instancePolicy])).toBe("Allowed");
    expect(await kms(INSTANCE_ROLE, "kms:GenerateDataKey", [instancePolicy], S3_DECRYPT)).toBe("Allowed");
    expect(await kms(INSTANCE_ROLE, "kms:Decrypt", [instancePolicy], S3_DECRYPT)).toBe("Allowed");
    // ... but it still cannot read one back
    expect(await s3(INSTANCE_ROLE, "s3:GetObject", [instancePolicy])).not.toBe("Allowed");
  });

  test("WHEN CloudWatch Logs (a service principal, its own context) uses the key THEN the transcript deny does not touch it", async () => {
    const outcome = await evaluate(
      {
        principal: `logs.${region}.amazonaws.com`,
        action: "kms:Decrypt",
        resource: KEY,
        resourceAccount: account,
        context: { "kms:EncryptionContextKeys": ["aws:logs:arn"] },
      },
      [],
      keyPolicy,
    );
    expect(outcome).not.toBe("ExplicitlyDenied");
  });

  describe("WHEN the CI apply role of prod tries to remove or unlock a transcript", () => {
    let apply: object[];
    const role = `arn:aws:iam::${account}:role/bastionless-prod-ci-apply`;
    beforeAll(() => (apply = applyRolePolicies()));
    test.each([
      ["s3:BypassGovernanceRetention"],
      ["s3:DeleteObjectVersion"],
      ["s3:DeleteObject"],
      ["s3:PutObjectRetention"],
      ["s3:PutObjectLegalHold"],
    ])("THEN %s is explicitly denied", async (action) => {
      expect(await s3(role, action, apply)).toBe("ExplicitlyDenied");
    });
    test("THEN it cannot remove the bucket's protection either (its Object Lock configuration, versioning, policy)", async () => {
      for (const action of ["s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning", "s3:DeleteBucketPolicy"])
        expect(await s3(role, action, apply, BUCKET)).toBe("ExplicitlyDenied");
    });
  });

  test.each([
    ["s3:BypassGovernanceRetention", TRANSCRIPT],
    ["s3:DeleteObjectVersion", TRANSCRIPT],
    ["s3:PutObjectRetention", TRANSCRIPT],
    ["s3:PutBucketObjectLockConfiguration", BUCKET],
  ])("WHEN an administrator tries %s THEN the bucket policy alone denies it", async (action, resource) => {
    expect(await s3(`arn:aws:iam::${account}:role/Admin`, action, [ADMIN], resource)).toBe("ExplicitlyDenied");
  });

  test.each([
    ["s3:BypassGovernanceRetention", TRANSCRIPT],
    ["s3:DeleteObjectVersion", TRANSCRIPT],
    ["s3:PutObjectLegalHold", TRANSCRIPT],
    ["s3:PutBucketObjectLockConfiguration", BUCKET],
  ])("WHEN the break-glass role the config names tries %s THEN it is allowed", async (action, resource) => {
    expect(await s3(BREAK_GLASS, action, [ADMIN], resource)).toBe("Allowed");
  });
});

describe("GIVEN an environment that names no break-glass role and no log reader (dev)", () => {
  const dev = exampleConfig("dev");
  test("THEN no principal deletes a transcript version, and no role decrypts a transcript", async () => {
    const tf = synthEnvironment(dev);
    const stack = environmentStackOf(tf);
    const env = { account: dev.account, region: dev.region };
    const bucketPolicy = concretePolicyOf(tf, stack.logBucket!.policy, env);
    const keyPolicy = concretePolicyOf(tf, stack.sessionKey.keyPolicy, env);
    const anyone = `arn:aws:iam::${dev.account}:role/bastionless-break-glass`;
    const del = await evaluate(
      {
        principal: sessionOf(anyone),
        action: "s3:DeleteObjectVersion",
        resource: `arn:aws:s3:::bastionless-dev-session-logs-${dev.account}/dev/x.log`,
        context: { "aws:PrincipalArn": anyone },
      },
      [ADMIN],
      bucketPolicy,
    );
    expect(del).toBe("ExplicitlyDenied");
    const decrypt = await evaluate(
      {
        principal: sessionOf(anyone),
        action: "kms:Decrypt",
        resource: `arn:aws:kms:${dev.region}:${dev.account}:key/${KEY_ID}`,
        context: { "aws:PrincipalArn": anyone, "kms:CallerAccount": dev.account, ...S3_DECRYPT },
      },
      [ADMIN],
      keyPolicy,
    );
    expect(decrypt).toBe("ExplicitlyDenied");
  });
});
