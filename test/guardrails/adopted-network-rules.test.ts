/**
 * The adopted-VPC guardrails (BL-NET-008..010) against compliant and non-compliant fixtures, written as the raw
 * Terraform configuration cdk.tf.json holds. Compliant fixtures must produce no finding from any rule.
 */
import type { TerraformStack } from "../../modules/core/cdktf";
import { check, raw, rawData } from "../helpers/guardrails";

const findings = (build: (s: TerraformStack) => void, rule: string) =>
  check(build)
    .filter((r) => r.rule === rule)
    .map((r) => r.message);
const allFindings = (build: (s: TerraformStack) => void) => check(build).map((r) => r.message);

const VPC = "vpc-0a1b2c3d4e5f60718";
/** The plan-time check of an adopted VPC, as AdoptedVpc writes it. */
const adoptedVpc = (s: TerraformStack) =>
  rawData(s, "aws_vpc", "adopted", {
    id: VPC,
    lifecycle: { postcondition: [{ condition: '${self.cidr_block == "10.20.0.0/16"}', error_message: "cidr" }] },
  });

const s3Gateway = (s: TerraformStack, config: Record<string, unknown>) =>
  raw(s, "aws_vpc_endpoint", "s3", {
    vpc_id: VPC,
    service_name: "com.amazonaws.eu-west-1.s3",
    vpc_endpoint_type: "Gateway",
    ...config,
  });
const restrictive = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: ["*"] },
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::aws-ssm-eu-west-1/*"],
    },
  ],
});
const fullAccess = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }],
});

describe("BL-NET-008 no restrictive S3 gateway on adopted route tables", () => {
  test("compliant: a full-access policy (or none) on adopted route tables", () => {
    expect(
      allFindings((s) => s3Gateway(s, { route_table_ids: ["rtb-0a1b2c3d4e5f60001"], policy: fullAccess })),
    ).toEqual([]);
    expect(allFindings((s) => s3Gateway(s, { route_table_ids: ["rtb-0a1b2c3d4e5f60001"] }))).toEqual([]);
  });
  test("compliant: a restrictive policy on route tables this stack creates", () =>
    expect(
      allFindings((s) => {
        raw(s, "aws_route_table", "rt", { vpc_id: VPC });
        s3Gateway(s, { route_table_ids: ["${aws_route_table.rt.id}"], policy: restrictive });
      }),
    ).toEqual([]));
  test("non-compliant: the agent-and-log-bucket policy on an existing route table", () =>
    expect(
      findings((s) => s3Gateway(s, { route_table_ids: ["rtb-0a1b2c3d4e5f60001"], policy: restrictive }), "BL-NET-008"),
    ).toEqual([
      expect.stringMatching(
        /BL-NET-008 Restrictive S3 gateway endpoint on adopted route tables: the policy allows less than s3:\* on \* and the endpoint is attached to existing route tables rtb-0a1b2c3d4e5f60001 \[aws_vpc_endpoint\.s3\]/,
      ),
    ]));
  test("non-compliant: full access with a Deny beside it is not full access", () => {
    const withDeny = JSON.stringify({
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
        { Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::x/*" },
      ],
    });
    expect(findings((s) => s3Gateway(s, { route_table_ids: ["rtb-1"], policy: withDeny }), "BL-NET-008")).toHaveLength(
      1,
    );
  });
});

describe("BL-NET-009 a private-DNS endpoint in an adopted VPC admits the VPC CIDR", () => {
  const endpoint = (s: TerraformStack, ingress: Record<string, unknown>[]) => {
    adoptedVpc(s);
    raw(s, "aws_security_group", "ep", { name: "ep", description: "endpoints", vpc_id: VPC });
    raw(s, "aws_security_group", "inst", { name: "inst", description: "instances", vpc_id: VPC });
    ingress.forEach((r, i) =>
      raw(s, "aws_vpc_security_group_ingress_rule", `in${i}`, {
        security_group_id: "${aws_security_group.ep.id}",
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        description: "fixture",
        ...r,
      }),
    );
    raw(s, "aws_vpc_endpoint", "ssm", {
      vpc_id: VPC,
      service_name: "com.amazonaws.eu-west-1.ssm",
      vpc_endpoint_type: "Interface",
      private_dns_enabled: true,
      security_group_ids: ["${aws_security_group.ep.id}"],
    });
  };
  test("compliant: 443 from the VPC CIDR besides the instance SG", () =>
    expect(
      allFindings((s) =>
        endpoint(s, [{ cidr_ipv4: "10.20.0.0/16" }, { referenced_security_group_id: "${aws_security_group.inst.id}" }]),
      ),
    ).toEqual([]));
  test("compliant: a private VPC this stack creates keeps the strict SG-to-SG layout", () =>
    expect(
      allFindings((s) => {
        raw(s, "aws_vpc", "own", { cidr_block: "10.10.0.0/16" });
        raw(s, "aws_security_group", "ep", { name: "ep", description: "endpoints", vpc_id: "${aws_vpc.own.id}" });
        raw(s, "aws_vpc_endpoint", "ssm", {
          vpc_id: "${aws_vpc.own.id}",
          service_name: "com.amazonaws.eu-west-1.ssm",
          vpc_endpoint_type: "Interface",
          private_dns_enabled: true,
          security_group_ids: ["${aws_security_group.ep.id}"],
        });
      }),
    ).toEqual([]));
  test("non-compliant: an endpoint SG in an adopted VPC that admits only the instance SG", () =>
    expect(
      findings((s) => endpoint(s, [{ referenced_security_group_id: "${aws_security_group.inst.id}" }]), "BL-NET-009"),
    ).toEqual([
      expect.stringMatching(
        /com\.amazonaws\.eu-west-1\.ssm in vpc-0a1b2c3d4e5f60718: its security groups admit 443 only from security groups, not from the VPC CIDR 10\.20\.0\.0\/16/,
      ),
    ]));
  test("non-compliant: a CIDR that covers only part of the VPC", () =>
    expect(findings((s) => endpoint(s, [{ cidr_ipv4: "10.20.0.0/20" }]), "BL-NET-009")).toEqual([
      expect.stringMatching(/admit 443 only from 10\.20\.0\.0\/20, not from the VPC CIDR 10\.20\.0\.0\/16/),
    ]));
});

describe("BL-NET-010 a granted forward target has an egress rule", () => {
  const portDocument = (s: TerraformStack) =>
    raw(s, "aws_ssm_document", "fwd", {
      name: "bastionless-dev-db-tunnel-port-0",
      document_type: "Session",
      content: JSON.stringify({
        schemaVersion: "1.0",
        sessionType: "Port",
        parameters: { host: { allowedValues: ["dev-db.internal"] }, portNumber: { allowedValues: ["5432"] } },
      }),
    });
  const egress = (s: TerraformStack, port: number) => {
    raw(s, "aws_security_group", "inst", { name: "inst", description: "instances", vpc_id: "vpc-1" });
    raw(s, "aws_vpc_security_group_egress_rule", `out${port}`, {
      security_group_id: "${aws_security_group.inst.id}",
      cidr_ipv4: "10.10.16.0/20",
      ip_protocol: "tcp",
      from_port: port,
      to_port: port,
      description: "fixture",
    });
  };
  test("compliant: egress on the forwarded port", () =>
    expect(
      allFindings((s) => {
        portDocument(s);
        egress(s, 5432);
      }),
    ).toEqual([]));
  test("non-compliant: only 443 egress (the instance SG before targets named their network)", () =>
    expect(
      findings((s) => {
        portDocument(s);
        egress(s, 443);
      }, "BL-NET-010"),
    ).toEqual([
      expect.stringMatching(
        /forwarding to dev-db\.internal:5432 is granted, but no security group in this stack allows egress on tcp 5432 \[aws_ssm_document\.fwd\]/,
      ),
    ]));
});
