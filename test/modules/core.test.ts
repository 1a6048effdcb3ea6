/** The policy renderer: JSON text for literal statements, a jsonencode expression when Terraform decides. */
import { ref, resolveTokens, Token, type TerraformStack } from "../../modules/core/cdktf";
import { PolicyVariable, renderPolicy, type Statement } from "../../modules/core/iam";
import { testStack } from "../helpers/synth";

const read: Statement = { sid: "Read", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] };

function rendered(stack: TerraformStack, statements: Statement[]): string {
  return resolveTokens(stack, renderPolicy(statements));
}

describe("renderPolicy", () => {
  test("literal statements become JSON text; IAM policy variables are escaped for Terraform", () => {
    const text = renderPolicy([
      read,
      { ...read, sid: "Own", resources: [`arn:aws:s3:::b/${PolicyVariable.USER_ID}/*`] },
    ]);
    const doc = JSON.parse(text) as { Statement: { Sid: string; Resource: string }[] };
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["Read", "Own"]);
    expect(doc.Statement[1].Resource).toBe("arn:aws:s3:::b/$${aws:userid}/*");
  });

  test("a statement with when: false is left out; when: true is kept, still as JSON text", () => {
    const doc = JSON.parse(
      renderPolicy([read, { ...read, sid: "Never", when: false }, { ...read, sid: "Always", when: true }]),
    ) as { Statement: { Sid: string }[] };
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["Read", "Always"]);
  });

  test("a statement conditional on a Terraform boolean makes the document a jsonencode(concat(...)) expression", () => {
    const stack = testStack();
    const text = rendered(stack, [read, { ...read, sid: "Maybe", when: ref("var.enabled") }]);
    expect(text).toMatch(
      /^\$\{jsonencode\(\{"Version" = "2012-10-17", "Statement" = concat\(\[\{"Sid" = "Read", .*\}\], var\.enabled \? \[\{"Sid" = "Maybe", .*\}\] : \[\]\)\}\)\}$/,
    );
  });

  test("list variables stay lists, and references inside longer strings become format(...)", () => {
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
