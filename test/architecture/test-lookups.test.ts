/**
 * Module and stack tests find resources through the provider classes (`resources(tf, IamRolePolicy)`), the
 * constructs that made them and the references they write (test/helpers/synth.ts), never through Terraform type
 * strings: a renamed or misspelt type string silently finds nothing, a class does not compile.
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const FOLDERS = ["test/modules", "test/stacks"];
const files = FOLDERS.flatMap((f) =>
  fs
    .readdirSync(path.join(ROOT, f))
    .filter((n) => n.endsWith(".ts"))
    .map((n) => `${f}/${n}`),
);

/** A lookup helper called with a type string, or a synthesized block indexed by one (`tf.resource!.aws_x`). */
const TYPE_STRING_LOOKUP =
  /\b(?:resources|resourceEntries|onlyResource|dataSources|resourcesByName)\((?:[^()]|\([^()]*\))*?["'`]aws_|\.(?:resource|data)[!?]*\.aws_/;

test("GIVEN the module and stack tests THEN none looks a resource up by a Terraform type string", () => {
  expect(files.length).toBeGreaterThan(15);
  const offenders = files.filter((f) => TYPE_STRING_LOOKUP.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
  expect(offenders).toEqual([]);
});

test("GIVEN a lookup by type string THEN the scan recognises it (the check is not vacuous)", () => {
  for (const bad of [
    'resources(tf, "aws_iam_role_policy")',
    "onlyResource(synthJson(stack), 'aws_kms_key')",
    "Object.keys(tf.resource!.aws_iam_role)",
    "Object.values(tf.data?.aws_vpc ?? {})",
  ])
    expect(TYPE_STRING_LOOKUP.test(bad)).toBe(true);
  expect(TYPE_STRING_LOOKUP.test("resources(tf, IamRolePolicy)")).toBe(false);
});
