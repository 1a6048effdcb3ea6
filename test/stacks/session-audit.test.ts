/**
 * The session audit kit composed into every environment (stacks/environment-stack.ts, audit section of the
 * schema): configured from the environment file with strict defaults, wired to the environment's alert topic (the
 * topic and key policies evaluated with an IAM engine), over the log group and the S3 prefix the preferences
 * document really gives the agent, within AWS's name limits.
 */
import { CloudwatchMetricAlarm, CloudwatchQueryDefinition, GlueCatalogTable } from "../../modules/core/aws";
import { environmentSchema, type EnvironmentInput } from "../../loader/schema";
import { DEFAULT_RISKY_COMMANDS } from "../../modules/core/defaults";
import { transcriptKey } from "../../modules/session-audit";
import { evaluate, KEY_ID, type Request } from "../../ops/lib/iam-evaluate";
import { policyDocument } from "../../modules/core/iam";
import { applyPolicy } from "../../stacks/ci-stack";
import { edited, envDir, problemsOf } from "../helpers/env-dir";
import { concretePolicyOf, environmentStackOf, synthEnvironment } from "../helpers/policies";
import { bodyOf, exampleConfig, exampleInput, onlyResource, refOf, resources, type TfJson } from "../helpers/synth";

const EXAMPLES = ["dev", "staging", "prod"];

const issuesOf = (patch: (input: EnvironmentInput) => void) => {
  const input = structuredClone(exampleInput("dev"));
  patch(input);
  const r = environmentSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe.each(EXAMPLES)("GIVEN the example environment %s", (name) => {
  const config = exampleConfig(name);
  let tf: TfJson;
  beforeAll(() => {
    tf = synthEnvironment(config);
  });
  const stack = () => environmentStackOf(tf);

  test("THEN the kit is there by default: the queries, an alarm per default risky set, the dashboard and the table", () => {
    const kit = stack().sessionAudit!;
    expect(kit.queries.map((q) => bodyOf(tf, q).name)).toEqual(
      expect.arrayContaining([
        `bastionless/${name}/Sessions by person`,
        `bastionless/${name}/Commands of a session`,
        `bastionless/${name}/Sessions outside working hours`,
        `bastionless/${name}/Risky commands`,
      ]),
    );
    // Session starts are an opt-in (an account-level resource policy); prod takes it.
    expect(kit.queries.some((q) => bodyOf(tf, q).name === `bastionless/${name}/Session starts and reasons`)).toBe(
      config.audit.sessionStarts,
    );
    expect(kit.sessionStarts !== undefined).toBe(name === "prod");
    expect(kit.alarms.map((a) => bodyOf(tf, a).alarm_name)).toEqual(
      DEFAULT_RISKY_COMMANDS.map((s) => `bastionless-${name}-audit-risky-${s.name}`),
    );
    expect(bodyOf(tf, kit.dashboard!).dashboard_name).toBe(`bastionless-${name}-audit-sessions`);
    expect(bodyOf(tf, kit.transcriptsTable!.database).name).toBe(`bastionless_${name}_sessions`);
  });

  test("THEN every alarm notifies the environment's alert topic, and the queries read the session log group", () => {
    const s = stack();
    const topicArn = refOf(s, s.auditAlerts.topic.arn);
    for (const alarm of resources(tf, CloudwatchMetricAlarm)) expect(alarm.alarm_actions).toEqual([topicArn]);
    const sessions = refOf(s, s.logGroup!.resource.name);
    for (const q of resources(tf, CloudwatchQueryDefinition).filter((q) => !String(q.name).includes("reason")))
      expect(q.log_group_names).toContain(sessions);
  });

  test("THEN the Athena table's projected location is the folder the preferences document makes the agent upload to", () => {
    const s = stack();
    const inputs = (
      JSON.parse(bodyOf(tf, s.preferences!.document).content as string) as {
        inputs: { s3BucketName: string; s3KeyPrefix: string };
      }
    ).inputs;
    const table = onlyResource(tf, GlueCatalogTable);
    const parameters = table.parameters as Record<string, string>;
    const location = parameters["storage.location.template"].replace(
      "$${environment}",
      parameters["projection.environment.values"],
    );
    const uploaded = `s3://${inputs.s3BucketName}/${transcriptKey(inputs.s3KeyPrefix, `alice-0a1b2c3d4e5f6a7b8`)}`;
    expect(uploaded.startsWith(location)).toBe(true);
    expect(location).toBe(`s3://${s.logBucket!.bucketName}/${name}/`);
  });

  test("THEN every name is within its AWS limit", () => {
    const kit = stack().sessionAudit!;
    for (const q of kit.queries) expect(String(bodyOf(tf, q).name).length).toBeLessThanOrEqual(255);
    for (const a of kit.alarms) expect(String(bodyOf(tf, a).alarm_name).length).toBeLessThanOrEqual(255);
    expect(String(bodyOf(tf, kit.dashboard!).dashboard_name)).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
    if (kit.sessionStarts) expect(String(bodyOf(tf, kit.sessionStarts.rule).name).length).toBeLessThanOrEqual(64);
    expect(String(bodyOf(tf, kit.transcriptsTable!.database).name)).toMatch(/^[a-z0-9_]{1,255}$/);
  });
});

describe("GIVEN dev WHEN CloudWatch alarms notify the alert topic (IAM engine)", () => {
  const config = exampleConfig("dev");
  const { account, region } = config;
  let topicPolicy: object;
  let keyPolicy: object;
  let topicArn: string;
  beforeAll(() => {
    const tf = synthEnvironment(config);
    const s = environmentStackOf(tf);
    topicPolicy = concretePolicyOf(tf, s.auditAlerts.topicPolicy, config);
    keyPolicy = concretePolicyOf(tf, s.sessionKey.keyPolicy, config);
    topicArn = `arn:aws:sns:${region}:${account}:bastionless-dev-session-audit`;
  });
  const alarm = (name: string, acct = account) => `arn:aws:cloudwatch:${region}:${acct}:alarm:${name}`;
  const asCloudWatch = (action: string, resource: string, sourceArn: string, sourceAccount = account): Request => ({
    principal: "cloudwatch.amazonaws.com",
    action,
    resource,
    resourceAccount: account,
    context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": sourceAccount },
  });

  test("THEN each of the kit's alarms may publish, and use the key to encrypt the message", async () => {
    const keyArn = `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;
    for (const set of DEFAULT_RISKY_COMMANDS) {
      const arn = alarm(`bastionless-dev-audit-risky-${set.name}`);
      expect(await evaluate(asCloudWatch("sns:Publish", topicArn, arn), [], topicPolicy)).toBe("Allowed");
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"])
        expect(await evaluate(asCloudWatch(action, keyArn, arn), [], keyPolicy)).toBe("Allowed");
    }
  });
  test("THEN another alarm of the account, or an alarm of another account, may not publish or use the key", async () => {
    const keyArn = `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;
    expect(
      await evaluate(asCloudWatch("sns:Publish", topicArn, alarm("someone-elses-alarm")), [], topicPolicy),
    ).not.toBe("Allowed");
    const foreign = alarm("bastionless-dev-audit-risky-destructive", "444444444444");
    expect(await evaluate(asCloudWatch("sns:Publish", topicArn, foreign, "444444444444"), [], topicPolicy)).not.toBe(
      "Allowed",
    );
    expect(await evaluate(asCloudWatch("kms:Decrypt", keyArn, foreign, "444444444444"), [], keyPolicy)).not.toBe(
      "Allowed",
    );
  });
});

describe("the audit section of the environment file", () => {
  test("GIVEN nothing THEN the kit is on with the default working hours, sets and table, session starts off (an opt-in); no group expects a reason", () => {
    const config = exampleConfig("dev");
    expect(config.audit).toEqual({
      workingHours: { days: ["mon", "tue", "wed", "thu", "fri"], start: "08:00", end: "18:00", utcOffset: "+00:00" },
      riskyCommands: DEFAULT_RISKY_COMMANDS.map((s) => ({ name: s.name, phrases: [...s.phrases] })),
      sessionStarts: false,
      transcriptsTable: true,
    });
    expect(config.accessGroups.map((g) => g.reasonExpected)).toEqual([false, false]);
  });
  test.each([
    [
      "a phrase with >",
      (i: EnvironmentInput) => (i.audit = { riskyCommands: [{ name: "redirect", phrases: ["> /etc/passwd"] }] }),
      /^audit\.riskyCommands\.0\.phrases\.0: "> \/etc\/passwd" is not a usable phrase; allowed: .*without ", \\, <, > or &/,
    ],
    [
      "two sets of one name",
      (i: EnvironmentInput) =>
        (i.audit = {
          riskyCommands: [
            { name: "aa", phrases: ["x"] },
            { name: "aa", phrases: ["y"] },
          ],
        }),
      /^audit\.riskyCommands\.1\.name: "aa" is used by another set$/,
    ],
    [
      "a set over the filter-pattern limit",
      (i: EnvironmentInput) =>
        (i.audit = { riskyCommands: [{ name: "long", phrases: Array.from({ length: 12 }, () => "y".repeat(90)) }] }),
      /^audit\.riskyCommands\.0\.phrases: make a metric filter pattern of 1127 characters; CloudWatch Logs allows 1024: split the set$/,
    ],
    [
      "a time of day without a leading zero",
      (i: EnvironmentInput) => (i.audit = { workingHours: { start: "8:00" } }),
      /^audit\.workingHours\.start: "8:00" is not a time of day; write it as "HH:MM"/,
    ],
    [
      "a named time zone",
      (i: EnvironmentInput) => (i.audit = { workingHours: { utcOffset: "Europe/Dublin" } }),
      /^audit\.workingHours\.utcOffset: "Europe\/Dublin" is not a UTC offset/,
    ],
    [
      "an empty working day",
      (i: EnvironmentInput) => (i.audit = { workingHours: { start: "09:00", end: "09:00" } }),
      /^audit\.workingHours\.end: "09:00" equals start; give a working day$/,
    ],
    [
      "an unknown day",
      (i: EnvironmentInput) => (i.audit = { workingHours: { days: ["monday" as "mon"] } }),
      /^audit\.workingHours\.days\.0: /,
    ],
    ["a short waiver", (i: EnvironmentInput) => (i.audit = { waive: "no" }), /^audit\.waive: is too short/],
    [
      "a group that expects a reason without session starts",
      (i: EnvironmentInput) => (i.accessGroups![0].reasonExpected = true),
      /^accessGroups\.0\.reasonExpected: true needs audit\.sessionStarts: true .*IAM cannot require a reason$/,
    ],
    [
      "streaming off",
      (i: EnvironmentInput) => (i.logging!.cloudWatch = { ...i.logging!.cloudWatch, streaming: false }),
      /^logging\.cloudWatch\.streaming: false makes the agent upload plain text .*set it to true, or waive the kit \(audit\.waive\)$/,
    ],
  ])("GIVEN %s THEN it is rejected naming the field and what is allowed", (_what, patch, message) => {
    const issues = issuesOf(patch);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(message);
  });
  test("GIVEN streaming off and a written waiver THEN the file is accepted and no audit resource is made", () => {
    const config = exampleConfig("dev", (i) => {
      i.logging!.cloudWatch = { ...i.logging!.cloudWatch, streaming: false };
      i.audit = { waive: "sandbox account; sessions are reviewed from the S3 transcripts" };
    });
    const tf = synthEnvironment(config);
    const s = environmentStackOf(tf);
    expect(s.sessionAudit).toBeUndefined();
    expect(resources(tf, CloudwatchMetricAlarm)).toEqual([]);
    expect(resources(tf, CloudwatchQueryDefinition)).toEqual([]);
    // Nothing admits CloudWatch alarms when there are none.
    expect(JSON.stringify(bodyOf(tf, s.auditAlerts.topicPolicy))).not.toContain("cloudwatch.amazonaws.com");
    expect(JSON.stringify(bodyOf(tf, s.sessionKey.keyPolicy))).not.toContain("cloudwatch.amazonaws.com");
  });
  test("GIVEN an unknown key in a file WHEN loaded THEN the problem names the file, the field, its line:column and the keys allowed", () => {
    const dir = envDir({ "prod.yaml": edited("prod", "audit:\n", "audit:\n  riskyComands: []\n") });
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(
        /prod\.yaml: audit: unknown key "riskyComands" \(allowed: waive, workingHours, riskyCommands, sessionStarts, transcriptsTable\); did you mean "riskyCommands"\? \(line \d+, column 3\)$/,
      ),
    ]);
  });
});

describe("GIVEN prod, whose SRE group expects a reason", () => {
  test("THEN 'Sessions without a reason' reads the session starts and matches the group's permission-set role and IAM users", () => {
    const tf = synthEnvironment(exampleConfig("prod"));
    const s = environmentStackOf(tf);
    const query = resources(tf, CloudwatchQueryDefinition).find(
      (q) => q.name === "bastionless/prod/Sessions without a reason",
    )!;
    expect(query.log_group_names).toEqual([refOf(s, s.sessionAudit!.sessionStarts!.logGroup.name)]);
    const patterns = [...String(query.query_string).matchAll(/like \/((?:[^/\\]|\\.)*)\//g)].map(
      (m) => new RegExp(m[1]),
    );
    const listed = (arn: string) => patterns.some((p) => p.test(arn));
    expect(listed("arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_SessionManagerSRE_0123456789abcdef/ann")).toBe(
      true,
    );
    expect(listed("arn:aws:iam::333333333333:user/ann")).toBe(true);
    expect(listed("arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/ann")).toBe(false);
    expect(listed("arn:aws:sts::333333333333:assumed-role/deploy/ci")).toBe(false);
  });
  test("GIVEN dev, where no group expects one THEN there is no such query", () => {
    const tf = synthEnvironment(exampleConfig("dev"));
    expect(resources(tf, CloudwatchQueryDefinition).map((q) => q.name)).not.toContain(
      "bastionless/dev/Sessions without a reason",
    );
  });
});

describe("the CI apply role and the kit (IAM engine)", () => {
  const ci = (config: ReturnType<typeof exampleConfig>, action: string, resource: string): Request => ({
    principal: `arn:aws:iam::${config.account}:role/bastionless-${config.name}-apply`,
    action,
    resource,
  });
  const arns = (config: ReturnType<typeof exampleConfig>, env = config.name) => {
    const r = `${config.region}:${config.account}`;
    return {
      alarm: `arn:aws:cloudwatch:${r}:alarm:bastionless-${env}-audit-risky-destructive`,
      dashboard: `arn:aws:cloudwatch::${config.account}:dashboard/bastionless-${env}-audit-sessions`,
      database: `arn:aws:glue:${r}:database/bastionless_${env}_sessions`,
      table: `arn:aws:glue:${r}:table/bastionless_${env}_sessions/transcripts`,
    };
  };
  test("GIVEN dev THEN it may manage its own alarms, dashboard and table, not staging's, and no account-level resource policy", async () => {
    const config = exampleConfig("dev");
    const apply = policyDocument(applyPolicy(config));
    const own = arns(config);
    const other = arns(config, "staging");
    for (const [action, resource] of [
      ["cloudwatch:PutMetricAlarm", own.alarm],
      ["cloudwatch:PutDashboard", own.dashboard],
      ["glue:CreateTable", own.table],
      ["glue:CreateDatabase", own.database],
      ["logs:PutQueryDefinition", "*"],
    ])
      expect([action, await evaluate(ci(config, action, resource), [apply])]).toEqual([action, "Allowed"]);
    for (const [action, resource] of [
      ["cloudwatch:PutMetricAlarm", other.alarm],
      ["cloudwatch:DeleteDashboards", other.dashboard],
      ["glue:DeleteTable", other.table],
      ["logs:PutResourcePolicy", "*"],
    ])
      expect([action, await evaluate(ci(config, action, resource), [apply])]).toEqual([action, "ImplicitlyDenied"]);
  });
  test("GIVEN prod's opt-in to session starts THEN its apply role may write the account-level resource policy", async () => {
    const config = exampleConfig("prod");
    const apply = policyDocument(applyPolicy(config));
    expect(await evaluate(ci(config, "logs:PutResourcePolicy", "*"), [apply])).toBe("Allowed");
  });
});
