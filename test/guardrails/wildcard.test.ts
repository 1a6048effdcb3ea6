/**
 * IAM's wildcard match as the guardrails use it: literal patterns and one trailing `*` take a path without a regular
 * expression, everything else is compiled; the answers must be IAM's either way.
 */
import { wildcardMatch } from "../../modules/guardrails/policy";

describe("wildcardMatch", () => {
  it.each([
    ["ssm:StartSession", "ssm:StartSession", true],
    ["ssm:startsession", "SSM:StartSession", true],
    ["ssm:StartSession", "ssm:StartSessions", false],
    ["ssm:StartSession", "ssm:Start", false],
    ["*", "anything:AtAll", true],
    ["*", "", true],
    ["ssm:*", "SSM:TerminateSession", true],
    ["ssm:*", "ssm:", true],
    ["ssm:*", "ssmx:StartSession", false],
    ["ssm:*", "ec2:RunInstances", false],
    ["ssm:Start*", "ssm:StartSession", true],
    ["ssm:Start*", "ssm:ResumeSession", false],
    ["ssm:*Session", "ssm:StartSession", true],
    ["ssm:*Session", "ssm:StartSessions", false],
    ["ssm:Start?ession", "ssm:StartSession", true],
    ["ssm:Start?ession", "ssm:StartSSession", false],
    ["s3:Get*Tagging", "s3:GetObjectTagging", true],
    ["a.b", "axb", false],
    ["a+b*", "a+bc", true],
  ])("%s against %s is %s (case-insensitive)", (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it.each([
    ["arn:aws:ssm:*:*:document/AWS-StartSSHSession", "arn:aws:ssm:eu-west-1:1:document/AWS-StartSSHSession", true],
    ["arn:aws:ssm:*:*:document/aws-startsshsession", "arn:aws:ssm:eu-west-1:1:document/AWS-StartSSHSession", false],
    ["arn:aws:ec2:*", "arn:aws:ec2:eu-west-1:1:instance/i-1", true],
    ["arn:aws:EC2:*", "arn:aws:ec2:eu-west-1:1:instance/i-1", false],
    ["Literal", "literal", false],
    ["Literal", "Literal", true],
  ])("%s against %s is %s (case-sensitive)", (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value, false)).toBe(expected);
  });

  it("keeps the two case modes apart for the same pattern", () => {
    expect(wildcardMatch("Doc-*", "doc-1", true)).toBe(true);
    expect(wildcardMatch("Doc-*", "doc-1", false)).toBe(false);
    expect(wildcardMatch("Doc-*", "doc-1", true)).toBe(true);
  });
});
