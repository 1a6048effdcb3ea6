/**
 * modules/session-audit: every field the saved queries, the dashboard and the Athena table read is checked against
 * the recorded samples of what Session Manager writes (test/fixtures/session-manager), the risky-command patterns
 * are run against the sample's raw text, and the working-hours arithmetic of the saved query is evaluated.
 */
import * as fs from "fs";
import * as path from "path";
import {
  reasonExpectedPrincipals,
  riskyFilterPattern,
  SessionAudit,
  sessionQueries,
  STREAMED_FIELDS,
  START_SESSION_FIELDS,
  TRANSCRIPT_LINE_REGEX,
  transcriptKey,
  type RiskyCommandSet,
  type WorkingHours,
} from "../../modules/session-audit";
import { SessionKey } from "../../modules/session-logging";
import {
  CloudwatchDashboard,
  CloudwatchEventTarget,
  CloudwatchLogGroup,
  CloudwatchLogMetricFilter,
  CloudwatchLogResourcePolicy,
  CloudwatchMetricAlarm,
  CloudwatchQueryDefinition,
  GlueCatalogTable,
} from "../../modules/core/aws";
import { DEFAULT_RISKY_COMMANDS } from "../../modules/core/defaults";
import { bodyOf, onlyResource, policyOf, refOf, resources, synthJson, testStack, type Body } from "../helpers/synth";

const FIXTURES = path.join(__dirname, "..", "fixtures", "session-manager");
type Sample = { events: { timestamp: number; message: string }[] };
const sample = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as Sample;
const streamed = sample("streamed-session-events.json");
const starts = sample("start-session-events.json");
const transcript = fs.readFileSync(path.join(FIXTURES, "alice-0a1b2c3d4e5f6a7b8.log"), "latin1");

/** The field names Logs Insights discovers in JSON events: nested keys joined with `.`, arrays as a whole. */
function fieldPaths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(prefix ? [prefix] : []),
    ...fieldPaths(v, prefix ? `${prefix}.${k}` : k),
  ]);
}
const fieldsOfSample = (s: Sample) => new Set(s.events.flatMap((e) => fieldPaths(JSON.parse(e.message))));
const STREAMED = fieldsOfSample(streamed);
const STARTS = fieldsOfSample(starts);

/** Words of the Logs Insights language the kit's queries use (commands, keywords, functions). */
const INSIGHTS_WORDS = new Set(
  (
    "fields filter stats sort limit as by and or not like in asc desc SOURCE " +
    "ispresent earliest latest count count_distinct bin coalesce floor toMillis"
  ).split(" "),
);

/** Every field a Logs Insights query reads that is neither a system field (`@…`) nor an alias it defines. */
function fieldsOfQuery(query: string): string[] {
  const text = query
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/'(?:[^'\\]|\\.)*'/g, "''")
    .replace(/like\s+\/(?:[^/\\]|\\.)*\//g, "like //");
  const aliases = new Set([...text.matchAll(/\bas\s+([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
  const words = text.match(/(?<![\w.])[@A-Za-z_][A-Za-z0-9_.@]*/g) ?? [];
  return [...new Set(words.filter((w) => !w.startsWith("@") && !INSIGHTS_WORDS.has(w) && !aliases.has(w)))];
}

const hours: WorkingHours = {
  days: ["mon", "tue", "wed", "thu", "fri"],
  start: "08:00",
  end: "18:00",
  utcOffset: "+00:00",
};
const risky: RiskyCommandSet[] = [
  { name: "privilege-escalation", phrases: ["sudo su", "sudo -i"] },
  { name: "credential-access", phrases: ["/etc/shadow"] },
];

type KitProps = ConstructorParameters<typeof SessionAudit>[2];
function kit(overrides: Partial<KitProps> = {}, reasonExpected = true) {
  const stack = testStack();
  const key = new SessionKey(stack, "Key", {
    account: "111111111111",
    region: "eu-west-1",
    alias: "alias/bl-dev",
    logGroupNamePattern: "/bl/dev/*",
  });
  const sessions = new CloudwatchLogGroup(stack, "Sessions", { name: "/bl/dev/sessions" });
  const audit = new SessionAudit(stack, "Audit", {
    namePrefix: "bl-dev-audit",
    queryFolder: "bl/dev",
    region: "eu-west-1",
    alertTopic: { arn: "arn:aws:sns:eu-west-1:111111111111:bl-dev-session-audit" },
    sessionLogGroupName: sessions.name,
    workingHours: hours,
    riskyCommands: risky,
    transcripts: { bucketName: "bl-dev-session-logs", keyPrefix: "dev", databaseName: "bl_dev_sessions" },
    sessionStarts: {
      logGroupName: "/bl/dev/session-starts",
      ruleName: "bl-dev-session-starts",
      retentionDays: 365,
      encryptionKey: key,
      account: "111111111111",
      reasonExpected: reasonExpected
        ? reasonExpectedPrincipals({
            name: "platform-shell",
            iamGroup: false,
            roleNames: [],
            permissionSetName: "PlatformShell",
          })
        : [],
    },
    ...overrides,
  });
  return { stack, audit, sessions, tf: synthJson(stack) };
}

describe("the recorded samples", () => {
  test("GIVEN the streamed sample THEN every field the kit names is in every event, and nothing else is", () => {
    for (const e of streamed.events) {
      const fields = new Set(fieldPaths(JSON.parse(e.message)));
      for (const f of Object.values(STREAMED_FIELDS)) expect(fields).toContain(f);
    }
    // The agent writes exactly these keys (CloudWatchMessage); a renamed or new one shows up here.
    expect([...STREAMED].filter((f) => !f.includes(".")).sort()).toEqual([
      "awsRegion",
      "eventTime",
      "eventVersion",
      "runAsUser",
      "sessionData",
      "sessionId",
      "target",
      "userIdentity",
    ]);
  });
  test("GIVEN the StartSession sample THEN every field the kit names is there (the reason only where given)", () => {
    for (const f of Object.values(START_SESSION_FIELDS)) expect(STARTS).toContain(f);
    const reasons = starts.events.map(
      (e) =>
        (JSON.parse(e.message) as { detail: { requestParameters: { reason?: string } } }).detail.requestParameters
          .reason,
    );
    expect(reasons).toEqual(["INC-4711 disk full on web-1", undefined]);
  });
  test("GIVEN Go's encoder THEN <, > and & are escaped in the raw event text (why phrases may not contain them)", () => {
    const raw = streamed.events[1].message;
    const line = (JSON.parse(raw) as { sessionData: string[] }).sessionData[1];
    expect(line).toContain("/etc/shadow > /tmp/s && echo");
    expect(raw).not.toContain("> /tmp/s");
    expect(raw).toContain("\\u003e /tmp/s \\u0026\\u0026 echo");
  });
});

describe("GIVEN the saved queries and the dashboard", () => {
  const { tf, sessions, audit, stack } = kit();
  const sessionGroup = refOf(stack, sessions.name);
  const startsGroup = refOf(stack, audit.sessionStarts!.logGroup.name);
  const queries = resources(tf, CloudwatchQueryDefinition);

  test("THEN there are the six queries, in the environment's folder", () => {
    expect(queries.map((q) => q.name).sort()).toEqual([
      "bl/dev/Commands of a session",
      "bl/dev/Risky commands",
      "bl/dev/Session starts and reasons",
      "bl/dev/Sessions by person",
      "bl/dev/Sessions outside working hours",
      "bl/dev/Sessions without a reason",
    ]);
  });
  test("THEN every field a query reads is in the sample of the log groups it queries", () => {
    for (const q of queries) {
      const groups = q.log_group_names as string[];
      const known = new Set([
        ...(groups.includes(sessionGroup) ? STREAMED : []),
        ...(groups.includes(startsGroup) ? STARTS : []),
      ]);
      expect(groups.length).toBeGreaterThan(0);
      const unknown = fieldsOfQuery(q.query_string as string).filter((f) => !known.has(f));
      expect({ query: q.name, unknown }).toEqual({ query: q.name, unknown: [] });
    }
  });
  test("THEN every field a dashboard widget reads is in the streamed sample", () => {
    const body = JSON.parse(onlyResource(tf, CloudwatchDashboard).dashboard_body as string) as {
      widgets: { type: string; properties: { query?: string } }[];
    };
    const logWidgets = body.widgets.filter((w) => w.type === "log");
    expect(logWidgets).toHaveLength(3);
    for (const w of logWidgets) {
      expect(w.properties.query).toContain(`SOURCE '${sessionGroup}'`);
      expect(fieldsOfQuery(w.properties.query!).filter((f) => !STREAMED.has(f))).toEqual([]);
    }
  });
  test("WHEN a query names a field the agent does not write THEN the check finds it", () => {
    expect(
      fieldsOfQuery("filter ispresent(sessionId) | stats count(*) by userIdentity.userName, target.instanceId"),
    ).toEqual(["sessionId", "userIdentity.userName", "target.instanceId"]);
    expect(["userIdentity.userName", "target.instanceId"].filter((f) => STREAMED.has(f))).toEqual([]);
  });
});

describe("risky commands", () => {
  const raw = streamed.events.map((e) => e.message);
  /** A quoted-term filter pattern (`"a"` or `?"a" ?"b"`) as CloudWatch Logs applies it to unstructured text. */
  const matches = (pattern: string, message: string) =>
    [...pattern.matchAll(/"([^"]*)"/g)].map((m) => m[1]).some((term) => message.includes(term));

  test("GIVEN the sample WHEN the sets' filter patterns run on the raw events THEN exactly the risky event matches", () => {
    expect(riskyFilterPattern(risky[0])).toBe('?"sudo su" ?"sudo -i"');
    expect(riskyFilterPattern(risky[1])).toBe('"/etc/shadow"');
    for (const set of risky) expect(raw.map((m) => matches(riskyFilterPattern(set), m))).toEqual([false, true, false]);
  });
  test("GIVEN the default sets THEN every phrase is usable and none matches the harmless events of the sample", () => {
    for (const set of DEFAULT_RISKY_COMMANDS) {
      const pattern = riskyFilterPattern(set);
      expect(matches(pattern, raw[0])).toBe(false);
      expect(matches(pattern, raw[2])).toBe(false);
    }
  });
  test.each([
    [
      "a phrase with >",
      { name: "x", phrases: ["> /etc/passwd"] },
      /phrase "> \/etc\/passwd" must be 1-100 printable ASCII/,
    ],
    ["a phrase with a quote", { name: "x", phrases: ['echo "'] }, /must be 1-100 printable ASCII characters without "/],
    ["no phrase", { name: "x", phrases: [] }, /no phrases/],
    [
      "a pattern over 1024 characters",
      { name: "x", phrases: Array.from({ length: 40 }, (_, i) => `phrase-number-${i}-${"y".repeat(14)}`) },
      /1024: split the set/,
    ],
  ])("GIVEN %s THEN the set is refused", (_what, set, message) => {
    expect(() => riskyFilterPattern(set)).toThrow(message);
  });

  test("GIVEN the kit THEN each set has a metric filter on the session log group and an alarm on its metric notifying the alert topic", () => {
    const { tf, sessions, stack } = kit();
    const filters = resources(tf, CloudwatchLogMetricFilter);
    const alarms = resources(tf, CloudwatchMetricAlarm);
    expect(filters).toHaveLength(risky.length);
    expect(alarms).toHaveLength(risky.length);
    for (const set of risky) {
      const filter = filters.find((f) => f.name === `bl-dev-audit-risky-${set.name}`)!;
      const alarm = alarms.find((a) => a.alarm_name === `bl-dev-audit-risky-${set.name}`)!;
      expect(filter).toMatchObject({ log_group_name: refOf(stack, sessions.name), pattern: riskyFilterPattern(set) });
      const metric = filter.metric_transformation as Body;
      expect(metric).toMatchObject({ value: "1", namespace: "bl-dev-audit" });
      expect(alarm).toMatchObject({
        namespace: metric.namespace,
        metric_name: metric.name,
        statistic: "Sum",
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        alarm_actions: ["arn:aws:sns:eu-west-1:111111111111:bl-dev-session-audit"],
      });
    }
    expect(SessionAudit.alarmArnPattern("aws", "eu-west-1", "111111111111", "bl-dev-audit")).toBe(
      "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:bl-dev-audit-risky-*",
    );
  });
  test("GIVEN two sets of one name THEN the kit is refused", () => {
    expect(() => kit({ riskyCommands: [risky[0], risky[0]] })).toThrow(/privilege-escalation is listed twice/);
  });
});

describe("sessions outside working hours", () => {
  /** The query's own arithmetic and condition, evaluated for an instant (Logs Insights `%` and `floor` as in JS). */
  function outside(query: string, instant: string): boolean {
    const fields = /\| fields (.*) as minuteOfDay, (.*) as weekday\n/.exec(query)!;
    const condition = /\n\| filter (\(minuteOfDay.*)\n/.exec(query)![1];
    const ms = Date.parse(instant);
    const evaluate = (expr: string) =>
      Function("floor", "ms", `return ${expr.replace(/toMillis\(@timestamp\)/g, "ms")};`)(Math.floor, ms) as number;
    const minuteOfDay = evaluate(fields[1]);
    const weekday = evaluate(fields[2]);
    const js = condition
      .replace(/ or /g, " || ")
      .replace(/ and /g, " && ")
      .replace(/weekday in \[([^\]]*)\]/, "[$1].includes(weekday)");
    return Function("minuteOfDay", "weekday", `return ${js};`)(minuteOfDay, weekday) as boolean;
  }
  const q = (h: WorkingHours) => sessionQueries({ workingHours: h, riskyCommands: risky }).outsideHours;

  test.each([
    ["Monday 21:14 UTC (the sample session)", "2026-12-07T21:14:03Z", hours, true],
    ["Monday 10:00 UTC", "2026-12-07T10:00:00Z", hours, false],
    ["Monday 08:00 UTC (start is inclusive)", "2026-12-07T08:00:00Z", hours, false],
    ["Monday 18:00 UTC (end is exclusive)", "2026-12-07T18:00:00Z", hours, true],
    ["Saturday 10:00 UTC", "2026-12-12T10:00:00Z", hours, true],
    [
      "Sunday 23:30 UTC = Monday 00:30 at +01:00",
      "2026-12-06T23:30:00Z",
      { ...hours, start: "00:00", utcOffset: "+01:00" },
      false,
    ],
    ["Monday 17:30 UTC = 18:30 at +01:00", "2026-12-07T17:30:00Z", { ...hours, utcOffset: "+01:00" }, true],
    [
      "Friday 23:00 UTC = 18:00 at -05:00",
      "2026-12-11T23:00:00Z",
      { ...hours, start: "09:00", utcOffset: "-05:00" },
      true,
    ],
    ["night shift 22:00-06:00, 03:00", "2026-12-08T03:00:00Z", { ...hours, start: "22:00", end: "06:00" }, false],
    ["night shift 22:00-06:00, 12:00", "2026-12-08T12:00:00Z", { ...hours, start: "22:00", end: "06:00" }, true],
    [
      "every day, Sunday 10:00",
      "2026-12-13T10:00:00Z",
      { ...hours, days: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as WorkingHours["days"] },
      false,
    ],
  ])("GIVEN %s THEN outside is %s", (_what, instant, h, expected) => {
    expect(outside(q(h), instant)).toBe(expected);
  });
  test.each([
    [{ ...hours, start: "8:00" }, /"8:00" is not a time of day HH:MM/],
    [{ ...hours, end: "24:00" }, /"24:00" is not a time of day/],
    [{ ...hours, utcOffset: "+1" }, /"\+1" is not a UTC offset/],
    [{ ...hours, end: "08:00" }, /start and end are both 08:00/],
  ])("GIVEN working hours %j THEN they are refused", (h, message) => {
    expect(() => q(h)).toThrow(message);
  });
});

describe("the reason of a session", () => {
  const { tf, audit, stack } = kit();
  const group = bodyOf(tf, audit.sessionStarts!.logGroup);

  test("THEN StartSession calls go to a log group of their own, encrypted, kept on destroy, through a rule and a policy for this group and account", () => {
    expect(group).toMatchObject({ name: "/bl/dev/session-starts", retention_in_days: 365, skip_destroy: true });
    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\.Key_/);
    const rule = bodyOf(tf, audit.sessionStarts!.rule);
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.ssm"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: { eventSource: ["ssm.amazonaws.com"], eventName: ["StartSession"] },
    });
    expect(onlyResource(tf, CloudwatchEventTarget)).toMatchObject({
      rule: refOf(stack, audit.sessionStarts!.rule.name),
      arn: refOf(stack, audit.sessionStarts!.logGroup.arn),
    });
    expect(onlyResource(tf, CloudwatchEventTarget).role_arn).toBeUndefined();
    const policy = onlyResource(tf, CloudwatchLogResourcePolicy);
    expect(policy.policy_name).toBe("bl-dev-audit-session-starts");
    expect(policyOf(policy, "policy_document").Statement).toEqual([
      {
        Sid: "EventBridgeWritesSessionStarts",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${refOf(stack, audit.sessionStarts!.logGroup.arn)}:*`,
        Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
      },
    ]);
  });

  const reasonless = (query: string) => {
    // The query's conditions, applied to the sample: StartSession, no reason, a reason-expected principal.
    const patterns = [...query.matchAll(/detail\.userIdentity\.arn like \/((?:[^/\\]|\\.)*)\//g)].map(
      (m) => new RegExp(m[1]),
    );
    return starts.events
      .map(
        (e) =>
          JSON.parse(e.message) as {
            detail: {
              eventName: string;
              userIdentity: { arn: string };
              requestParameters: { reason?: string };
              responseElements: { sessionId: string };
            };
          },
      )
      .filter((e) => e.detail.eventName === "StartSession" && !e.detail.requestParameters.reason)
      .filter((e) => patterns.some((p) => p.test(e.detail.userIdentity.arn)))
      .map((e) => e.detail.responseElements.sessionId);
  };
  test("GIVEN a reason-expected permission set THEN 'Sessions without a reason' lists its reasonless session and not the one with a reason", () => {
    const query = resources(tf, CloudwatchQueryDefinition).find((q) => q.name === "bl/dev/Sessions without a reason")!;
    expect(reasonless(query.query_string as string)).toEqual(["bob-0f1e2d3c4b5a69788"]);
  });
  test("GIVEN reason-expected principals THEN roles, permission sets and IAM users are told apart by their ARN", () => {
    const arns = {
      role: "arn:aws:sts::111111111111:assumed-role/developer/alice",
      otherRole: "arn:aws:sts::111111111111:assumed-role/developer-admin/alice",
      sso: "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PlatformShell_0123456789abcdef/bob",
      otherSso: "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PlatformShellAdmin_0123456789abcdef/bob",
      user: "arn:aws:iam::111111111111:user/carol",
    };
    const test = (g: Parameters<typeof reasonExpectedPrincipals>[0]) =>
      Object.entries(arns)
        .filter(([, arn]) => reasonExpectedPrincipals(g).some((p) => new RegExp(p.arnPattern).test(arn)))
        .map(([k]) => k);
    expect(test({ name: "g", iamGroup: false, roleNames: ["developer"] })).toEqual(["role"]);
    expect(test({ name: "g", iamGroup: false, roleNames: [], permissionSetName: "PlatformShell" })).toEqual(["sso"]);
    expect(test({ name: "g", iamGroup: true, roleNames: [] })).toEqual(["user"]);
  });
  test("GIVEN no reason-expected group THEN there is no 'Sessions without a reason' query; the reasons are still shown", () => {
    const { tf } = kit({}, false);
    const names = resources(tf, CloudwatchQueryDefinition).map((q) => q.name);
    expect(names).not.toContain("bl/dev/Sessions without a reason");
    expect(names).toContain("bl/dev/Session starts and reasons");
    const byPerson = resources(tf, CloudwatchQueryDefinition).find((q) => q.name === "bl/dev/Sessions by person")!;
    expect(byPerson.query_string).toContain(`earliest(${START_SESSION_FIELDS.reason}) as reason`);
  });
  test("GIVEN no sessionStarts THEN no log group, rule or resource policy, and no reason in the queries", () => {
    const { tf } = kit({ sessionStarts: undefined });
    expect(resources(tf, CloudwatchLogResourcePolicy)).toEqual([]);
    expect(resources(tf, CloudwatchEventTarget)).toEqual([]);
    expect(JSON.stringify(resources(tf, CloudwatchQueryDefinition))).not.toContain("reason");
  });
});

describe("the Athena table over the S3 transcripts", () => {
  const { tf } = kit();
  const table = onlyResource(tf, GlueCatalogTable);
  const sd = table.storage_descriptor as Body & { ser_de_info: Body & { parameters: Record<string, string> } };

  test("THEN it is projected by the key prefix, one RegexSerDe line per row", () => {
    expect(table).toMatchObject({
      name: "transcripts",
      table_type: "EXTERNAL_TABLE",
      partition_keys: [expect.objectContaining({ name: "environment", type: "string" })],
      parameters: expect.objectContaining({
        "projection.enabled": "true",
        "projection.environment.type": "enum",
        "projection.environment.values": "dev",
        // `$${` is Terraform's escape: the table gets the literal ${environment}.
        "storage.location.template": "s3://bl-dev-session-logs/$${environment}/",
      }),
    });
    expect(sd.columns).toEqual([expect.objectContaining({ name: "line", type: "string" })]);
    expect(sd.ser_de_info.serialization_library).toBe("org.apache.hadoop.hive.serde2.RegexSerDe");
  });
  test("GIVEN the sample transcript WHEN split into rows and read by the SerDe's regex THEN each row is its line, whole, without carriage returns", () => {
    // RegexSerDe matches the whole row (Matcher.matches); (?s) is JavaScript's s flag.
    const regex = new RegExp(`^${TRANSCRIPT_LINE_REGEX.replace("(?s)", "")}$`, "s");
    const rows = transcript.split("\n").slice(0, -1);
    const lines = rows.map((r) => regex.exec(r)?.[1]);
    expect(lines.every((l) => l !== undefined && !l.includes("\r"))).toBe(true);
    expect(lines).toContain("sh-5.2$ sudo su -");
    expect(lines.find((l) => l!.includes("cat /etc/shadow"))).toMatch(/# cat \/etc\/shadow > \/tmp\/s && echo done$/);
  });
  test("GIVEN the key the agent uploads to THEN the projected location of the environment is its folder", () => {
    const key = transcriptKey("dev", "alice-0a1b2c3d4e5f6a7b8");
    expect(key).toBe("dev/alice-0a1b2c3d4e5f6a7b8.log");
    const location = (table.parameters as Record<string, string>)["storage.location.template"].replace(
      "$${environment}",
      (table.parameters as Record<string, string>)["projection.environment.values"],
    );
    expect(`s3://bl-dev-session-logs/${key}`.startsWith(location)).toBe(true);
    expect(transcriptKey("", "s-1")).toBe("s-1.log");
    expect(transcriptKey("a/b/", "s-1")).toBe("a/b/s-1.log");
  });
});
