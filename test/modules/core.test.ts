/** modules/core: the policy renderer (JSON text; the generator's expression renderer is tested in test/scripts). */
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

  test("a reference stays a Terraform interpolation inside the JSON text (never an expression)", () => {
    const stack = testStack();
    const text = rendered(stack, [{ ...read, resources: [`${Token.asString(ref("var.bucket_arn"))}/logs/*`] }]);
    expect((JSON.parse(text) as { Statement: { Resource: string }[] }).Statement[0].Resource).toBe(
      "${var.bucket_arn}/logs/*",
    );
  });
});
