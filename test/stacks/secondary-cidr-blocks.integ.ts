/**
 * The secondary-block check of AdoptedVpc with the real Terraform, offline (mock provider, override_data feeding
 * `cidr_block_associations`): GIVEN one adopted VPC where the stack creates endpoints and one where it reuses them,
 * THEN an unlisted block fails the plan of the first only; a listed, a contained or no secondary block passes.
 * (The environment stacks' generated tests prove the same through `npm run validate`; only this test covers the
 * reuse-only VPC, which no example environment has.)
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing, TerraformStack } from "../../modules/core/cdktf";
import { AwsProvider } from "../../modules/core/aws";
import { AdoptedVpc } from "../../modules/network-security";
import { EndpointService } from "../../modules/network-endpoints";
import { TERRAFORM_ENV, terraformInstalled } from "../../tools/terraform";
import { MOCK_DATA, mockBlock } from "../../tools/tftest";
import { addressOf } from "../helpers/synth";

jest.setTimeout(180_000);

const PRIMARY = "10.0.0.0/16";
const SERVICES = [EndpointService.SSM, EndpointService.SSMMESSAGES, EndpointService.KMS].map((s) => s.shortName);
const terraform = (args: string[], cwd: string) => {
  const r = spawnSync("terraform", [...args, "-no-color"], { cwd, env: TERRAFORM_ENV, encoding: "utf8" });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
};
const association = (cidr: string, n: number) =>
  `{ association_id = "vpc-cidr-assoc-0a1b2c3d4e5f6000${n}", cidr_block = "${cidr}", state = "associated" }`;
const vpcValues = (...secondary: string[]) =>
  `{ enable_dns_support = true, enable_dns_hostnames = true, cidr_block = "${PRIMARY}", ` +
  `cidr_block_associations = [${[association(PRIMARY, 1), ...secondary.map((c, i) => association(c, i + 2))].join(", ")}] }`;
const override = (address: string, values: string) =>
  `  override_data {\n    target = ${address}\n    values = ${values}\n  }\n`;

function project(): { dir: string; created: string; reused: string } {
  const stack = new TerraformStack(Testing.app(), "secondary");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const created = new AdoptedVpc(stack, "Created", {
    vpcId: "vpc-0a1b2c3d4e5f60001",
    cidr: PRIMARY,
    subnets: [],
    createdEndpoints: { services: SERVICES, admittedCidrs: [PRIMARY, "100.64.0.0/16"] },
  });
  const reused = new AdoptedVpc(stack, "Reused", { vpcId: "vpc-0a1b2c3d4e5f60002", cidr: PRIMARY, subnets: [] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-secondary-"));
  fs.mkdirSync(path.join(dir, "tests"));
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), Testing.synth(stack));
  return { dir, created: addressOf(created.vpc), reused: addressOf(reused.vpc) };
}

const real = terraformInstalled() ? describe : describe.skip;
real("GIVEN an adopted VPC with endpoints created and one with endpoints reused (real terraform)", () => {
  test("THEN only an unlisted secondary block of the first fails the plan; listed, contained, none and reused pass", () => {
    const { dir, created, reused } = project();
    const run = (name: string, createdValues: string, reusedValues: string, fails = false) =>
      `run "${name}" {\n  command = plan\n${override(created, createdValues)}${override(reused, reusedValues)}` +
      `${fails ? `  expect_failures = [${created}]\n` : ""}}\n`;
    const mocks = Object.entries(MOCK_DATA)
      .map(([t, d]) => mockBlock("mock_data", t, d))
      .join("");
    fs.writeFileSync(
      path.join(dir, "tests", "secondary.tftest.hcl"),
      [
        `mock_provider "aws" {\n${mocks}}\n`,
        run("no_secondary_block_passes", vpcValues(), vpcValues()),
        run("created_unlisted_block_fails", vpcValues("192.168.0.0/16"), vpcValues(), true),
        run("created_neighbour_of_listed_block_fails", vpcValues("100.65.0.0/16"), vpcValues(), true),
        run("created_listed_block_passes", vpcValues("100.64.0.0/16"), vpcValues()),
        run("created_block_inside_listed_passes", vpcValues("100.64.16.0/20"), vpcValues()),
        run("reused_unlisted_block_passes", vpcValues(), vpcValues("192.168.0.0/16")),
      ].join("\n"),
    );
    const init = terraform(["init", "-backend=false", "-input=false"], dir);
    expect(init.output).toContain("Terraform has been successfully initialized");
    const test = terraform(["test"], dir);
    expect(test.output).toContain("Success! 6 passed, 0 failed.");
    expect(test.code).toBe(0);
  });

  test("THEN the failure is the secondary-block check, with its message", () => {
    const { dir, created, reused } = project();
    const mocks = Object.entries(MOCK_DATA)
      .map(([t, d]) => mockBlock("mock_data", t, d))
      .join("");
    fs.writeFileSync(
      path.join(dir, "tests", "message.tftest.hcl"),
      `mock_provider "aws" {\n${mocks}}\n\nrun "unlisted" {\n  command = plan\n` +
        `${override(created, vpcValues("192.168.0.0/16"))}${override(reused, vpcValues())}}\n`,
    );
    terraform(["init", "-backend=false", "-input=false"], dir);
    const test = terraform(["test"], dir);
    expect(test.code).not.toBe(0);
    const text = test.output.replace(/\s+/g, " ");
    expect(text).toContain("VPC vpc-0a1b2c3d4e5f60001 has the secondary CIDR block(s) 192.168.0.0/16, which the");
    expect(text).toContain("allows 443 from 10.0.0.0/16, 100.64.0.0/16 only");
    expect(text).toContain(
      "lose SSM (the SSM Agent goes offline: no Session Manager, Run Command or patching) and KMS",
    );
  });
});
