/**
 * BL-IAM-007: identity policies over the IAM size limit of their attachment fail the synth before AWS rejects the
 * apply. Raw fixtures per attachment kind, and the environment stack with a group of 25 port-forward targets.
 */
import type { TerraformStack } from "../../modules/core/cdktf";
import { Testing } from "../../modules/core/cdktf";
import { policySize } from "../../modules/guardrails/rules/bl-iam-007-policy-size";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { annotations, check, raw } from "../helpers/guardrails";
import { exampleConfig } from "../helpers/synth";

/** A policy of exactly `size` characters as IAM counts them (whitespace removed). */
function policyOf(size: number): string {
  const shell = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "" }],
  });
  const pad = size - shell.length;
  return JSON.stringify(
    {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${"b".repeat(pad - 13)}` }],
    },
    null,
    2,
  );
}
const findings = (build: (s: TerraformStack) => void) => check(build).filter((r) => r.rule === "BL-IAM-007");

describe("policySize (what IAM counts)", () => {
  test("whitespace is not counted", () => {
    expect(policySize('{ "a" :\n  "b c" }')).toBe('{"a":"bc"}'.length);
  });
  test("a Terraform reference counts at a realistic length (ARN 100), an IAM variable as IAM receives it", () => {
    expect(policySize('"${aws_kms_key.k.arn}"')).toBe(102);
    expect(policySize('"${aws_s3_bucket.b.id}"')).toBe(66);
    expect(policySize('"$${aws:userid}"')).toBe('"${aws:userid}"'.length);
  });
  test("the fixture generator is exact", () => {
    expect(policySize(policyOf(5120))).toBe(5120);
  });
});

describe.each([
  ["aws_iam_user_policy", "user", 2048, (p: string) => ({ user: "u", policy: p })],
  ["aws_iam_group_policy", "group", 5120, (p: string) => ({ group: "g", policy: p })],
  ["aws_iam_role_policy", "role", 10240, (p: string) => ({ role: "r", policy: p })],
  ["aws_iam_policy", "managed", 6144, (p: string) => ({ name: "m", policy: p })],
  [
    "aws_ssoadmin_permission_set_inline_policy",
    "permission set",
    10240,
    (p: string) => ({
      instance_arn: "arn:aws:sso:::instance/ssoins-1234567890abcdef",
      permission_set_arn: "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef",
      inline_policy: p,
    }),
  ],
])("GIVEN an %s (%s limit %i)", (type, _kind, limit, body) => {
  test("WHEN the policy is exactly at the limit THEN there is no finding", () => {
    expect(findings((s) => raw(s, type, "p", body(policyOf(limit))))).toEqual([]);
  });
  test("WHEN it is one character over THEN synth fails with the size and the limit", () => {
    const found = findings((s) => raw(s, type, "p", body(policyOf(limit + 1))));
    expect(found).toHaveLength(1);
    expect(found[0].level).toBe("error");
    expect(found[0].message).toMatch(
      new RegExp(`${(limit + 1).toLocaleString("en")} characters.*IAM allows ${limit.toLocaleString("en")}`),
    );
  });
});

describe("inline policies count together per principal", () => {
  test("GIVEN two group policies of 3,000 on one group THEN 6,000 > 5,120 is a finding naming the group", () => {
    const found = findings((s) => {
      raw(s, "aws_iam_group_policy", "a", { group: "ops", policy: policyOf(3000) });
      raw(s, "aws_iam_group_policy", "b", { group: "ops", policy: policyOf(3000) });
    });
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/inline policies of group ops total 6,000 characters \(2 policies\)/);
  });
  test("GIVEN the same two policies on two groups THEN there is no finding", () => {
    expect(
      findings((s) => {
        raw(s, "aws_iam_group_policy", "a", { group: "ops", policy: policyOf(3000) });
        raw(s, "aws_iam_group_policy", "b", { group: "dev", policy: policyOf(3000) });
      }),
    ).toEqual([]);
  });
});

describe("GIVEN an access group with 25 port-forward targets", () => {
  const targets = Array.from({ length: 25 }, (_, i) => ({
    host: `db-${i}.internal.example.com`,
    port: 5432,
    cidr: "10.10.16.0/20",
  }));
  test("WHEN it is an IAM group THEN synth fails BL-IAM-007 on its group policy (over 5,120)", () => {
    const config = exampleConfig("dev", (i) => {
      i.accessGroups![0].capabilities = { shell: true, portForwarding: targets };
    });
    const stack = new EnvironmentStack(Testing.app(), "dev", { config });
    Testing.synth(stack);
    const found = annotations(stack).filter((a) => a.rule === "BL-IAM-007");
    expect(found).toHaveLength(1);
    expect(found[0].path).toMatch(/AccessGroups\/platform-shell\/GroupPolicy/);
    expect(found[0].message).toMatch(
      /group \$\{aws_iam_group\.[^}]+\.name\} total [6-9],\d{3} characters.*IAM allows 5,120/,
    );
  });
  test("WHEN it is only a role THEN it fits the role's 10,240", () => {
    const config = exampleConfig("dev", (i) => {
      i.accessGroups![1].capabilities = { shell: false, portForwarding: targets };
    });
    const stack = new EnvironmentStack(Testing.app(), "dev", { config });
    Testing.synth(stack);
    expect(annotations(stack).filter((a) => a.rule === "BL-IAM-007")).toEqual([]);
  });
});

test("GIVEN the example environments THEN no policy has a BL-IAM-007 finding", () => {
  for (const name of ["dev", "staging", "prod"]) {
    const stack = new EnvironmentStack(Testing.app(), name, { config: exampleConfig(name) });
    Testing.synth(stack);
    expect(annotations(stack).filter((a) => a.rule === "BL-IAM-007")).toEqual([]);
  }
});
