import {
  CloudwatchEventRule,
  CloudwatchEventTarget,
  SnsTopic,
  SnsTopicPolicy,
  SnsTopicSubscription,
} from "../core/aws";
import { Construct } from "../core/cdktf";
import { renderPolicy } from "../core/iam";
import type { IEncryptionKey } from "../core/kms";

export interface AuditAlertsProps {
  readonly topicName: string;
  readonly ruleNamePrefix: string;
  /** The key the topic is encrypted with (its policy must let EventBridge use it). */
  readonly encryptionKey: IEncryptionKey;
  /** The preferences document whose changes are alerted on. */
  readonly preferencesDocumentName: string;
  /** @default - none */
  readonly emails?: readonly string[];
  /**
   * CloudWatch alarms that may publish to the topic, as an ARN pattern of this account and region
   * (`arn:aws:cloudwatch:<region>:<account>:alarm:<prefix>-*`); the key must admit them too
   * (`SessionKeyProps.allowCloudWatchAlarms`). @default - no alarm may publish
   */
  readonly alarmArnPattern?: string;
  /**
   * The environment's break-glass role: its assumption (AssumeRole naming it, granted or refused) and every session
   * it starts or resumes get rules of their own, whose message names the person (the source identity, the caller).
   * @default - no break-glass rules
   */
  readonly breakGlass?: { readonly roleArn: string; readonly environment: string };
}

/** EventBridge pattern for session API calls (CloudTrail management events from ssm.amazonaws.com). */
export const SESSION_EVENTS_PATTERN = {
  source: ["aws.ssm"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: ["ssm.amazonaws.com"], eventName: ["StartSession", "ResumeSession", "TerminateSession"] },
};

/**
 * EventBridge pattern for an assumption of the break-glass role: CloudTrail's AssumeRole record (STS, a read-only
 * management event: the rule needs state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS and the trail read events)
 * whose requestParameters.roleArn is the role. Refused attempts (errorCode AccessDenied) match too.
 */
export function breakGlassAssumePattern(roleArn: string) {
  return {
    source: ["aws.sts"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["sts.amazonaws.com"],
      eventName: ["AssumeRole"],
      requestParameters: { roleArn: [roleArn] },
    },
  };
}

/**
 * EventBridge pattern for a session of the break-glass role: StartSession or ResumeSession (write management events
 * of Systems Manager) called with credentials the role issued (userIdentity.sessionContext.sessionIssuer.arn).
 */
export function breakGlassSessionPattern(roleArn: string) {
  return {
    source: ["aws.ssm"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["ssm.amazonaws.com"],
      eventName: ["StartSession", "ResumeSession"],
      userIdentity: { sessionContext: { sessionIssuer: { arn: [roleArn] } } },
    },
  };
}

/** The alert text of a break-glass assumption: who (source identity, caller), when, from where, and any refusal. */
export function breakGlassAssumeMessage(environment: string) {
  return {
    inputPaths: {
      who: "$.detail.requestParameters.sourceIdentity",
      caller: "$.detail.userIdentity.arn",
      role: "$.detail.requestParameters.roleArn",
      time: "$.detail.eventTime",
      ip: "$.detail.sourceIPAddress",
      error: "$.detail.errorCode",
    },
    inputTemplate: JSON.stringify(
      `BREAK-GLASS ${environment}: <who> (<caller>) assumed <role> at <time> from <ip>. Refused if an error is named here: <error>. Runbook: docs/break-glass.md`,
    ),
  };
}

/** The alert text of a break-glass session: who (the source identity the session carries), on which instance. */
export function breakGlassSessionMessage(environment: string) {
  return {
    inputPaths: {
      who: "$.detail.userIdentity.sessionContext.sourceIdentity",
      caller: "$.detail.userIdentity.arn",
      action: "$.detail.eventName",
      target: "$.detail.requestParameters.target",
      session: "$.detail.responseElements.sessionId",
      time: "$.detail.eventTime",
      error: "$.detail.errorCode",
    },
    inputTemplate: JSON.stringify(
      `BREAK-GLASS ${environment}: <who> (<caller>) <action> on <target> (session <session>) at <time>. Refused if an error is named here: <error>. Runbook: docs/break-glass.md`,
    ),
  };
}

export function documentChangePattern(documentName: string) {
  return {
    source: ["aws.ssm"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["ssm.amazonaws.com"],
      eventName: ["UpdateDocument", "DeleteDocument", "UpdateDocumentDefaultVersion", "CreateDocument"],
      requestParameters: { name: [documentName] },
    },
  };
}

/**
 * Audit alerts: EventBridge rules for StartSession / ResumeSession / TerminateSession and for changes to the
 * preferences document, delivered to a KMS-encrypted SNS topic (EventBridge may publish only from these rules),
 * with optional email subscriptions. EventBridge receives these "AWS API Call via CloudTrail" events only while a
 * CloudTrail trail logs management events in the account and region (CloudTrail's 90-day event history alone does
 * not deliver them): pair the alerts with `TrailLoggingCheck` (an existing trail, checked at plan time) or
 * `AuditTrail` (a created one), see audit-trail.ts.
 */
export class AuditAlerts extends Construct {
  public readonly topic: SnsTopic;
  /** Who may publish: these rules, and the CloudWatch alarms of `alarmArnPattern`. */
  public readonly topicPolicy: SnsTopicPolicy;
  /** The break-glass rules, when the environment has a break-glass role. */
  public readonly breakGlassRules?: { readonly assumed: CloudwatchEventRule; readonly sessions: CloudwatchEventRule };

  constructor(scope: Construct, id: string, props: AuditAlertsProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "Topic", { name: props.topicName, kmsMasterKeyId: props.encryptionKey.keyArn });
    const rules = [
      new CloudwatchEventRule(this, "SessionEvents", {
        name: `${props.ruleNamePrefix}-session-events`,
        description: "Session Manager sessions started, resumed or terminated",
        eventPattern: JSON.stringify(SESSION_EVENTS_PATTERN),
      }),
      new CloudwatchEventRule(this, "PreferencesChanges", {
        name: `${props.ruleNamePrefix}-preferences-changes`,
        description: `Changes to the ${props.preferencesDocumentName} session preferences document`,
        eventPattern: JSON.stringify(documentChangePattern(props.preferencesDocumentName)),
      }),
    ];
    for (const rule of rules)
      new CloudwatchEventTarget(this, `${rule.node.id}Target`, { rule: rule.name, arn: this.topic.arn });
    const bg = props.breakGlass;
    if (bg) {
      const assumed = new CloudwatchEventRule(this, "BreakGlassAssumed", {
        name: `${props.ruleNamePrefix}-break-glass-assumed`,
        description: `The break-glass role ${bg.roleArn} assumed (or refused)`,
        eventPattern: JSON.stringify(breakGlassAssumePattern(bg.roleArn)),
        // AssumeRole is a read-only management event: delivered only to rules in this state.
        state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
      });
      const sessions = new CloudwatchEventRule(this, "BreakGlassSessions", {
        name: `${props.ruleNamePrefix}-break-glass-started`,
        description: `Sessions started or resumed with the break-glass role ${bg.roleArn}`,
        eventPattern: JSON.stringify(breakGlassSessionPattern(bg.roleArn)),
      });
      new CloudwatchEventTarget(this, "BreakGlassAssumedTarget", {
        rule: assumed.name,
        arn: this.topic.arn,
        inputTransformer: breakGlassAssumeMessage(bg.environment),
      });
      new CloudwatchEventTarget(this, "BreakGlassSessionsTarget", {
        rule: sessions.name,
        arn: this.topic.arn,
        inputTransformer: breakGlassSessionMessage(bg.environment),
      });
      rules.push(assumed, sessions);
      this.breakGlassRules = { assumed, sessions };
    }
    this.topicPolicy = new SnsTopicPolicy(this, "TopicPolicy", {
      arn: this.topic.arn,
      policy: renderPolicy([
        {
          sid: "EventBridgeRulesPublish",
          effect: "Allow",
          principals: { Service: ["events.amazonaws.com"] },
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          conditions: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
        },
        ...(props.alarmArnPattern
          ? [
              {
                sid: "CloudWatchAlarmsPublish",
                effect: "Allow" as const,
                principals: { Service: ["cloudwatch.amazonaws.com"] },
                actions: ["sns:Publish"],
                resources: [this.topic.arn],
                conditions: { ArnLike: { "aws:SourceArn": props.alarmArnPattern } },
              },
            ]
          : []),
      ]),
    });
    // Keyed by address, not list position: reordering the emails changes nothing.
    const emails = new Construct(this, "Emails");
    for (const email of new Set(props.emails ?? []))
      new SnsTopicSubscription(emails, email, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
  }
}
