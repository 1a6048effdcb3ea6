import { references, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";

export class AlertTopicSubscribed extends GuardrailRule {
  public readonly id = "BL-LOG-004";
  public readonly category = "logging";
  public readonly severity = "warning";
  public readonly title = "Alert topic without a subscription";
  public readonly why =
    "The session audit alerts (sessions started, preferences changed, risky commands) are published to an SNS topic; a topic nobody subscribes to delivers them to no one, and nothing else says so.";
  public readonly fix =
    "Subscribe someone: bastionless: logging.alertEmails (each address confirms the subscription); elsewhere an aws_sns_topic_subscription on the topic. A topic subscribed outside this stack (a chat integration, another account): suppress the finding with that reason.";
  public readonly resourceTypes = ["aws_sns_topic"];

  public evaluate(model: StackModel): Finding[] {
    const subscribed = new Set(
      model.resources("aws_sns_topic_subscription").flatMap((s) => references(s.config.topic_arn)),
    );
    return model
      .resources("aws_sns_topic")
      .filter((t) => !subscribed.has(t.address))
      .map((t) => ({
        block: t,
        detail: `no aws_sns_topic_subscription in this stack names ${typeof t.config.name === "string" ? t.config.name : t.address}`,
      }));
  }
}
