/**
 * Generated physical names are checked against their AWS limits at config time (S3 bucket 63, IAM role 64,
 * EventBridge rule 64), naming the field that made them too long and the fix.
 */
import { environmentSchema, type EnvironmentInput } from "../../loader/schema";
import { Testing } from "../../modules/core/cdktf";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { exampleInput, resources, synthJson } from "../helpers/synth";

const PROJECT = "platform-engineering-abc"; // 24 characters, the longest project name allowed
const variant = (name: string, patch: (i: EnvironmentInput) => void = () => undefined): EnvironmentInput => {
  const input = structuredClone(exampleInput("prod"));
  input.project = PROJECT;
  input.name = name;
  patch(input);
  return input;
};
const lengthIssues = (input: EnvironmentInput) => {
  const r = environmentSchema.safeParse(input);
  return r.success
    ? []
    : r.error.issues
        .filter((i) => /characters; AWS allows/.test(i.message))
        .map((i) => ({ path: i.path.join("."), message: i.message }));
};

describe("physical-name lengths at config time", () => {
  test("GIVEN project (24) and name (13) WHEN validated THEN the bucket (64 > 63) and the rule (66 > 64) are errors on name", () => {
    const issues = lengthIssues(variant("production-eu"));
    expect(issues.map((i) => i.path)).toEqual(["name", "name"]);
    expect(issues.map((i) => i.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^"production-eu" \(with project "platform-engineering-abc"\) makes the name of the audit EventBridge rule "platform-engineering-abc-production-eu-session-preferences-changes" 66 characters; AWS allows 64: shorten project or name$/,
        ),
        expect.stringMatching(
          /the session-log bucket "platform-engineering-abc-production-eu-session-logs-333333333333" 64 characters; AWS allows 63: shorten project or name, or set logging\.s3\.bucketName$/,
        ),
      ]),
    );
  });
  test("GIVEN the same names and an explicit logging.s3.bucketName THEN only the rule is reported", () => {
    const issues = lengthIssues(
      variant("production-eu", (i) => {
        i.logging!.s3 = { ...i.logging!.s3, bucketName: "prod-session-logs" };
      }),
    );
    expect(issues).toEqual([{ path: "name", message: expect.stringMatching(/audit EventBridge rule/) }]);
  });
  test("GIVEN a created VPC whose name makes the flow-log role over 64 THEN the error is on that VPC's name", () => {
    const input = structuredClone(exampleInput("dev"));
    input.project = PROJECT;
    input.name = "dev";
    (input.vpcs as { name: string }[])[0].name = "a-long-vpc-name-of-twenty-six";
    const issues = lengthIssues(input);
    expect(issues).toEqual([
      {
        path: "vpcs.0.name",
        message: expect.stringMatching(
          /the flow-log role of VPC a-long-vpc-name-of-twenty-six "platform-engineering-abc-dev-a-long-vpc-name-of-twenty-six-flow-logs" 68 characters; AWS allows 64: shorten project, name or the VPC's name$/,
        ),
      },
    ]);
  });
  test("GIVEN project (24) and name (11) THEN everything fits (the rule is exactly 64) and nothing is reported", () => {
    expect(lengthIssues(variant("production1"))).toEqual([]);
  });
  test("GIVEN the boundary config WHEN the stack synthesizes THEN every generated name is within its limit", () => {
    const config = environmentSchema.parse(variant("production1"));
    const tf = synthJson(new EnvironmentStack(Testing.app(), "production1", { config }), false);
    const rules = resources(tf, "aws_cloudwatch_event_rule").map((r) => String(r.name));
    expect(Math.max(...rules.map((n) => n.length))).toBe(64);
    for (const r of resources(tf, "aws_iam_role")) expect(String(r.name).length).toBeLessThanOrEqual(64);
    for (const b of resources(tf, "aws_s3_bucket")) expect(String(b.bucket).length).toBeLessThanOrEqual(63);
  });
  test("GIVEN the example environments THEN nothing is reported", () => {
    for (const name of ["dev", "staging", "prod"]) expect(lengthIssues(exampleInput(name))).toEqual([]);
  });
});
