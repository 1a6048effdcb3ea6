/**
 * Secondary CIDR blocks of an adopted VPC: interface endpoints created with private DNS answer the whole VPC, and
 * their security group admits only the primary CIDR and endpointAccess.extraCidrs. GIVEN an adopted VPC, THEN the
 * plan fails on a secondary block the endpoints do not admit, only when this stack creates endpoints; the generated
 * terraform test (npm run validate) proves it fires, and that listed, contained and disassociated blocks pass.
 */
import { environmentSchema, type EnvironmentInput } from "../../loader/schema";
import { VpcSecurityGroupIngressRule } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import type { AdoptedVpc } from "../../modules/network-security";
import { checkedDataSources, failingRuns } from "../../tools/tftest-plan-checks";
import { tftestFile } from "../../tools/tftest";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { addressOf, bodyOf, exampleConfig, exampleInput, resources, synthJson, type Body } from "../helpers/synth";

function build(name: string, patch: (e: Record<string, any>) => void = () => undefined) {
  const config = exampleConfig(name, (e: EnvironmentInput) => patch(e as Record<string, any>));
  const stack = new EnvironmentStack(Testing.app(), name, { config });
  const tf = synthJson(stack);
  const vpc = (stack.networks[0].network as AdoptedVpc).vpc;
  const postconditions = (bodyOf(tf, vpc).lifecycle as { postcondition: Body[] }).postcondition;
  const check = postconditions.find((p) => String(p.condition).includes("cidr_block_associations"));
  return { stack, tf, address: addressOf(vpc), check, file: tftestFile(tf as never) };
}

/** The `run "<name>" { ... }` block of a generated test file. */
const runBlock = (file: string, name: string) => new RegExp(`run "${name}" \\{[\\s\\S]*?\\n\\}`).exec(file)?.[0];

describe("GIVEN the adopted prod VPC, where the stack creates all five endpoints and lists 100.64.0.0/16", () => {
  const { check } = build("prod");

  test("THEN the VPC's data source fails the plan on an associated secondary block outside the admitted CIDRs", () => {
    const condition = String(check?.condition);
    expect(condition).toMatch(/^\$\{length\(\[for b in self\.cidr_block_associations : b\.cidr_block if /);
    // In-use blocks only, never the primary one, each against the CIDRs the endpoints' security group admits.
    expect(condition).toContain('contains(["associating","associated"], b.state)');
    expect(condition).toContain("b.cidr_block != self.cidr_block");
    expect(condition).toContain('for c in ["10.30.0.0/16","100.64.0.0/16"]');
    // Containment, not equality: the block's prefix is at least as long and its address masks to c's network.
    expect(condition).toContain('tonumber(split("/", b.cidr_block)[1]) >= tonumber(split("/", c)[1])');
    expect(condition).toContain(
      'cidrhost(format("%s/%s", split("/", b.cidr_block)[0], split("/", c)[1]), 0) == cidrhost(c, 0)',
    );
    expect(condition).toMatch(/\]\) == 0\}$/);
  });

  test("THEN the message names the VPC, the uncovered blocks, what the neighbours lose and the field that fixes it", () => {
    const message = String(check?.error_message);
    expect(message).toMatch(
      /^VPC vpc-0f1e2d3c4b5a69788 has the secondary CIDR block\(s\) \$\{join\(", ", \[for b in self\.cidr_block_associations/,
    );
    expect(message).toContain("allows 443 from 10.30.0.0/16, 100.64.0.0/16 only");
    expect(message).toContain(
      "resolve the ssm, ssmmessages, ec2messages, logs and kms service names to the new endpoints",
    );
    expect(message).toContain(
      "lose SSM (the SSM Agent goes offline: no Session Manager, Run Command or patching), CloudWatch Logs and KMS",
    );
    expect(message).toContain("list each block in vpcs[main].endpointAccess.extraCidrs of the environment file");
    expect(message).toContain("10.0.0.0/8 for 10.1.0.0/16");
  });
});

describe("GIVEN the adopted staging VPC, where the stack reuses ssm, ssmmessages, ec2messages and creates logs and kms", () => {
  const { check, file, address } = build("staging");

  test("THEN only the primary CIDR is admitted, and the message names only what the created endpoints take over", () => {
    expect(String(check?.condition)).toContain('for c in ["10.20.0.0/16"]');
    const message = String(check?.error_message);
    expect(message).toContain("resolve the logs and kms service names");
    expect(message).toContain("lose CloudWatch Logs and KMS");
    expect(message).not.toContain("SSM Agent");
  });

  test("THEN the generated terraform test feeds an unlisted associated block and expects the VPC's data source to fail", () => {
    const run = runBlock(file, "plan_check_aws_vpc_3");
    expect(run).toContain(
      'cidr_block_associations = [{ association_id = "vpc-cidr-assoc-0a1b2c3d4e5f60001", cidr_block = "10.20.0.0/16", state = "associated" }, { association_id = "vpc-cidr-assoc-0a1b2c3d4e5f60002", cidr_block = "192.168.0.0/16", state = "associated" }]',
    );
    expect(run).toContain(`expect_failures = [${address}]`);
  });

  test("THEN the healthy VPC every other run sees has its primary block and no secondary one", () => {
    expect(file).toContain(
      'cidr_block = "10.20.0.0/16", cidr_block_associations = [{ association_id = "vpc-cidr-assoc-0a1b2c3d4e5f60001", cidr_block = "10.20.0.0/16", state = "associated" }] }',
    );
  });

  test("THEN an unlisted block that is disassociated must pass the plan (no expect_failures)", () => {
    const run = runBlock(file, "aws_vpc_disassociated_block_passes");
    expect(run).toContain('cidr_block = "192.168.0.0/16", state = "disassociated"');
    expect(run).not.toContain("expect_failures");
  });

  test("THEN no listed-block runs are generated: nothing but the primary CIDR is admitted", () => {
    expect(runBlock(file, "aws_vpc_secondary_blocks_listed_pass")).toBeUndefined();
  });
});

describe("GIVEN the generated terraform test of prod (100.64.0.0/16 listed)", () => {
  const { file } = build("prod");

  test("THEN the listed block itself, and a block inside it (not at its start), must pass the plan", () => {
    const listed = runBlock(file, "aws_vpc_secondary_blocks_listed_pass");
    expect(listed).toContain('cidr_block = "100.64.0.0/16", state = "associated"');
    expect(listed).not.toContain("expect_failures");
    const inside = runBlock(file, "aws_vpc_secondary_blocks_inside_listed_pass");
    expect(inside).toContain('cidr_block = "100.64.16.0/20", state = "associated"');
    expect(inside).not.toContain("expect_failures");
  });

  test("WHEN 192.168.0.0/16 is listed THEN the failing run feeds a block outside every admitted CIDR instead", () => {
    const { file: other } = build("prod", (e) => {
      e.vpcs[0].endpointAccess = { extraCidrs: ["192.168.0.0/16"] };
    });
    const run = runBlock(other, "plan_check_aws_vpc_3");
    expect(run).toContain('cidr_block = "172.16.0.0/16", state = "associated"');
    expect(run).toMatch(/expect_failures/);
  });
});

describe("GIVEN an adopted VPC where this stack creates no interface endpoint", () => {
  test("WHEN every endpoint is reused THEN the VPC's DNS does not change and secondary blocks are not checked", () => {
    const { check, tf } = build("staging", (e) => {
      e.vpcs[0].interfaceEndpoints = {
        ssm: "reuse",
        ssmmessages: "reuse",
        ec2messages: "reuse",
        logs: "reuse",
        kms: "reuse",
      };
    });
    expect(check).toBeUndefined();
    const runs = failingRuns(checkedDataSources(tf.data as never));
    expect(runs).not.toContain("cidr_block_associations");
  });

  test("WHEN only kms is created THEN the check is there and names only KMS", () => {
    const { check } = build("staging", (e) => {
      e.vpcs[0].interfaceEndpoints = {
        ssm: "reuse",
        ssmmessages: "reuse",
        ec2messages: "reuse",
        logs: "reuse",
        kms: "create",
      };
    });
    expect(String(check?.error_message)).toContain("resolve the kms service names to the new endpoints");
    expect(String(check?.error_message)).toContain("and lose KMS.");
  });
});

describe("GIVEN the opt-in endpointAccess.cutOffCidrs", () => {
  const { stack, tf, check } = build("prod", (e) => {
    e.vpcs[0].endpointAccess = { extraCidrs: ["100.64.0.0/16"], cutOffCidrs: ["100.65.0.0/16"] };
  });

  test("WHEN a block is listed THEN the check lets it through, the endpoints still do not admit it, and the synth says so", () => {
    expect(String(check?.condition)).toContain('for c in ["10.30.0.0/16","100.64.0.0/16","100.65.0.0/16"]');
    // The message states what the security group admits: the cut-off block is not among them.
    expect(String(check?.error_message)).toContain("allows 443 from 10.30.0.0/16, 100.64.0.0/16 only");
    expect(String(check?.error_message)).toContain("list it in the opt-in vpcs[main].endpointAccess.cutOffCidrs");
    const admitted = resources(tf, VpcSecurityGroupIngressRule).map((r) => r.cidr_ipv4);
    expect(admitted).toContain("100.64.0.0/16");
    expect(admitted).not.toContain("100.65.0.0/16");
    expect(stack.summary()[1]).toContain("443 from 10.30.0.0/16, 100.64.0.0/16; cut off (opt-in): 100.65.0.0/16)");
  });

  const parse = (endpointAccess: unknown) => {
    const input = structuredClone(exampleInput("prod")) as Record<string, any>;
    input.vpcs[0].endpointAccess = endpointAccess;
    return environmentSchema.safeParse(input);
  };

  test("WHEN a block is both admitted and cut off THEN the config is refused at that entry, naming the other list", () => {
    const r = parse({ extraCidrs: ["100.0.0.0/8"], cutOffCidrs: ["100.65.0.0/16"] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      [
        "vpcs.0.endpointAccess.cutOffCidrs.0",
        '"100.65.0.0/16" overlaps extraCidrs "100.0.0.0/8": a block is either admitted or cut off; list it in one of them',
      ],
    ]);
  });

  test("WHEN it names every address or sets host bits THEN the config is refused", () => {
    expect(parse({ cutOffCidrs: ["0.0.0.0/0"] }).error?.issues[0].message).toMatch(/is every address/);
    expect(parse({ cutOffCidrs: ["100.65.1.0/16"] }).error?.issues[0].message).toMatch(/host bits/);
  });

  test("WHEN it is not set THEN it defaults to none", () => {
    expect(parse({}).data?.vpcs[0]).toMatchObject({ endpointAccess: { cutOffCidrs: [] } });
  });
});
