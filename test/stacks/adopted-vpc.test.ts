/**
 * Brownfield adoption, end to end through EnvironmentStack: GIVEN an adopted VPC that already runs other
 * workloads, THEN the stack adds what is missing, changes nothing that exists, and says so.
 */
import type { EnvironmentInput } from "../../loader/schema";
import {
  DataAwsRouteTable,
  DataAwsSubnet,
  DataAwsVpc,
  DataAwsVpcEndpoint,
  NetworkAcl,
  NetworkAclRule,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
  VpcEndpoint,
  VpcSecurityGroupEgressRule,
  VpcSecurityGroupIngressRule,
} from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { EndpointService } from "../../modules/network-endpoints";
import type { AdoptedVpc } from "../../modules/network-security";
import { checkedDataSources, failingRuns } from "../../tools/tftest-plan-checks";
import { tftestFile } from "../../tools/tftest";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { annotations } from "../helpers/guardrails";
import {
  addressOf,
  bodyOf,
  childBody,
  childElement,
  dataSources,
  exampleConfig,
  refOf,
  resources,
  synthJson,
  type Body,
  type TfJson,
} from "../helpers/synth";

function build(name: string, patch: (e: Record<string, any>) => void = () => undefined) {
  const config = exampleConfig(name, (e: EnvironmentInput) => patch(e as Record<string, any>));
  const stack = new EnvironmentStack(Testing.app(), name, { config });
  return { stack, tf: synthJson(stack) };
}

/** The endpoints of the stack's (only) VPC, and how the stack refers to their two security groups. */
const endpointsOf = (stack: EnvironmentStack) => stack.networks[0].endpoints;
const endpointSg = (stack: EnvironmentStack) => refOf(stack, endpointsOf(stack).connections.securityGroupId);
const instanceSg = (stack: EnvironmentStack) => refOf(stack, endpointsOf(stack).instanceSecurityGroup.securityGroupId);
const ingressOn = (tf: TfJson, sg: string) =>
  resources(tf, VpcSecurityGroupIngressRule).filter((r) => r.security_group_id === sg);
const interfaceEndpoints = (tf: TfJson) =>
  resources(tf, VpcEndpoint).filter((e) => e.vpc_endpoint_type === "Interface");
const gateways = (tf: TfJson) => resources(tf, VpcEndpoint).filter((e) => e.vpc_endpoint_type === "Gateway");
const egress = (tf: TfJson) => resources(tf, VpcSecurityGroupEgressRule);

describe("GIVEN the adopted prod VPC (create path)", () => {
  const { stack, tf } = build("prod");

  test("THEN every created private-DNS endpoint's SG admits 443 from the VPC CIDR and the extra CIDR, not only the instance SG", () => {
    expect(interfaceEndpoints(tf)).toHaveLength(5);
    expect(endpointSg(stack)).not.toBe(instanceSg(stack));
    for (const e of interfaceEndpoints(tf)) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.security_group_ids).toEqual([endpointSg(stack)]);
    }
    const cidrs = ingressOn(tf, endpointSg(stack))
      .map((r) => r.cidr_ipv4)
      .filter(Boolean);
    expect(cidrs.sort()).toEqual(["10.30.0.0/16", "100.64.0.0/16"]);
    for (const r of ingressOn(tf, endpointSg(stack)))
      expect([r.from_port, r.to_port, r.ip_protocol]).toEqual([443, 443, "tcp"]);
  });

  test("THEN no S3 gateway touches the existing route tables and nothing replaces their NACL", () => {
    expect(gateways(tf)).toEqual([]);
    expect(resources(tf, NetworkAcl)).toEqual([]);
    expect(resources(tf, RouteTable)).toEqual([]);
    expect(resources(tf, Vpc)).toEqual([]);
    expect(resources(tf, Subnet)).toEqual([]);
  });

  test("THEN the VPC, every subnet and every route table are checked at plan time with clear messages", () => {
    const vpc = dataSources(tf, DataAwsVpc)[0] as unknown as { id: string; lifecycle: { postcondition: Body[] } };
    expect(vpc.id).toBe("vpc-0f1e2d3c4b5a69788");
    // The fourth, on secondary CIDR blocks: test/stacks/secondary-cidr-blocks.test.ts.
    expect(vpc.lifecycle.postcondition.slice(0, 3).map((p) => p.condition)).toEqual([
      "${self.enable_dns_support}",
      "${self.enable_dns_hostnames}",
      '${self.cidr_block == "10.30.0.0/16"}',
    ]);
    expect(String(vpc.lifecycle.postcondition[1].error_message)).toMatch(
      /^VPC vpc-0f1e2d3c4b5a69788 has DNS hostnames \(enableDnsHostnames\) off: interface endpoints with private DNS need it/,
    );
    const subnets = dataSources(tf, DataAwsSubnet) as unknown as { id: string; lifecycle: { postcondition: Body[] } }[];
    expect(subnets.map((s) => s.id).sort()).toEqual([
      "subnet-0f1e2d3c4b5a60001",
      "subnet-0f1e2d3c4b5a60002",
      "subnet-0f1e2d3c4b5a60003",
    ]);
    expect(subnets[0].lifecycle.postcondition.map((p) => p.condition)).toEqual([
      '${self.vpc_id == "vpc-0f1e2d3c4b5a69788"}',
      '${self.availability_zone == "eu-central-1a"}',
      '${self.cidr_block == "10.30.0.0/20"}',
    ]);
    expect(dataSources(tf, DataAwsRouteTable).map((r) => r.route_table_id)).toHaveLength(3);
  });

  test("THEN the summary line says what the stack creates in the adopted VPC", () => {
    expect(stack.summary()[1]).toBe(
      "adopts vpc-0f1e2d3c4b5a69788: creates 5 (private DNS for the whole VPC, 443 from 10.30.0.0/16, 100.64.0.0/16), S3 gateway: none, NACL: untouched",
    );
  });

  test("THEN the guardrails find nothing", () => {
    expect(annotations(stack).filter((a) => a.level === "error")).toEqual([]);
  });
});

describe("GIVEN the adopted staging VPC (reuse path)", () => {
  /** What staging's file reuses (interfaceEndpoints: reuse, reuse, a vpce- id), in the order the stack reads them. */
  const REUSED = [EndpointService.SSM, EndpointService.SSMMESSAGES, EndpointService.EC2MESSAGES].map(
    (s) => s.shortName,
  );
  const { stack, tf } = build("staging");

  test("THEN only the missing endpoints are created and the others are read, by service name or by id", () => {
    expect(
      interfaceEndpoints(tf)
        .map((e) => String(e.service_name).split(".").pop())
        .sort(),
    ).toEqual([EndpointService.KMS.shortName, EndpointService.LOGS.shortName]);
    expect(dataSources(tf, DataAwsVpcEndpoint)).toHaveLength(3);
    const byName = Object.fromEntries(REUSED.map((s) => [s, childBody(tf, endpointsOf(stack), `Reused/${s}`)]));
    expect(byName.ssm).toMatchObject({
      vpc_id: "vpc-0a1b2c3d4e5f60718",
      service_name: "com.amazonaws.eu-west-1.ssm",
      state: "available",
    });
    expect(byName.ec2messages).toMatchObject({ id: "vpce-0a1b2c3d4e5f60003" });
    expect((byName.ssm.lifecycle as { postcondition: Body[] }).postcondition.map((p) => p.condition)).toContain(
      "${self.private_dns_enabled}",
    );
  });

  test("THEN the reused endpoints' groups get one added 443 rule from the instance SG, once per group", () => {
    const endpoints = endpointsOf(stack);
    const rule = childBody(tf, endpoints, "Reused/IngressHttpsFromInstances");
    const groupLists = REUSED.map(
      (s) => `tolist(${addressOf(childElement(endpoints, `Reused/${s}`))}.security_group_ids)`,
    );
    expect(rule.for_each).toBe(`\${toset(toset(flatten([${groupLists.join(", ")}])))}`);
    expect(rule).toMatchObject({
      security_group_id: "${each.value}",
      from_port: 443,
      to_port: 443,
      ip_protocol: "tcp",
    });
    expect(rule.referenced_security_group_id).toBe(instanceSg(stack));
    const out = egress(tf).find((r) => r.referenced_security_group_id === "${each.value}");
    expect(out).toMatchObject({ from_port: 443, to_port: 443 });
  });

  test("THEN the endpoint cost counts only the created endpoints", () => {
    expect(stack.endpointCost().perVpc[0].endpoints).toBe(2);
    expect(stack.summary()[1]).toBe(
      "adopts vpc-0a1b2c3d4e5f60718: reuses 3 endpoints (+443 rule on their SG), creates 2 (private DNS for the whole VPC, 443 from 10.20.0.0/16), S3 gateway: none, NACL: untouched",
    );
  });
});

describe("GIVEN an adopted VPC and an S3 gateway mode", () => {
  const withS3 = (s3Gateway: object) =>
    build("staging", (e) => {
      e.vpcs[0].s3Gateway = s3Gateway;
    });

  test("WHEN create-full-access THEN the gateway on the route tables has no restrictive policy", () => {
    const [gw] = gateways(withS3({ mode: "create-full-access" }).tf);
    expect(gw.route_table_ids).toEqual(["rtb-0a1b2c3d4e5f60001", "rtb-0a1b2c3d4e5f60002"]);
    expect(gw.policy).toBeUndefined();
  });

  test("WHEN the named opt-in THEN the restrictive gateway is created and the BL-NET-008 finding is suppressed with the opt-in as reason", () => {
    const { stack, tf } = withS3({ mode: "create-restrictive-breaks-other-s3-traffic" });
    const [gw] = gateways(tf);
    expect(JSON.parse(String(gw.policy)).Statement.map((s: Body) => s.Sid)).toEqual([
      "SsmAgentBuckets",
      "SessionLogBucket",
    ]);
    expect(stack.summary()[1]).toMatch(/S3 gateway: create-restrictive-breaks-other-s3-traffic \(opt-in\)/);
    expect(annotations(stack).filter((a) => a.level === "error")).toEqual([]);
  });

  test("WHEN reuse THEN the existing gateway is checked at plan time and the stack outputs the statements its policy must allow", () => {
    const { stack, tf } = withS3({ mode: "reuse", endpointId: "vpce-0a1b2c3d4e5f6aaaa" });
    expect(gateways(tf)).toEqual([]);
    const reused = bodyOf(tf, endpointsOf(stack).reusedS3Gateway!);
    expect(reused.id).toBe("vpce-0a1b2c3d4e5f6aaaa");
    const conditions = (reused.lifecycle as { postcondition: Body[] }).postcondition.map((p) => p.condition);
    expect(conditions).toContain(
      '${length(setsubtract(["rtb-0a1b2c3d4e5f60001","rtb-0a1b2c3d4e5f60002"], self.route_table_ids)) == 0}',
    );
    const statements = JSON.parse(String(tf.output?.s3_gateway_required_statements_main.value)).Statement as Body[];
    expect(statements.map((s) => s.Sid)).toEqual(["SsmAgentBuckets", "SessionLogBucket"]);
  });

  test("WHEN a restrictive gateway is forced onto adopted route tables without the opt-in THEN BL-NET-008 fails the synth", () => {
    const config = exampleConfig("staging", (e) => {
      (e as Record<string, any>).vpcs[0].s3Gateway = { mode: "create-full-access" };
    });
    const stack = new EnvironmentStack(Testing.app(), "staging", { config });
    const restrictive = { Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }] };
    stack.networks[0].endpoints.s3Gateway!.addOverride("policy", JSON.stringify(restrictive));
    Testing.synth(stack);
    expect(annotations(stack).map((a) => a.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^BL-NET-008 .* attached to existing route tables rtb-0a1b2c3d4e5f60001, rtb-0a1b2c3d4e5f60002/,
        ),
      ]),
    );
  });
});

describe("GIVEN port-forwarding targets", () => {
  test("WHEN dev's db-tunnel target names its CIDR THEN the instance SG gets egress on 5432 to it and BL-NET-010 is satisfied", () => {
    const { stack, tf } = build("dev");
    expect(egress(tf).filter((r) => r.from_port === 5432)).toEqual([
      expect.objectContaining({ cidr_ipv4: "10.10.16.0/20", to_port: 5432, ip_protocol: "tcp" }),
    ]);
    expect(annotations(stack).filter((a) => a.rule === "BL-NET-010")).toEqual([]);
  });

  test("WHEN a target names a security group THEN the egress rule references it and nothing is written on that group", () => {
    const { tf } = build("dev", (e) => {
      e.accessGroups[1].capabilities.portForwarding = [
        { host: "db", port: 5432, securityGroupId: "sg-0123456789abcdef0" },
      ];
    });
    const rules = egress(tf).filter((r) => r.from_port === 5432);
    expect(rules).toEqual([expect.objectContaining({ referenced_security_group_id: "sg-0123456789abcdef0" })]);
    expect(
      resources(tf, VpcSecurityGroupIngressRule).filter((r) => r.security_group_id === "sg-0123456789abcdef0"),
    ).toEqual([]);
  });

  test("WHEN the managed NACL is on (created VPC) THEN it keeps the forwarded port both ways", () => {
    const { tf } = build("dev");
    const rules = resources(tf, NetworkAclRule).filter((r) => r.from_port === 5432);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ egress: true, cidr_block: "10.10.16.0/20" }),
        expect.objectContaining({ egress: false, cidr_block: "10.10.0.0/16" }),
      ]),
    );
  });
});

describe("GIVEN the NACL of an adopted VPC", () => {
  test("WHEN not opted in THEN no NACL is created; WHEN opted in THEN it keeps 443 from the extra CIDRs and says so", () => {
    expect(resources(build("prod").tf, NetworkAcl)).toEqual([]);
    const { stack, tf } = build("prod", (e) => {
      e.vpcs[0].networkAcl = "replace-subnet-acls-blocking-undeclared-traffic";
    });
    expect(resources(tf, NetworkAcl)).toHaveLength(1);
    expect(resources(tf, NetworkAclRule)).toEqual(
      expect.arrayContaining([expect.objectContaining({ egress: false, cidr_block: "100.64.0.0/16", from_port: 443 })]),
    );
    expect(stack.summary()[1]).toMatch(/NACL: replaced \(replace-subnet-acls-blocking-undeclared-traffic\)$/);
  });
});

describe("GIVEN an environment sharing another's endpoints", () => {
  test("THEN it creates no endpoint and no endpoint SG, and reuses every service by name", () => {
    const { stack, tf } = build("staging", (e) => {
      delete e.vpcs[0].interfaceEndpoints;
      e.vpcs[0].sharedEndpointsFrom = "prod";
    });
    expect(interfaceEndpoints(tf)).toEqual([]);
    expect(resources(tf, SecurityGroup).map((g) => g.name)).toEqual(["bastionless-staging-main-instances"]);
    expect(dataSources(tf, DataAwsVpcEndpoint)).toHaveLength(5);
    expect(stack.summary()[1]).toMatch(/reuses 5 endpoints .* creates no endpoints/);
  });
});

describe("GIVEN the generated terraform test of an adopted stack", () => {
  const { stack, tf } = build("staging");

  test("THEN a healthy VPC is fed to the plan, and a VPC with DNS hostnames off must fail on its data source", () => {
    const file = tftestFile(tf as never);
    expect(file).toMatch(
      /override_data \{\n  target = data\.aws_vpc\.\S+\n  values = \{ enable_dns_support = true, enable_dns_hostnames = true, cidr_block = "10\.20\.0\.0\/16", /,
    );
    const run = /run "plan_check_aws_vpc_1" \{[\s\S]*?\n\}/.exec(file)?.[0];
    expect(run).toMatch(/command = plan/);
    expect(run).toMatch(/enable_dns_hostnames = false/);
    expect(run).toContain(`expect_failures = [${addressOf((stack.networks[0].network as AdoptedVpc).vpc)}]`);
  });

  test("THEN every check of the first data source of each type gets its own failing run", () => {
    const checked = checkedDataSources(tf.data as never);
    const runs = failingRuns(checked).match(/^run "/gm) ?? [];
    // aws_vpc 4, aws_subnet 3, aws_route_table 1, aws_vpc_endpoint 3, aws_cloudcontrolapi_resource 4 (the CloudTrail
    // trail), and one passing run of the secondary-block check (a disassociated block)
    expect(runs).toHaveLength(16);
  });
});

describe("GIVEN extra endpoint clients of an adopted VPC", () => {
  test("WHEN endpointAccess names a security group THEN created endpoints admit it on 443 and nothing is written on that group", () => {
    const { stack, tf } = build("prod", (e) => {
      e.vpcs[0].endpointAccess = { extraSecurityGroupIds: ["sg-0fedcba9876543210"] };
    });
    const fromGroup = ingressOn(tf, endpointSg(stack)).filter(
      (r) => r.referenced_security_group_id === "sg-0fedcba9876543210",
    );
    expect(fromGroup).toEqual([expect.objectContaining({ from_port: 443, to_port: 443, ip_protocol: "tcp" })]);
    expect(egress(tf).filter((r) => r.security_group_id === "sg-0fedcba9876543210")).toEqual([]);
  });
});
