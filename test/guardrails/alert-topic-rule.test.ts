/**
 * BL-LOG-004 against raw Terraform fixtures: an alert topic somebody subscribes to is clean; one nobody subscribes
 * to is a warning (never an error) naming the topic; a subscription elsewhere in the account is said by a
 * suppression with its reason.
 */
import type { TerraformStack } from "../../modules/core/cdktf";
import { check, raw } from "../helpers/guardrails";

const kmsArn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000";
const topic = (s: TerraformStack, name = "alerts") =>
  raw(s, "aws_sns_topic", name, { name: `bl-dev-${name}`, kms_master_key_id: kmsArn });
const subscription = (s: TerraformStack, topicName: string, id = "sub") =>
  raw(s, "aws_sns_topic_subscription", id, {
    topic_arn: `\${aws_sns_topic.${topicName}.arn}`,
    protocol: "email",
    endpoint: "oncall@example.com",
  });
const reported = (build: (s: TerraformStack) => void, props = {}) =>
  check(build, props).filter((r) => r.rule === "BL-LOG-004");

describe("BL-LOG-004 alert topic has a subscription", () => {
  test("compliant: the topic has an email subscription", () => {
    expect(
      reported((s) => {
        topic(s);
        subscription(s, "alerts");
      }),
    ).toEqual([]);
  });

  test("non-compliant: a topic nobody subscribes to is a warning naming it, not an error", () => {
    const findings = reported((s) => topic(s));
    expect(findings.map((f) => [f.level, f.path])).toEqual([["warning", "test/alerts"]]);
    expect(findings[0].message).toMatch(
      /^BL-LOG-004 .*no aws_sns_topic_subscription in this stack names bl-dev-alerts/,
    );
    expect(findings[0].message).toMatch(/logging\.alertEmails/);
  });

  test("non-compliant: a subscription to another topic does not count", () => {
    const findings = reported((s) => {
      topic(s, "alerts");
      topic(s, "other");
      subscription(s, "other");
    });
    expect(findings.map((f) => f.path)).toEqual(["test/alerts"]);
  });

  test("a topic subscribed outside the stack is suppressed with a reason, which the summary shows", () => {
    const result = check((s) => topic(s), {
      suppressions: [{ rule: "BL-LOG-004", path: "alerts", reason: "the security team's chat integration subscribes" }],
    });
    expect(result.filter((r) => r.rule === "BL-LOG-004" && r.level === "warning")).toEqual([]);
    expect(result.suppressed.map((f) => [f.rule, f.reason])).toEqual([
      ["BL-LOG-004", "the security team's chat integration subscribes"],
    ]);
  });
});
