/** modules/network-security: NACL, private-only VPC, ports. */
import {
  CloudwatchLogGroup,
  DataAwsEc2ManagedPrefixList,
  DataAwsRouteTable,
  DataAwsSubnet,
  DataAwsVpc,
  DefaultSecurityGroup,
  FlowLog,
  IamRole,
  IamRolePolicy,
  NetworkAcl as NetworkAclResource,
  NetworkAclRule,
  RouteTable,
  RouteTableAssociation,
  Subnet,
  Vpc,
} from "../../modules/core/aws";
import { encryptionKeyFromArn } from "../../modules/core/kms";
import { AdoptedVpc, EPHEMERAL, NetworkAcl, Port, PrivateVpc } from "../../modules/network-security";
import {
  addressOf,
  bodyOf,
  childBody,
  dataSources,
  resources,
  synthJson,
  testStack,
  type Body,
  type TfJson,
} from "../helpers/synth";

describe("NetworkAcl", () => {
  function acl(withS3 = false) {
    const stack = testStack();
    const s3PrefixList = withS3
      ? new DataAwsEc2ManagedPrefixList(stack, "s3", { name: "com.amazonaws.eu-west-1.s3" })
      : undefined;
    new NetworkAcl(stack, "Acl", {
      vpcId: "vpc-1",
      name: "private",
      subnetIds: ["subnet-a", "subnet-b"],
      vpcCidr: "10.20.0.0/16",
      s3PrefixList,
    });
    return Object.assign(synthJson(stack), { prefixList: s3PrefixList ? addressOf(s3PrefixList) : undefined });
  }
  const shape = (r: Body) =>
    `${r.egress ? "out" : "in"} ${r.rule_number} ${r.cidr_block} ${r.from_port}-${r.to_port}/${r.protocol} ${r.rule_action}`;

  test("both directions of both flows inside the VPC, fixed rule numbers, nothing else", () => {
    const tf = acl();
    expect(resources(tf, NetworkAclRule).map(shape).sort()).toEqual([
      "in 100 10.20.0.0/16 443-443/tcp allow",
      `in 110 10.20.0.0/16 ${EPHEMERAL.from}-${EPHEMERAL.to}/tcp allow`,
      "out 100 10.20.0.0/16 443-443/tcp allow",
      `out 110 10.20.0.0/16 ${EPHEMERAL.from}-${EPHEMERAL.to}/tcp allow`,
    ]);
    expect(resources(tf, NetworkAclResource)[0]).toMatchObject({
      vpc_id: "vpc-1",
      subnet_ids: ["subnet-a", "subnet-b"],
    });
  });

  test("S3: out 443 and in ephemeral per S3 CIDR, one rule each, numbered from 200 in sorted order", () => {
    const tf = acl(true);
    const s3 = resources(tf, NetworkAclRule).filter((r) => r.for_each !== undefined);
    expect(s3.map((r) => `${r.egress ? "out" : "in"} ${r.from_port}-${r.to_port}`).sort()).toEqual([
      `in ${EPHEMERAL.from}-${EPHEMERAL.to}`,
      "out 443-443",
    ]);
    for (const r of s3) {
      const cidrs = `sort([for e in ${tf.prefixList}.entries : e.cidr])`;
      expect(r.for_each).toBe(`\${toset(${cidrs})}`);
      expect(r.rule_number).toBe(`\${200 + index(${cidrs}, each.value)}`);
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
      flowLogKey: encryptionKeyFromArn("arn:aws:kms:eu-west-1:111111111111:key/k"),
      flowLogRetentionDays: 365,
      flowLogGroupName: "/bl/dev/flow-logs/main",
    });
    return synthJson(stack);
  }

  test("DNS on; private subnets with their own route tables; no internet or NAT gateway; no public IPs", () => {
    const tf = vpc();
    expect(resources(tf, Vpc)).toEqual([
      expect.objectContaining({ cidr_block: "10.10.0.0/16", enable_dns_support: true, enable_dns_hostnames: true }),
    ]);
    expect(resources(tf, Subnet).map((s) => [s.cidr_block, s.availability_zone, s.map_public_ip_on_launch])).toEqual([
      ["10.10.0.0/20", "eu-west-1a", false],
      ["10.10.16.0/20", "eu-west-1b", false],
    ]);
    expect(resources(tf, RouteTable)).toHaveLength(2);
    expect(resources(tf, RouteTableAssociation)).toHaveLength(2);
    // Exactly these resource types: no internet gateway, NAT gateway, EIP or route of any kind.
    expect(Object.keys(tf.resource ?? {}).sort()).toEqual(
      [
        CloudwatchLogGroup,
        DefaultSecurityGroup,
        FlowLog,
        IamRole,
        IamRolePolicy,
        RouteTable,
        RouteTableAssociation,
        Subnet,
        Vpc,
      ]
        .map((c) => c.tfResourceType)
        .sort(),
    );
    for (const rt of resources(tf, RouteTable)) expect(rt.route).toBeUndefined();
  });

  test("the default security group is adopted with no rules; flow logs go to an encrypted, retained log group", () => {
    const tf = vpc();
    const [sg] = resources(tf, DefaultSecurityGroup);
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(resources(tf, CloudwatchLogGroup)).toEqual([
      expect.objectContaining({
        name: "/bl/dev/flow-logs/main",
        kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/k",
        retention_in_days: 365,
        skip_destroy: true,
      }),
    ]);
    expect(resources(tf, FlowLog)).toEqual([
      expect.objectContaining({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" }),
    ]);
    const trust = JSON.parse(resources(tf, IamRole)[0].assume_role_policy as string) as { Statement: Body[] };
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
    });
  });
});

describe("AdoptedVpc", () => {
  const props = {
    vpcId: "vpc-0aaaaaaaaaaaaaaaa",
    cidr: "10.30.0.0/16",
    subnets: [
      { id: "subnet-0aaaaaaaaaaaaaaa1", availabilityZone: "eu-west-1a", cidr: "10.30.0.0/20" },
      { id: "subnet-0aaaaaaaaaaaaaaa2", availabilityZone: "eu-west-1b", cidr: "10.30.16.0/20" },
    ],
    routeTableIds: ["rtb-0aaaaaaaaaaaaaaa1"],
  };
  const adopt = (p: Partial<ConstructorParameters<typeof AdoptedVpc>[2]> = {}) => {
    const stack = testStack();
    const vpc = new AdoptedVpc(stack, "Vpc", { ...props, ...p });
    return { vpc, tf: synthJson(stack) };
  };
  const conditions = (body: Body) =>
    (body.lifecycle as { postcondition: Body[] }).postcondition.map((c) => c.condition);

  test("GIVEN an existing VPC adopted by ids THEN nothing is created or changed: every id is only read", () => {
    const { tf } = adopt();
    expect(tf.resource).toBeUndefined();
    expect(dataSources(tf, DataAwsVpc)).toHaveLength(1);
    expect(dataSources(tf, DataAwsSubnet).map((d) => d.id)).toEqual(props.subnets.map((s) => s.id));
    expect(dataSources(tf, DataAwsRouteTable).map((d) => d.route_table_id)).toEqual(props.routeTableIds);
  });

  test("GIVEN the adopted VPC THEN the plan fails unless its DNS support, DNS hostnames and CIDR are what endpoints need", () => {
    const { vpc, tf } = adopt();
    const body = bodyOf(tf, vpc.vpc);
    expect(body.id).toBe(props.vpcId);
    expect(conditions(body)).toEqual([
      "${self.enable_dns_support}",
      "${self.enable_dns_hostnames}",
      '${self.cidr_block == "10.30.0.0/16"}',
    ]);
    const messages = (body.lifecycle as { postcondition: Body[] }).postcondition.map((c) => String(c.error_message));
    expect(messages[0]).toMatch(/^VPC vpc-0aaaaaaaaaaaaaaaa has DNS support \(enableDnsSupport\) off/);
    expect(messages[2]).toMatch(/but the environment file says 10\.30\.0\.0\/16: correct vpcs\[\]\.cidr/);
  });

  test("GIVEN adopted subnets and route tables THEN each must be in the VPC, subnets in their stated AZ and CIDR", () => {
    const { vpc, tf } = adopt();
    expect(conditions(childBody(tf, vpc, "Subnet/subnet-0aaaaaaaaaaaaaaa2"))).toEqual([
      '${self.vpc_id == "vpc-0aaaaaaaaaaaaaaaa"}',
      '${self.availability_zone == "eu-west-1b"}',
      '${self.cidr_block == "10.30.16.0/20"}',
    ]);
    expect(conditions(childBody(tf, vpc, "RouteTable/rtb-0aaaaaaaaaaaaaaa1"))).toEqual([
      '${self.vpc_id == "vpc-0aaaaaaaaaaaaaaaa"}',
    ]);
  });

  test("GIVEN no route tables THEN none is read, and the network offers the ids without CIDRs to the endpoints", () => {
    const { vpc, tf } = adopt({ routeTableIds: undefined });
    expect(dataSources(tf, DataAwsRouteTable)).toEqual([]);
    expect(vpc.routeTableIds).toEqual([]);
    expect(vpc.subnets).toEqual([
      { id: "subnet-0aaaaaaaaaaaaaaa1", availabilityZone: "eu-west-1a" },
      { id: "subnet-0aaaaaaaaaaaaaaa2", availabilityZone: "eu-west-1b" },
    ]);
    expect([vpc.vpcId, vpc.cidr]).toEqual([props.vpcId, props.cidr]);
  });
});

describe("Port", () => {
  test("Port rejects what is not a TCP port range", () => {
    expect(Port.tcpRange(1024, 65535).toString()).toBe("1024-65535");
    expect(() => Port.tcp(0)).toThrow(/0-0 is not a TCP port range; allowed: 1-65535/);
    expect(() => Port.tcpRange(443, 80)).toThrow(/from ≤ to/);
  });
});
