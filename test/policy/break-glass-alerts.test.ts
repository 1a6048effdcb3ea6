/**
 * The break-glass alerts of prod: the synthesized EventBridge rules' patterns, matched (test/helpers/event-pattern.ts)
 * against CloudTrail records as EventBridge delivers them ("AWS API Call via CloudTrail"; fields per the CloudTrail
 * userIdentity reference and the STS and Systems Manager CloudTrail pages): alice's assumption of the role (granted
 * or refused) and every session the role starts or resumes match, and the alert text names her; another role's
 * assumption and another principal's sessions do not. The rules publish to the environment's alert topic, whose
 * policy admits them.
 */
import { loadEnvironments } from "../../loader/load";
import { Testing } from "../../modules/core/cdktf";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { breakGlassRoleArn } from "../../stacks/operator-policy-props";
import { CloudwatchEventTarget } from "../../modules/core/aws";
import { bodyOf, ENV_DIR, policyOf, refOf, resources, synthJson, type Body } from "../helpers/synth";
import { matches, transform, type Pattern } from "../helpers/event-pattern";

const environments = loadEnvironments(ENV_DIR).map((e) => e.config);
const prod = environments.find((e) => e.name === "prod")!;
const stack = new EnvironmentStack(Testing.app(), "prod", { config: prod });
const tf = synthJson(stack);
const alerts = stack.auditAlerts;
const rules = alerts.breakGlassRules!;
const ROLE = breakGlassRoleArn(prod);
const A = prod.account;
const R = prod.region;

const patternOf = (rule: typeof rules.assumed) => JSON.parse(bodyOf(tf, rule).event_pattern as string) as Pattern;
const targetOf = (rule: typeof rules.assumed): Body =>
  resources(tf, CloudwatchEventTarget).find((t) => t.rule === refOf(alerts, rule.name))!;

/** A CloudTrail record as EventBridge delivers it. */
function delivered(
  source: string,
  detail: Record<string, unknown>,
): { detail: Record<string, unknown> } & Record<string, unknown> {
  return {
    version: "0",
    id: "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
    "detail-type": "AWS API Call via CloudTrail",
    source,
    account: A,
    time: "2026-12-07T03:12:45Z",
    region: R,
    resources: [],
    detail: {
      eventVersion: "1.09",
      eventTime: "2026-12-07T03:12:45Z",
      awsRegion: R,
      sourceIPAddress: "198.51.100.7",
      userAgent: "aws-cli/2.22.0",
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: A,
      eventCategory: "Management",
      ...detail,
    },
  };
}

const ALICE = {
  type: "IAMUser",
  principalId: "AIDAEXAMPLEALICE",
  arn: `arn:aws:iam::${A}:user/alice.sre`,
  accountId: A,
  accessKeyId: "AKIAEXAMPLEALICE",
  userName: "alice.sre",
};

/** STS AssumeRole: requestParameters carry the role, the session name, the MFA device and the source identity. */
const assumeRole = (roleArn: string, refused = false) =>
  delivered("aws.sts", {
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRole",
    readOnly: true,
    userIdentity: ALICE,
    requestParameters: {
      roleArn,
      roleSessionName: "alice.sre",
      durationSeconds: 3600,
      serialNumber: `arn:aws:iam::${A}:mfa/alice.sre`,
      sourceIdentity: "alice.sre",
    },
    ...(refused
      ? {
          errorCode: "AccessDenied",
          errorMessage: "User is not authorized to perform: sts:AssumeRole",
          responseElements: null,
        }
      : {
          responseElements: {
            credentials: { accessKeyId: "ASIAEXAMPLE", expiration: "Dec 7, 2026, 4:12:45 AM", sessionToken: "x" },
            assumedRoleUser: {
              assumedRoleId: "AROAEXAMPLEBREAKGLASS:alice.sre",
              arn: `arn:aws:sts::${A}:assumed-role/bastionless-prod-break-glass/alice.sre`,
            },
            sourceIdentity: "alice.sre",
          },
        }),
    resources: [{ accountId: A, type: "AWS::IAM::Role", ARN: roleArn }],
  });

/** A call made with a role session: userIdentity names the role in sessionContext.sessionIssuer. */
const roleSession = (roleName: string, sourceIdentity?: string) => ({
  type: "AssumedRole",
  principalId: `AROAEXAMPLE${roleName.length}:alice.sre`,
  arn: `arn:aws:sts::${A}:assumed-role/${roleName}/alice.sre`,
  accountId: A,
  accessKeyId: "ASIAEXAMPLE",
  sessionContext: {
    sessionIssuer: {
      type: "Role",
      principalId: `AROAEXAMPLE${roleName.length}`,
      arn: `arn:aws:iam::${A}:role/${roleName}`,
      accountId: A,
      userName: roleName,
    },
    attributes: { creationDate: "2026-12-07T03:12:45Z", mfaAuthenticated: "true" },
    ...(sourceIdentity ? { sourceIdentity } : {}),
  },
});

/** Systems Manager StartSession / ResumeSession / TerminateSession by a role session. */
const session = (eventName: string, roleName: string) =>
  delivered("aws.ssm", {
    eventSource: "ssm.amazonaws.com",
    eventName,
    readOnly: false,
    userIdentity: roleSession(roleName, "alice.sre"),
    requestParameters:
      eventName === "StartSession"
        ? { target: "i-0123456789abcdef0", documentName: "SSM-SessionManagerRunShell" }
        : { sessionId: "alice.sre-0a1b2c3d4e5f67890" },
    responseElements: {
      sessionId: "alice.sre-0a1b2c3d4e5f67890",
      tokenValue: "Value hidden due to security reasons.",
      streamUrl: `wss://ssmmessages.${R}.amazonaws.com/v1/data-channel/alice.sre-0a1b2c3d4e5f67890?role=publish_subscribe`,
    },
  });

describe("GIVEN prod's break-glass assumption rule", () => {
  const pattern = patternOf(rules.assumed);

  test("WHEN alice assumes the role THEN it matches, and the alert names her, the role and the time", () => {
    const event = assumeRole(ROLE);
    expect(matches(pattern, event)).toBe(true);
    const text = transform(targetOf(rules.assumed).input_transformer as never, event);
    expect(text).toContain("alice.sre (arn:aws:iam::333333333333:user/alice.sre) assumed " + ROLE);
    expect(text).toContain("2026-12-07T03:12:45Z");
    expect(text).toMatch(/^"BREAK-GLASS prod: /);
  });

  test("WHEN her assumption is refused THEN it matches too, and the alert names the error", () => {
    const event = assumeRole(ROLE, true);
    expect(matches(pattern, event)).toBe(true);
    expect(transform(targetOf(rules.assumed).input_transformer as never, event)).toContain("AccessDenied");
  });

  test("WHEN another role is assumed, or the role's session calls something else THEN it does not match", () => {
    expect(matches(pattern, assumeRole(`arn:aws:iam::${A}:role/bastionless-prod-ci-apply`))).toBe(false);
    expect(matches(pattern, assumeRole(`${ROLE}-2`))).toBe(false);
    expect(matches(pattern, session("StartSession", "bastionless-prod-break-glass"))).toBe(false);
  });

  test("THEN the rule receives read-only management events (AssumeRole is one)", () => {
    expect(assumeRole(ROLE).detail.readOnly).toBe(true);
    expect(bodyOf(tf, rules.assumed).state).toBe("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
  });
});

describe("GIVEN prod's break-glass session rule", () => {
  const pattern = patternOf(rules.sessions);

  test.each(["StartSession", "ResumeSession"])(
    "WHEN the role's session calls %s THEN it matches, and the alert names alice and the instance",
    (eventName) => {
      const event = session(eventName, "bastionless-prod-break-glass");
      expect(matches(pattern, event)).toBe(true);
      const text = transform(targetOf(rules.sessions).input_transformer as never, event);
      expect(text).toContain(
        `alice.sre (arn:aws:sts::${A}:assumed-role/bastionless-prod-break-glass/alice.sre) ${eventName}`,
      );
      if (eventName === "StartSession") expect(text).toContain("on i-0123456789abcdef0");
    },
  );

  test("WHEN another role's session starts a session, or the role terminates one THEN it does not match", () => {
    expect(matches(pattern, session("StartSession", "bastionless-prod-sre-shell"))).toBe(false);
    expect(matches(pattern, session("TerminateSession", "bastionless-prod-break-glass"))).toBe(false);
    const user = {
      ...session("StartSession", "x"),
      detail: { ...session("StartSession", "x").detail, userIdentity: ALICE },
    };
    expect(matches(pattern, user)).toBe(false);
  });
});

describe("GIVEN the environment's alert topic", () => {
  test("THEN its policy lets EventBridge publish from both break-glass rules, by their ARNs", () => {
    const statement = policyOf(bodyOf(tf, alerts.topicPolicy)).Statement.find(
      (s) => s.Sid === "EventBridgeRulesPublish",
    )!;
    const arns = (statement.Condition as { ArnEquals: { "aws:SourceArn": string[] } }).ArnEquals["aws:SourceArn"];
    expect(arns).toEqual(expect.arrayContaining([refOf(alerts, rules.assumed.arn), refOf(alerts, rules.sessions.arn)]));
    for (const rule of [rules.assumed, rules.sessions])
      expect(targetOf(rule).arn).toBe(refOf(alerts, alerts.topic.arn));
  });

  test("WHEN an environment has no break-glass role THEN it has no break-glass rules", () => {
    const dev = environments.find((e) => e.name === "dev")!;
    expect(new EnvironmentStack(Testing.app(), "dev", { config: dev }).auditAlerts.breakGlassRules).toBeUndefined();
  });
});

describe("GIVEN the matcher (test/helpers/event-pattern.ts)", () => {
  test("THEN it implements exact values, arrays on both sides, prefix and exists, and refuses other filters", () => {
    expect(matches({ a: ["x", "y"] }, { a: "y" })).toBe(true);
    expect(matches({ a: ["x"] }, { a: ["z", "x"] })).toBe(true);
    expect(matches({ a: ["x"] }, { a: "X" })).toBe(false);
    expect(matches({ a: ["x"] }, {})).toBe(false);
    expect(matches({ a: { b: [{ prefix: "arn:aws:iam::" }] } }, { a: { b: "arn:aws:iam::1:role/r" } })).toBe(true);
    expect(matches({ a: { b: [{ exists: false }] } }, { a: "flat" })).toBe(true);
    expect(matches({ a: [{ exists: true }] }, {})).toBe(false);
    expect(() => matches({ a: [{ numeric: [">", 1] }] }, { a: 2 })).toThrow(/unsupported filter/);
  });
});
