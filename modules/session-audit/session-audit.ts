import {
  CloudwatchDashboard,
  CloudwatchEventRule,
  CloudwatchEventTarget,
  CloudwatchLogGroup,
  CloudwatchLogMetricFilter,
  CloudwatchLogResourcePolicy,
  CloudwatchMetricAlarm,
  CloudwatchQueryDefinition,
} from "../core/aws";
import { Construct, Token } from "../core/cdktf";
import { renderPolicy } from "../core/iam";
import { afterKeyPolicy, type IEncryptionKey } from "../core/kms";
import { LOG_RETENTION_DAYS } from "../core/limits";
import {
  reasonQueries,
  sessionQueries,
  type ReasonExpectedPrincipal,
  type RiskyCommandSet,
  type WorkingHours,
} from "./queries";
import { riskyFilterPattern } from "./risky-commands";
import { STREAMED_FIELDS as S } from "./session-log-format";
import { TranscriptsTable } from "./transcripts-table";

/** EventBridge pattern of the StartSession API calls (CloudTrail management events from ssm.amazonaws.com). */
export const START_SESSION_PATTERN = {
  source: ["aws.ssm"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: ["ssm.amazonaws.com"], eventName: ["StartSession"] },
};

/** Alarm evaluation: the sum of matches over this many seconds; one match raises the alarm. */
export const RISKY_ALARM_PERIOD_SECONDS = 300;

export interface SessionStartsProps {
  /** The log group the StartSession records are written to (under the environment's log-group prefix). */
  readonly logGroupName: string;
  /** The EventBridge rule's name (at most 64 characters). */
  readonly ruleName: string;
  /** One of the values CloudWatch Logs accepts. */
  readonly retentionDays: number;
  /** The key the log group is encrypted with (its policy must admit CloudWatch Logs for this group). */
  readonly encryptionKey: IEncryptionKey;
  /** The account EventBridge delivers from (the resource policy admits its rules only). */
  readonly account: string;
  /** Principals of the groups whose sessions are expected to carry a reason. @default - none */
  readonly reasonExpected?: readonly ReasonExpectedPrincipal[];
}

/** The alert topic alarms notify: the provider's `SnsTopic` (e.g. `AuditAlerts.topic`), or `{ arn }`. */
export interface IAlertTopic {
  readonly arn: string;
}

export interface SessionAuditProps {
  /** Prefix of every name (`<project>-<environment>`): alarms, metric filters, dashboard, resource policy. */
  readonly namePrefix: string;
  /** Folder of the saved queries in the Logs Insights console (`<project>/<environment>`). */
  readonly queryFolder: string;
  /** The region the dashboard's widgets query. */
  readonly region: string;
  /** The environment's alert topic: every alarm notifies it (its policy must admit CloudWatch alarms). */
  readonly alertTopic: IAlertTopic;
  /**
   * The session log group the agent streams JSON events to (`cloudWatchStreamingEnabled: true`; a reference to the
   * group, so filters are created after it). @default - no queries, metric filters, alarms or dashboard
   */
  readonly sessionLogGroupName?: string;
  /** When sessions are expected (the "outside working hours" query). */
  readonly workingHours: WorkingHours;
  /** Phrases that raise an alarm and that the "risky commands" query lists. */
  readonly riskyCommands: readonly RiskyCommandSet[];
  /** The S3 transcripts to put an Athena table over. @default - no table */
  readonly transcripts?: { readonly bucketName: string; readonly keyPrefix: string; readonly databaseName: string };
  /** Record StartSession calls (and their Reason) in a log group of their own. @default - not recorded */
  readonly sessionStarts?: SessionStartsProps;
}

/**
 * The session audit kit of one environment: saved Logs Insights queries (sessions by person, commands of a
 * session, sessions outside working hours, risky commands, and, with `sessionStarts`, sessions with their reason
 * and those of "reason expected" groups without one), a metric filter and an alarm per risky-command set notifying
 * the alert topic, a dashboard (sessions per day, per person, per instance; risky-command matches), an Athena table
 * over the S3 transcripts, and optionally the StartSession records, the only place a session's reason is kept.
 * It reads the logs and grants nobody anything: reading the transcripts through Athena needs s3:GetObject and
 * kms:Decrypt on the session key, which no principal of this kit gets (docs/session-audit.md).
 */
export class SessionAudit extends Construct {
  public readonly queries: CloudwatchQueryDefinition[] = [];
  public readonly alarms: CloudwatchMetricAlarm[] = [];
  public readonly metricFilters: CloudwatchLogMetricFilter[] = [];
  public readonly dashboard?: CloudwatchDashboard;
  public readonly transcriptsTable?: TranscriptsTable;
  public readonly sessionStarts?: SessionStarts;
  /** The metric namespace of the risky-command counts (`namePrefix`). */
  public readonly metricNamespace: string;

  constructor(scope: Construct, id: string, props: SessionAuditProps) {
    super(scope, id);
    this.metricNamespace = props.namePrefix;
    const names = new Set<string>();
    for (const set of props.riskyCommands) {
      if (names.has(set.name)) throw new Error(`SessionAudit: risky command set ${set.name} is listed twice`);
      names.add(set.name);
    }
    if (props.sessionStarts)
      this.sessionStarts = new SessionStarts(this, "SessionStarts", {
        ...props.sessionStarts,
        policyName: `${props.namePrefix}-session-starts`,
      });
    const startsGroup = this.sessionStarts?.logGroup.name;
    if (props.sessionLogGroupName !== undefined) {
      this.streamedLogQueries(props, props.sessionLogGroupName, startsGroup);
      this.riskyCommandAlarms(props, props.sessionLogGroupName);
      this.dashboard = new CloudwatchDashboard(this, "Dashboard", {
        dashboardName: `${props.namePrefix}-sessions`,
        dashboardBody: JSON.stringify(this.dashboardBody(props, props.sessionLogGroupName)),
      });
    }
    if (startsGroup !== undefined) {
      const q = reasonQueries({ reasonExpected: props.sessionStarts?.reasonExpected ?? [] });
      this.query(props.queryFolder, "Session starts and reasons", [startsGroup], q.sessionsWithReason);
      if (q.withoutReason) this.query(props.queryFolder, "Sessions without a reason", [startsGroup], q.withoutReason);
    }
    if (props.transcripts) this.transcriptsTable = new TranscriptsTable(this, "Transcripts", props.transcripts);
  }

  /** The alarm ARNs of a kit named `namePrefix` (what the alert topic's policy admits). */
  public static alarmArnPattern(partition: string, region: string, account: string, namePrefix: string): string {
    return `arn:${partition}:cloudwatch:${region}:${account}:alarm:${namePrefix}-risky-*`;
  }

  private query(folder: string, title: string, logGroupNames: string[], queryString: string): void {
    this.queries.push(
      new CloudwatchQueryDefinition(this, `Query${title.replace(/[^A-Za-z0-9]/g, "")}`, {
        name: `${folder}/${title}`,
        logGroupNames,
        queryString,
      }),
    );
  }

  private streamedLogQueries(props: SessionAuditProps, logGroupName: string, startsGroup?: string): void {
    const q = sessionQueries({
      workingHours: props.workingHours,
      riskyCommands: props.riskyCommands,
      withReasons: startsGroup !== undefined,
    });
    const folder = props.queryFolder;
    this.query(
      folder,
      "Sessions by person",
      startsGroup ? [logGroupName, startsGroup] : [logGroupName],
      q.sessionsByPerson,
    );
    this.query(folder, "Commands of a session", [logGroupName], q.commandsOfSession);
    this.query(folder, "Sessions outside working hours", [logGroupName], q.outsideHours);
    this.query(folder, "Risky commands", [logGroupName], q.riskyCommands);
  }

  /** Per risky-command set, a metric filter counting matching events and an alarm on one match notifying the topic. */
  private riskyCommandAlarms(props: SessionAuditProps, logGroupName: string): void {
    const risky = new Construct(this, "RiskyCommands");
    for (const set of props.riskyCommands) {
      const scope = new Construct(risky, set.name);
      const metricName = `RiskyCommands-${set.name}`;
      const name = `${props.namePrefix}-risky-${set.name}`;
      this.metricFilters.push(
        new CloudwatchLogMetricFilter(scope, "Filter", {
          name,
          logGroupName,
          pattern: riskyFilterPattern(set),
          metricTransformation: { name: metricName, namespace: this.metricNamespace, value: "1", unit: "Count" },
        }),
      );
      this.alarms.push(
        new CloudwatchMetricAlarm(scope, "Alarm", {
          alarmName: name,
          alarmDescription: `A session printed or ran a risky command (${set.name}: ${set.phrases.join(", ")}); the saved query ${props.queryFolder}/Risky commands shows where.`,
          namespace: this.metricNamespace,
          metricName,
          statistic: "Sum",
          period: RISKY_ALARM_PERIOD_SECONDS,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [props.alertTopic.arn],
        }),
      );
    }
  }

  private dashboardBody(props: SessionAuditProps, logGroupName: string) {
    const source = `SOURCE '${logGroupName}' | filter ispresent(${S.session})`;
    const log = (title: string, query: string, view: string, x: number, y: number) => ({
      type: "log",
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: props.region, view, query: `${source} | ${query}` },
    });
    return {
      widgets: [
        log("Sessions per day", `stats count_distinct(${S.session}) as sessions by bin(1d)`, "bar", 0, 0),
        log(
          "Sessions per person",
          `stats count_distinct(${S.session}) as sessions by ${S.person} | sort sessions desc`,
          "table",
          12,
          0,
        ),
        log(
          "Sessions per instance",
          `stats count_distinct(${S.session}) as sessions by ${S.instance} | sort sessions desc`,
          "table",
          0,
          6,
        ),
        {
          type: "metric",
          x: 12,
          y: 6,
          width: 12,
          height: 6,
          properties: {
            title: "Risky-command matches",
            region: props.region,
            view: "timeSeries",
            stat: "Sum",
            period: RISKY_ALARM_PERIOD_SECONDS,
            metrics: props.riskyCommands.map((s) => [this.metricNamespace, `RiskyCommands-${s.name}`]),
          },
        },
      ],
    };
  }
}

export interface SessionStartsConstructProps extends SessionStartsProps {
  /** Name of the account-level CloudWatch Logs resource policy that admits EventBridge. */
  readonly policyName: string;
}

/**
 * StartSession records, delivered by an EventBridge rule into a log group of their own (encrypted with the
 * session key, kept on destroy): the only place a session's reason is kept. CloudWatch Logs admits EventBridge
 * through an account-level resource policy (an account has at most 10 per region) limited to this group and to
 * rules of this account. The rule sees the calls only while a CloudTrail trail logs management events here.
 */
export class SessionStarts extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  public readonly rule: CloudwatchEventRule;
  public readonly policy: CloudwatchLogResourcePolicy;

  constructor(scope: Construct, id: string, props: SessionStartsConstructProps) {
    super(scope, id);
    const retention = props.retentionDays;
    if (!Token.isUnresolved(retention) && !(LOG_RETENTION_DAYS as readonly number[]).includes(retention))
      throw new Error(
        `SessionStarts: retentionDays ${retention} is not accepted by CloudWatch Logs; allowed: ${LOG_RETENTION_DAYS.join(", ")}`,
      );
    this.logGroup = new CloudwatchLogGroup(this, "Resource", {
      name: props.logGroupName,
      retentionInDays: retention,
      kmsKeyId: props.encryptionKey.keyArn,
      skipDestroy: true,
      dependsOn: afterKeyPolicy(props.encryptionKey),
    });
    this.policy = new CloudwatchLogResourcePolicy(this, "Delivery", {
      policyName: props.policyName,
      policyDocument: renderPolicy([
        {
          sid: "EventBridgeWritesSessionStarts",
          effect: "Allow",
          principals: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:*`],
          conditions: { StringEquals: { "aws:SourceAccount": props.account } },
        },
      ]),
    });
    this.rule = new CloudwatchEventRule(this, "Rule", {
      name: props.ruleName,
      description: "Session Manager StartSession calls, with their reason, into the session-starts log group",
      eventPattern: JSON.stringify(START_SESSION_PATTERN),
    });
    new CloudwatchEventTarget(this, "Target", {
      rule: this.rule.name,
      arn: this.logGroup.arn,
      dependsOn: [this.policy],
    });
  }
}
