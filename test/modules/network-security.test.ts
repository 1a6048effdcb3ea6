/** modules/network-security: NACL, private-only VPC, ports. */
import { DataAwsEc2ManagedPrefixList } from "../../modules/core/aws";
import { encryptionKeyFromArn } from "../../modules/core/kms";
import { EPHEMERAL, NetworkAcl, Port, PrivateVpc } from "../../modules/network-security";
import { resources, synthJson, testStack, type Body, type TfJson } from "../helpers/synth";

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
    const tf = acl(true);
    const s3 = resources(tf, "aws_network_acl_rule").filter((r) => r.for_each !== undefined);
    expect(s3.map((r) => `${r.egress ? "out" : "in"} ${r.from_port}-${r.to_port}`).sort()).toEqual([
      `in ${EPHEMERAL.from}-${EPHEMERAL.to}`,
      "out 443-443",
    ]);
    for (const r of s3) {
      const cidrs = "sort([for e in data.aws_ec2_managed_prefix_list.s3.entries : e.cidr])";
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

describe("Port", () => {
  test("Port rejects what is not a TCP port range", () => {
    expect(Port.tcpRange(1024, 65535).toString()).toBe("1024-65535");
    expect(() => Port.tcp(0)).toThrow(/0-0 is not a TCP port range; allowed: 1-65535/);
    expect(() => Port.tcpRange(443, 80)).toThrow(/from ≤ to/);
  });
});
