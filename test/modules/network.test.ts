/** Network modules, fine-grained: endpoints, security groups and Connections, NACL, VPC, cost. */
import type { TerraformStack } from "../../modules/core/cdktf";
import {
  EndpointService,
  interfaceEndpointCost,
  requiredServices,
  SessionManagerEndpoints,
  agentBucketArns,
  HOURS_PER_MONTH,
  INTERFACE_ENDPOINT_HOURLY_USD,
} from "../../modules/network-endpoints";
import {
  EPHEMERAL,
  NetworkAcl,
  Port,
  PrivateVpc,
  SecurityGroup,
  type IPrivateNetwork,
} from "../../modules/network-security";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { Testing } from "../../modules/core/cdktf";
import {
  dataSources,
  exampleConfig,
  resourceEntries,
  resources,
  synthJson,
  testStack,
  type Body,
  type TfJson,
} from "../helpers/synth";

const network: IPrivateNetwork = {
  vpcId: "vpc-0123456789abcdef0",
  cidr: "10.20.0.0/16",
  subnets: [
    { id: "subnet-a1", availabilityZone: "eu-west-1a" },
    { id: "subnet-a2", availabilityZone: "eu-west-1a" },
    { id: "subnet-b1", availabilityZone: "eu-west-1b" },
    { id: "subnet-c1", availabilityZone: "eu-west-1c" },
  ],
  routeTableIds: ["rtb-1", "rtb-2"],
};

function endpoints(props: Partial<ConstructorParameters<typeof SessionManagerEndpoints>[2]> = {}): {
  stack: TerraformStack;
  construct: SessionManagerEndpoints;
  tf: TfJson;
} {
  const stack = testStack();
  const construct = new SessionManagerEndpoints(stack, "Endpoints", {
    network,
    region: "eu-west-1",
    namePrefix: "bl-test",
    services: requiredServices({ legacyAgentSupport: true, cloudWatchLogging: true, kmsEncryption: true }),
    ...props,
  });
  return { stack, construct, tf: synthJson(stack) };
}

const interfaceServices = (tf: TfJson) =>
  resources(tf, "aws_vpc_endpoint")
    .filter((e) => e.vpc_endpoint_type === "Interface")
    .map((e) => e.service_name)
    .sort();
const ingressRules = (tf: TfJson) => resources(tf, "aws_vpc_security_group_ingress_rule");
const egressRules = (tf: TfJson) => resources(tf, "aws_vpc_security_group_egress_rule");
const sgRef = (tf: TfJson, nameFragment: string) =>
  `\${aws_security_group.${resourceEntries(tf, "aws_security_group").find(([n]) => n.includes(nameFragment))![0]}.id}`;

describe("requiredServices (endpoint toggles)", () => {
  test("ssm and ssmmessages are always there; ec2messages, logs and kms follow their toggles", () => {
    const names = (s: Parameters<typeof requiredServices>[0]) => requiredServices(s).map((x) => x.shortName);
    expect(names({ legacyAgentSupport: true, cloudWatchLogging: true, kmsEncryption: true })).toEqual([
      "ssm",
      "ssmmessages",
      "ec2messages",
      "logs",
      "kms",
    ]);
    expect(names({ legacyAgentSupport: false, cloudWatchLogging: true, kmsEncryption: true })).toEqual([
      "ssm",
      "ssmmessages",
      "logs",
      "kms",
    ]);
    expect(names({ legacyAgentSupport: true, cloudWatchLogging: false, kmsEncryption: true })).toEqual([
      "ssm",
      "ssmmessages",
      "ec2messages",
      "kms",
    ]);
    expect(names({ legacyAgentSupport: true, cloudWatchLogging: true, kmsEncryption: false })).toEqual([
      "ssm",
      "ssmmessages",
      "ec2messages",
      "logs",
    ]);
    expect(names({ legacyAgentSupport: false, cloudWatchLogging: false, kmsEncryption: false })).toEqual([
      "ssm",
      "ssmmessages",
    ]);
  });

  test("service names are com.amazonaws.<region>.<service>", () => {
    expect(EndpointService.SSMMESSAGES.serviceName("ap-southeast-2")).toBe("com.amazonaws.ap-southeast-2.ssmmessages");
  });
});

describe("SessionManagerEndpoints", () => {
  test("one interface endpoint per service, private DNS on, in the first subnet of each AZ", () => {
    // WHEN
    const { tf } = endpoints();
    // THEN
    expect(interfaceServices(tf)).toEqual([
      "com.amazonaws.eu-west-1.ec2messages",
      "com.amazonaws.eu-west-1.kms",
      "com.amazonaws.eu-west-1.logs",
      "com.amazonaws.eu-west-1.ssm",
      "com.amazonaws.eu-west-1.ssmmessages",
    ]);
    for (const e of resources(tf, "aws_vpc_endpoint").filter((x) => x.vpc_endpoint_type === "Interface")) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.subnet_ids).toEqual(["subnet-a1", "subnet-b1", "subnet-c1"]);
    }
  });

  test("endpointAzs limits the ENIs to the first N AZs; more than the subnets cover is an error", () => {
    const { tf } = endpoints({ endpointAzs: 1 });
    expect(
      resources(tf, "aws_vpc_endpoint")
        .filter((x) => x.vpc_endpoint_type === "Interface")
        .map((e) => e.subnet_ids),
    ).toEqual(Array(5).fill(["subnet-a1"]));
    expect(() => endpoints({ endpointAzs: 4 })).toThrow(/endpointAzs 4 is not between 1 and the 3 AZs/);
  });

  test("the S3 gateway is on every given route table, with a policy allowing the agent buckets and the log bucket", () => {
    // WHEN
    const { tf } = endpoints({ logBucketArn: "arn:aws:s3:::session-logs" });
    // THEN
    const [gw] = resources(tf, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Gateway");
    expect(gw).toMatchObject({ service_name: "com.amazonaws.eu-west-1.s3", route_table_ids: ["rtb-1", "rtb-2"] });
    const policy = JSON.parse(gw.policy as string) as { Statement: Body[] };
    const allowed = policy.Statement.flatMap((s) => [s.Resource].flat() as string[]);
    for (const arn of agentBucketArns("eu-west-1")) expect(allowed).toContain(arn);
    expect(allowed).toEqual(expect.arrayContaining(["arn:aws:s3:::session-logs/*"]));
    expect(agentBucketArns("eu-west-1")).toEqual(
      expect.arrayContaining(["arn:aws:s3:::amazon-ssm-eu-west-1/*", "arn:aws:s3:::aws-ssm-eu-west-1/*"]),
    );
  });

  test("no route tables, no gateway", () => {
    const stack = testStack();
    new SessionManagerEndpoints(stack, "E", {
      network: { ...network, routeTableIds: [] },
      region: "eu-west-1",
      namePrefix: "x",
      services: [EndpointService.SSM],
    });
    expect(resources(synthJson(stack), "aws_vpc_endpoint").map((e) => e.vpc_endpoint_type)).toEqual(["Interface"]);
  });

  test("separate layout: endpoint SG ingress 443 only from the instance SG; the instance SG has no ingress", () => {
    const { tf } = endpoints();
    const instanceSg = sgRef(tf, "InstanceSecurityGroup");
    const endpointSg = sgRef(tf, "EndpointSecurityGroup");
    expect(ingressRules(tf)).toEqual([
      expect.objectContaining({
        security_group_id: endpointSg,
        referenced_security_group_id: instanceSg,
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
      }),
    ]);
    expect(ingressRules(tf).filter((r) => r.security_group_id === instanceSg)).toEqual([]);
  });

  test("separate layout: instance egress is 443 to the endpoint SG and to the S3 prefix list (looked up), nothing else", () => {
    const { tf } = endpoints();
    const instanceSg = sgRef(tf, "InstanceSecurityGroup");
    const egress = egressRules(tf).filter((r) => r.security_group_id === instanceSg);
    expect(egress).toHaveLength(2);
    expect(egress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          referenced_security_group_id: sgRef(tf, "EndpointSecurityGroup"),
          from_port: 443,
          to_port: 443,
          ip_protocol: "tcp",
        }),
        expect.objectContaining({
          prefix_list_id: expect.stringMatching(
            /^\$\{data\.aws_ec2_managed_prefix_list\.Endpoints_S3PrefixList_[0-9A-F]+\.id\}$/,
          ),
          from_port: 443,
          to_port: 443,
        }),
      ]),
    );
    expect(dataSources(tf, "aws_ec2_managed_prefix_list")).toEqual([
      expect.objectContaining({ name: "com.amazonaws.eu-west-1.s3" }),
    ]);
    for (const r of [...ingressRules(tf), ...egressRules(tf)]) {
      expect(r.cidr_ipv4).toBeUndefined();
      expect(r.cidr_ipv6).toBeUndefined();
      expect(typeof r.description).toBe("string");
    }
  });

  test("shared layout (the seed's variant): one SG, 443 between members, egress to S3", () => {
    const { tf } = endpoints({ layout: "shared" });
    expect(resources(tf, "aws_security_group")).toHaveLength(1);
    const sg = sgRef(tf, "InstanceSecurityGroup");
    expect(ingressRules(tf)).toEqual([
      expect.objectContaining({ security_group_id: sg, referenced_security_group_id: sg, from_port: 443 }),
    ]);
    for (const e of resources(tf, "aws_vpc_endpoint").filter((x) => x.vpc_endpoint_type === "Interface"))
      expect(e.security_group_ids).toEqual([sg]);
  });

  test("Connections: another SG is allowed to use the endpoints with one call, both rules written and described", () => {
    // GIVEN endpoints and an application SG
    const stack = testStack();
    const e = new SessionManagerEndpoints(stack, "Endpoints", {
      network,
      region: "eu-west-1",
      namePrefix: "x",
      services: [EndpointService.SSM],
    });
    const app = new SecurityGroup(stack, "App", {
      vpcId: network.vpcId,
      name: "app",
      description: "application servers",
    });
    // WHEN
    e.connections.allowDefaultPortFrom(app, "HTTPS from app servers to the SSM endpoints");
    // THEN ingress on the endpoint SG from the app SG, egress on the app SG to the endpoint SG
    const tf = synthJson(stack);
    const appSg = sgRef(tf, "App_");
    const endpointSg = sgRef(tf, "EndpointSecurityGroup");
    expect(ingressRules(tf)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          security_group_id: endpointSg,
          referenced_security_group_id: appSg,
          from_port: 443,
          description: "HTTPS from app servers to the SSM endpoints",
        }),
      ]),
    );
    expect(egressRules(tf)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ security_group_id: appSg, referenced_security_group_id: endpointSg, from_port: 443 }),
      ]),
    );
  });

  test("Connections: asking twice writes one rule; a group imported by id gets no rules written", () => {
    const stack = testStack();
    const e = new SessionManagerEndpoints(stack, "Endpoints", {
      network,
      region: "eu-west-1",
      namePrefix: "x",
      services: [EndpointService.SSM],
    });
    const imported = SecurityGroup.fromSecurityGroupId(stack, "Existing", "sg-0aaaaaaaaaaaaaaaa");
    e.connections.allowFrom(imported, Port.HTTPS, "HTTPS from the existing fleet");
    e.connections.allowFrom(imported, Port.HTTPS, "HTTPS from the existing fleet");
    const tf = synthJson(stack);
    expect(ingressRules(tf).filter((r) => r.referenced_security_group_id === "sg-0aaaaaaaaaaaaaaaa")).toHaveLength(1);
    expect(egressRules(tf).filter((r) => r.security_group_id === "sg-0aaaaaaaaaaaaaaaa")).toEqual([]);
  });

  test("Port rejects what is not a TCP port range", () => {
    expect(Port.tcpRange(1024, 65535).toString()).toBe("1024-65535");
    expect(() => Port.tcp(0)).toThrow(/0-0 is not a TCP port range; allowed: 1-65535/);
    expect(() => Port.tcpRange(443, 80)).toThrow(/from ≤ to/);
  });

  test("cost: endpoints × AZs × hourly price × 730 h, rounded to cents", () => {
    const { construct } = endpoints({ endpointAzs: 2 });
    expect(construct.cost).toEqual({
      endpoints: 5,
      azs: 2,
      hourlyUsd: INTERFACE_ENDPOINT_HOURLY_USD["eu-west-1"],
      monthlyUsd: Math.round(5 * 2 * 0.011 * HOURS_PER_MONTH * 100) / 100,
    });
    expect(interfaceEndpointCost("eu-central-1", 5, 3).monthlyUsd).toBe(131.4);
    expect(() => interfaceEndpointCost("mars-north-1", 1, 1)).toThrow(
      /no interface-endpoint price for region mars-north-1/,
    );
  });
});

describe("NetworkAcl", () => {
  function acl(s3Cidrs?: string) {
    const stack = testStack();
    new NetworkAcl(stack, "Acl", {
      vpcId: "vpc-1",
      name: "private",
      subnetIds: ["subnet-a", "subnet-b"],
      vpcCidr: "10.20.0.0/16",
      s3Cidrs,
    });
    return synthJson(stack);
  }
  const shape = (r: Body) =>
    `${r.egress ? "out" : "in"} ${r.rule_number} ${r.cidr_block} ${r.from_port}-${r.to_port}/${r.protocol} ${r.rule_action}`;

  test("both directions of both flows inside the VPC, fixed rule numbers, nothing else", () => {
    const tf = acl();
    expect(resources(tf, "aws_network_acl_rule").map(shape).sort()).toEqual([
      "in 100 10.20.0.0/16 443-443/tcp allow",
      `in 110 10.20.0.0/16 ${EPHEMERAL.from}-${EPHEMERAL.to}/tcp allow`,
      "out 100 10.20.0.0/16 443-443/tcp allow",
      `out 110 10.20.0.0/16 ${EPHEMERAL.from}-${EPHEMERAL.to}/tcp allow`,
    ]);
    expect(resources(tf, "aws_network_acl")[0]).toMatchObject({
      vpc_id: "vpc-1",
      subnet_ids: ["subnet-a", "subnet-b"],
    });
  });

  test("S3: out 443 and in ephemeral per S3 CIDR, one rule each, numbered from 200 in sorted order", () => {
    const tf = acl("data.aws_ec2_managed_prefix_list.s3.entries[*].cidr");
    const s3 = resources(tf, "aws_network_acl_rule").filter((r) => r.for_each !== undefined);
    expect(s3.map((r) => `${r.egress ? "out" : "in"} ${r.from_port}-${r.to_port}`).sort()).toEqual([
      `in ${EPHEMERAL.from}-${EPHEMERAL.to}`,
      "out 443-443",
    ]);
    for (const r of s3) {
      expect(r.for_each).toBe("${toset(sort(data.aws_ec2_managed_prefix_list.s3.entries[*].cidr))}");
      expect(r.rule_number).toBe(
        "${200 + index(sort(data.aws_ec2_managed_prefix_list.s3.entries[*].cidr), each.value)}",
      );
      expect(r.cidr_block).toBe("${each.value}");
    }
  });
});

describe("PrivateVpc", () => {
  function vpc(): TfJson {
    const stack = testStack();
    new PrivateVpc(stack, "Vpc", {
      account: "111111111111",
      region: "eu-west-1",
      name: "bl-dev-main",
      cidr: "10.10.0.0/16",
      subnets: [
        { cidr: "10.10.0.0/20", availabilityZone: "eu-west-1a" },
        { cidr: "10.10.16.0/20", availabilityZone: "eu-west-1b" },
      ],
      flowLogKmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/k",
      flowLogRetentionDays: 365,
      flowLogGroupName: "/bl/dev/flow-logs/main",
    });
    return synthJson(stack);
  }

  test("DNS on; private subnets with their own route tables; no internet or NAT gateway; no public IPs", () => {
    const tf = vpc();
    expect(resources(tf, "aws_vpc")).toEqual([
      expect.objectContaining({ cidr_block: "10.10.0.0/16", enable_dns_support: true, enable_dns_hostnames: true }),
    ]);
    expect(
      resources(tf, "aws_subnet").map((s) => [s.cidr_block, s.availability_zone, s.map_public_ip_on_launch]),
    ).toEqual([
      ["10.10.0.0/20", "eu-west-1a", false],
      ["10.10.16.0/20", "eu-west-1b", false],
    ]);
    expect(resources(tf, "aws_route_table")).toHaveLength(2);
    expect(resources(tf, "aws_route_table_association")).toHaveLength(2);
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_eip", "aws_route"])
      expect(resources(tf, type)).toEqual([]);
    for (const rt of resources(tf, "aws_route_table")) expect(rt.route).toBeUndefined();
  });

  test("the default security group is adopted with no rules; flow logs go to an encrypted, retained log group", () => {
    const tf = vpc();
    const [sg] = resources(tf, "aws_default_security_group");
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(resources(tf, "aws_cloudwatch_log_group")).toEqual([
      expect.objectContaining({
        name: "/bl/dev/flow-logs/main",
        kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/k",
        retention_in_days: 365,
        skip_destroy: true,
      }),
    ]);
    expect(resources(tf, "aws_flow_log")).toEqual([
      expect.objectContaining({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" }),
    ]);
    const trust = JSON.parse(resources(tf, "aws_iam_role")[0].assume_role_policy as string) as { Statement: Body[] };
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
    });
  });
});

describe("the example environments' networks", () => {
  const envTf = (name: string, patch?: Parameters<typeof exampleConfig>[1]) =>
    synthJson(new EnvironmentStack(Testing.app(), name, { config: exampleConfig(name, patch) }));

  test.each([
    ["dev", ["kms", "logs", "ssm", "ssmmessages"]],
    ["staging", ["ec2messages", "kms", "logs", "ssm", "ssmmessages"]],
    ["prod", ["ec2messages", "kms", "logs", "ssm", "ssmmessages"]],
  ])("%s has exactly the expected interface endpoints", (name, services) => {
    const cfg = exampleConfig(name);
    const expected = requiredServices({
      legacyAgentSupport: cfg.network.legacyAgentSupport,
      cloudWatchLogging: cfg.logging.cloudWatch.enabled,
      kmsEncryption: cfg.sessionPreferences.waiveKmsEncryption === undefined,
    })
      .map((s) => `com.amazonaws.${cfg.region}.${s.shortName}`)
      .sort();
    expect(interfaceServices(envTf(name))).toEqual(expected);
    expect(expected).toEqual(services.map((s) => `com.amazonaws.${cfg.region}.${s}`));
  });

  test("turning CloudWatch logging off removes the logs endpoint; the KMS waiver removes the kms endpoint", () => {
    const noLogs = envTf("staging", (e) => {
      e.logging = { ...e.logging, cloudWatch: { enabled: false } };
    });
    expect(interfaceServices(noLogs).map((s) => String(s).split(".").pop())).toEqual([
      "ec2messages",
      "kms",
      "ssm",
      "ssmmessages",
    ]);
    const noKms = envTf("staging", (e) => {
      e.sessionPreferences = { ...e.sessionPreferences, waiveKmsEncryption: "sandbox without customer data" };
    });
    expect(interfaceServices(noKms).map((s) => String(s).split(".").pop())).toEqual([
      "ec2messages",
      "logs",
      "ssm",
      "ssmmessages",
    ]);
  });

  test("adopted VPCs put the S3 gateway on every configured private route table", () => {
    const cfg = exampleConfig("prod");
    const vpc = cfg.vpcs[0];
    const [gw] = resources(envTf("prod"), "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Gateway");
    expect(vpc.mode).toBe("adopt");
    expect(gw.route_table_ids).toEqual(vpc.mode === "adopt" ? vpc.routeTableIds : []);
  });

  test("the cost output and summary match the arithmetic", () => {
    const stack = new EnvironmentStack(Testing.app(), "prod", { config: exampleConfig("prod") });
    const tf = synthJson(stack);
    const cfg = stack.config;
    const azs = cfg.vpcs[0].endpointAzs ?? new Set(cfg.vpcs[0].privateSubnets.map((s) => s.availabilityZone)).size;
    const expected = Math.round(5 * azs * INTERFACE_ENDPOINT_HOURLY_USD[cfg.region] * HOURS_PER_MONTH * 100) / 100;
    expect(tf.output?.interface_endpoint_monthly_usd.value).toBe(expected);
    expect(stack.summary()).toEqual([`5 endpoints × ${azs} AZ ≈ $${expected.toFixed(2)}/month`]);
  });
});
