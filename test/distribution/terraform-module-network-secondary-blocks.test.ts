/**
 * The network registry module on a VPC with secondary CIDR blocks: its interface endpoints (private DNS for the whole
 * VPC) admit the primary CIDR and endpoint_allowed_cidrs, so GIVEN a secondary block outside those THEN the plan fails
 * on data.aws_vpc, unless the block is listed in the opt-in endpoint_cut_off_cidrs. Here: the generated HCL; the
 * shipped tests/secondary-cidr-blocks.tftest.hcl proves it fires and passes with the real Terraform (npm run validate).
 */
import { parse } from "@cdktf/hcl2json";
import * as fs from "fs";
import * as path from "path";
import { MODULES_DIR, sharedTerraformModules } from "../helpers/terraform-modules";

type Block = Record<string, unknown>;
const outdir = MODULES_DIR;
const dir = path.join(outdir, "terraform-aws-bastionless-network");
let main: Record<string, Record<string, Record<string, Block[]>>>;
let variables: Record<string, Block[]>;
let tftest: string;

beforeAll(async () => {
  sharedTerraformModules();
  const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
  main = (await parse("main.tf", read("main.tf"))) as typeof main;
  variables = ((await parse("variables.tf", read("variables.tf"))) as { variable: Record<string, Block[]> }).variable;
  tftest = read("tests/secondary-cidr-blocks.tftest.hcl");
}, 60_000);

const postconditions = () =>
  (main.data.aws_vpc.this[0].lifecycle as { postcondition: { condition: string; error_message: string }[] }[])[0]
    .postcondition;
const run = (name: string) => new RegExp(`run "${name}" \\{[\\s\\S]*?\\n\\}`).exec(tftest)?.[0] ?? "";

describe("GIVEN the generated network module", () => {
  test("THEN data.aws_vpc fails the plan on an in-use secondary block that neither the primary CIDR, endpoint_allowed_cidrs nor endpoint_cut_off_cidrs contains", () => {
    const [check] = postconditions();
    const condition = check.condition.replace(/^\$\{|\}$/g, "");
    expect(condition).toMatch(/^length\(\[for b in self\.cidr_block_associations : b\.cidr_block if /);
    expect(condition).toContain('contains(["associating", "associated"], b.state)');
    expect(condition).toContain(
      "for c in concat([self.cidr_block], var.endpoint_allowed_cidrs, var.endpoint_cut_off_cidrs) :",
    );
    expect(condition).toContain("cidrhost(c, 0)");
    // Not reading endpoint_allowed_security_group_ids: a group cannot say which addresses it holds.
    expect(condition).not.toContain("security_group");
  });

  test("THEN the message names the VPC and the uncovered blocks, what is lost, and both fixes by variable name", () => {
    const [check] = postconditions();
    expect(check.error_message).toMatch(
      /^VPC \$\{self\.id\} has the secondary CIDR block\(s\) \$\{join\(", ", \[for b in/,
    );
    expect(check.error_message).toContain('resolve the ${join(", ", var.services)} service names to the new endpoints');
    expect(check.error_message).toContain(
      "add each block (or a CIDR that contains it, e.g. 10.0.0.0/8 for 10.1.0.0/16) to endpoint_allowed_cidrs",
    );
    expect(check.error_message).toContain("list it in endpoint_cut_off_cidrs");
  });

  test("THEN endpoint_cut_off_cidrs is an opt-in: empty by default, IPv4 CIDRs only, never /0", () => {
    const v = variables.endpoint_cut_off_cidrs[0];
    expect(v.default).toEqual([]);
    expect(String(v.description)).toMatch(/^Opt-in: /);
    const [validation] = v.validation as { condition: string }[];
    expect(validation.condition).toContain('!endswith(c, "/0")');
    expect(validation.condition).toContain("cidrsubnet(c, 0, 0) == c");
    expect(run("fails_an_open_world_cut_off_cidr")).toContain("expect_failures = [var.endpoint_cut_off_cidrs]");
  });

  test("THEN the shipped terraform test expects the failure for an unlisted, a larger, a neighbouring and an associating block", () => {
    for (const name of [
      "fails_an_unlisted_secondary_block",
      "fails_a_secondary_block_larger_than_the_listed_cidr",
      "fails_the_unlisted_one_of_two_secondary_blocks",
      "fails_an_associating_secondary_block",
    ])
      expect(run(name)).toContain("expect_failures = [data.aws_vpc.this]");
    expect(run("fails_a_secondary_block_larger_than_the_listed_cidr")).toContain(
      'endpoint_allowed_cidrs = ["100.64.16.0/20"]',
    );
  });

  test("THEN it expects a plan without failure for no, a listed, a contained, a disassociated and a cut-off block", () => {
    for (const name of [
      "no_secondary_block_passes",
      "listed_secondary_block_passes",
      "secondary_block_inside_a_listed_cidr_passes",
      "disassociated_secondary_block_passes",
      "cut_off_secondary_block_passes_under_its_opt_in",
    ]) {
      expect(run(name)).toMatch(/command = plan/);
      expect(run(name)).not.toContain("expect_failures");
    }
    expect(run("secondary_block_inside_a_listed_cidr_passes")).toContain('cidr_block = "100.64.16.0/20"');
    expect(run("cut_off_secondary_block_passes_under_its_opt_in")).toContain("a cut-off block is not admitted");
  });
});
