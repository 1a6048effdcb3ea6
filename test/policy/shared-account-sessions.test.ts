/**
 * Issue 25 item 6: an environment that owns SSM-SessionManagerRunShell in an account other teams share
 * (`sessionPreferences.sharedAccount`, staging and prod) makes every session there use its key. Evaluated with the
 * IAM engine on the synthesized key policy: another team's user role that holds only its own ssm:StartSession, and
 * its instance role that holds only the agent's permissions (AmazonSSMManagedInstanceCore-like, no KMS), can still
 * create and open a session's data key; nobody gets anything else from the grant (transcripts in S3, log events,
 * other contexts, other accounts). The engine reads `kms:EncryptionContextKeys` but not the per-key
 * `kms:EncryptionContext:<key>` values, which is why the grant is written on the keys.
 */
import { SsmDocument } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { evaluate, KEY_ID, type Outcome } from "../../ops/lib/iam-evaluate";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { PREFERENCES_DOCUMENT } from "../../modules/session-preferences";
import { concretePolicyOf, environmentStackOf, synthEnvironment } from "../helpers/policies";
import { annotations } from "../helpers/guardrails";
import { suppressedFindings } from "../../modules/guardrails";
import { exampleConfig, resources, synthJson } from "../helpers/synth";

const staging = exampleConfig("staging");
const { account, region } = staging;
const keyArn = `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;
const TEAM_B_USER = `arn:aws:sts::${account}:assumed-role/team-b-operators/alice`;
const TEAM_B_INSTANCE = `arn:aws:sts::${account}:assumed-role/team-b-app-instance/i-0fedcba9876543210`;
const roleOf = (sessionArn: string) =>
  sessionArn.replace(":sts::", ":iam::").replace(/:assumed-role\/([^/]+)\/.*$/, ":role/$1");

/** Team B's own operator policy: a session on its own instances, nothing about KMS. */
const TEAM_B_START_SESSION = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["ssm:StartSession", "ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: [`arn:aws:ec2:${region}:${account}:instance/*`, `arn:aws:ssm:${region}:${account}:session/*`],
    },
  ],
};
/** The shape of AmazonSSMManagedInstanceCore: the agent's ssm, ssmmessages and ec2messages actions, no KMS. */
const MANAGED_INSTANCE_CORE = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["ssm:*", "ssmmessages:*", "ec2messages:*"], Resource: "*" },
    { Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" },
  ],
};
/** What the session-manager-plugin and the agent send (the encryption context of a session's data key). */
const SESSION_CONTEXT = { "kms:EncryptionContextKeys": ["aws:ssm:SessionId", "aws:ssm:TargetId"] };
/** What S3 sends when it decrypts a transcript for a GetObject (SSE-KMS with a bucket key). */
const TRANSCRIPT_CONTEXT = {
  "kms:ViaService": `s3.${region}.amazonaws.com`,
  "kms:EncryptionContextKeys": ["aws:s3:arn"],
};

async function asPrincipal(
  principal: string,
  action: string,
  identity: object[],
  keyPolicy: object,
  context: Record<string, string | string[]>,
  callerAccount = account,
): Promise<Outcome> {
  return evaluate(
    {
      principal,
      action,
      resource: keyArn,
      resourceAccount: account,
      context: { "kms:CallerAccount": callerAccount, "aws:PrincipalArn": roleOf(principal), ...context },
    },
    identity,
    keyPolicy,
  );
}

describe("GIVEN staging, which owns the session preferences of an account other teams share (the opt-in)", () => {
  let keyPolicy: object;
  let stack: EnvironmentStack;
  beforeAll(() => {
    const tf = synthEnvironment(staging);
    stack = environmentStackOf(tf);
    keyPolicy = concretePolicyOf(tf, stack.sessionKey.keyPolicy, { account, region });
  });

  test("WHEN another team's user (only its own ssm:StartSession) starts a session THEN its plugin may create the session's data key", async () => {
    expect(
      await asPrincipal(TEAM_B_USER, "kms:GenerateDataKey", [TEAM_B_START_SESSION], keyPolicy, SESSION_CONTEXT),
    ).toBe("Allowed");
  });

  test("WHEN that team's instance (AmazonSSMManagedInstanceCore only) opens the session THEN its agent may decrypt the data key", async () => {
    expect(await asPrincipal(TEAM_B_INSTANCE, "kms:Decrypt", [MANAGED_INSTANCE_CORE], keyPolicy, SESSION_CONTEXT)).toBe(
      "Allowed",
    );
  });

  test.each<[string, string, string, Record<string, string | string[]>]>([
    ["a transcript in S3 (GetObject through S3)", TEAM_B_USER, "kms:Decrypt", TRANSCRIPT_CONTEXT],
    ["a transcript in S3, from its instance", TEAM_B_INSTANCE, "kms:Decrypt", TRANSCRIPT_CONTEXT],
    ["anything without an encryption context", TEAM_B_USER, "kms:Decrypt", {}],
    [
      "CloudWatch log data",
      TEAM_B_USER,
      "kms:Decrypt",
      { "kms:EncryptionContextKeys": ["aws:logs:arn"], "kms:ViaService": `logs.${region}.amazonaws.com` },
    ],
    [
      "a session context with a key smuggled in",
      TEAM_B_USER,
      "kms:Decrypt",
      { "kms:EncryptionContextKeys": ["aws:ssm:SessionId", "aws:ssm:TargetId", "aws:s3:arn"] },
    ],
    ["a data key for S3 objects", TEAM_B_USER, "kms:GenerateDataKey", TRANSCRIPT_CONTEXT],
    ["the key's policy", TEAM_B_USER, "kms:PutKeyPolicy", SESSION_CONTEXT],
    ["re-encryption under the session context", TEAM_B_USER, "kms:ReEncryptFrom", SESSION_CONTEXT],
  ])("WHEN another team's principal asks for %s THEN the grant gives nothing", async (_what, who, action, ctx) => {
    const identity = who === TEAM_B_USER ? [TEAM_B_START_SESSION] : [MANAGED_INSTANCE_CORE];
    expect(await asPrincipal(who, action, identity, keyPolicy, ctx)).not.toBe("Allowed");
  });

  test("WHEN a principal of another account asks for a session data key THEN it is not allowed", async () => {
    const foreign = "arn:aws:sts::444444444444:assumed-role/intruder/mallory";
    const everything = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] };
    expect(
      await asPrincipal(foreign, "kms:GenerateDataKey", [everything], keyPolicy, SESSION_CONTEXT, "444444444444"),
    ).not.toBe("Allowed");
  });

  test("THEN the agent does not check the destinations' encryption (it would refuse other teams' sessions), and the waiver is a suppressed finding", () => {
    const inputs = stack.preferences!.content.inputs;
    expect(inputs.kmsKeyId).not.toBe("");
    expect(inputs).toMatchObject({ s3EncryptionEnabled: false, cloudWatchEncryptionEnabled: false });
    expect(annotations(stack).filter((a) => a.level === "error")).toEqual([]);
    expect(suppressedFindings(stack).map((f) => [f.rule, f.path, f.reason])).toContainEqual([
      "BL-SES-001",
      "SessionPreferences/Resource",
      expect.stringMatching(/^sessionPreferences\.sharedAccount is take-over-every-session-in-the-account: /),
    ]);
  });

  test("THEN the synth summary says what the environment takes over", () => {
    expect(stack.summary()).toContain(
      `takes over ${PREFERENCES_DOCUMENT} in ${account}/${region} (sharedAccount opt-in): every session there that names no document is encrypted with alias/bastionless-staging-sessions (usable by every principal of the account, for sessions only), logged to s3://bastionless-staging-session-logs-${account}/staging/ and /bastionless/staging/sessions, idle/max 20/60 min; the agent does not check the destinations' encryption`,
    );
  });
});

describe("GIVEN an environment without the opt-in (dev: its own account, a VPC it creates)", () => {
  const dev = exampleConfig("dev");
  let keyPolicy: object;
  let stack: EnvironmentStack;
  beforeAll(() => {
    const tf = synthEnvironment(dev);
    stack = environmentStackOf(tf);
    keyPolicy = concretePolicyOf(tf, stack.sessionKey.keyPolicy, { account: dev.account, region: dev.region });
  });

  test("WHEN someone holding only ssm:StartSession asks for a session data key THEN the key policy grants nothing (IAM decides)", async () => {
    const user = `arn:aws:sts::${dev.account}:assumed-role/team-b-operators/alice`;
    const outcome = await evaluate(
      {
        principal: user,
        action: "kms:GenerateDataKey",
        resource: `arn:aws:kms:${dev.region}:${dev.account}:key/${KEY_ID}`,
        context: { "kms:CallerAccount": dev.account, "aws:PrincipalArn": roleOf(user), ...SESSION_CONTEXT },
      },
      [TEAM_B_START_SESSION],
      keyPolicy,
    );
    expect(outcome).toBe("ImplicitlyDenied");
    const sids = (keyPolicy as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
    expect(sids).not.toContain("SessionManagerUseByAccountPrincipals");
  });

  test("THEN the agent checks the destinations' encryption and the summary still says the document is account-wide", () => {
    expect(stack.preferences!.content.inputs).toMatchObject({
      s3EncryptionEnabled: true,
      cloudWatchEncryptionEnabled: true,
    });
    expect(stack.summary().find((l) => l.startsWith("takes over"))).toMatch(
      new RegExp(
        `^takes over ${PREFERENCES_DOCUMENT} in ${dev.account}/${dev.region}: every session there that names no document is encrypted with alias/bastionless-dev-sessions, logged to `,
      ),
    );
  });

  test("WHEN an environment leaves the document to its owner (document: none) THEN it takes nothing over and grants nothing", () => {
    const none = new EnvironmentStack(Testing.app(), "staging", {
      config: exampleConfig("staging", (e) => {
        e.sessionPreferences = { document: "none" };
      }),
    });
    const tf = synthJson(none);
    expect(resources(tf, SsmDocument).filter((d) => d.name === PREFERENCES_DOCUMENT)).toEqual([]);
    expect(none.summary().some((l) => l.startsWith("takes over"))).toBe(false);
    expect(JSON.stringify(tf)).not.toContain("SessionManagerUseByAccountPrincipals");
  });
});
