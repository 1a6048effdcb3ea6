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
}

/** EventBridge pattern for session API calls (CloudTrail management events from ssm.amazonaws.com). */
export const SESSION_EVENTS_PATTERN = {
  source: ["aws.ssm"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: ["ssm.amazonaws.com"], eventName: ["StartSession", "ResumeSession", "TerminateSession"] },
};

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
