/** The registry-module generator's policy renderer: a jsonencode expression when Terraform decides. */
import { ref, resolveTokens, Token, type TerraformStack } from "../../modules/core/cdktf";
import type { Statement } from "../../modules/core/iam";
import { renderPolicyExpression, type StatementConditions } from "../../terraform-modules/policy-expression";
import { testStack } from "../helpers/synth";

const read: Statement = { sid: "Read", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] };

function rendered(stack: TerraformStack, statements: Statement[], when: StatementConditions = {}): string {
  return resolveTokens(stack, renderPolicyExpression(statements, when));
}

describe("renderPolicyExpression", () => {
  test("GIVEN a statement conditional on a Terraform boolean THEN the document is jsonencode(concat(...)) with it behind the condition", () => {
    const stack = testStack();
    const text = rendered(stack, [read, { ...read, sid: "Maybe" }], { Maybe: ref("var.enabled") });
    expect(text).toMatch(
      /^\$\{jsonencode\(\{"Version" = "2012-10-17", "Statement" = concat\(\[\{"Sid" = "Read", .*\}\], var\.enabled \? \[\{"Sid" = "Maybe", .*\}\] : \[\]\)\}\)\}$/,
    );
  });

  test("GIVEN no conditional statement THEN one plain statement list, no concat", () => {
    const text = rendered(testStack(), [read, { ...read, sid: "Also" }], { Absent: ref("var.x") });
    expect(text).toMatch(/^\$\{jsonencode\(\{"Version" = "2012-10-17", "Statement" = \[\{"Sid" = "Read"/);
    expect(text).not.toContain("concat");
  });

  test("GIVEN list variables and references inside longer strings THEN lists stay lists and strings become format(...)", () => {
    const stack = testStack();
    const text = rendered(stack, [
      {
        sid: "Logs",
        effect: "Allow",
        actions: ["logs:PutLogEvents"],
        resources: Token.asList(ref("var.log_group_arns")),
      },
      {
        sid: "Objects",
        effect: "Allow",
        actions: ["s3:PutObject"],
        resources: [`${Token.asString(ref("var.bucket_arn"))}/logs/*`],
      },
    ]);
    expect(text).toContain('"Resource" = var.log_group_arns');
    expect(text).toContain('"Resource" = format("%s/logs/*", var.bucket_arn)');
  });
});
