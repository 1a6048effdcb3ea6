/** modules/network-endpoints: endpoint toggles, interface and gateway endpoints, their security groups and Connections, cost. */
import {
  DataAwsEc2ManagedPrefixList,
  SecurityGroup as SecurityGroupResource,
  VpcEndpoint,
  VpcSecurityGroupEgressRule,
  VpcSecurityGroupIngressRule,
} from "../../modules/core/aws";
import type { TerraformStack } from "../../modules/core/cdktf";
import { INTERFACE_SERVICES } from "../../modules/core/endpoint-services";
import {
  EndpointService,
  interfaceEndpointCost,
  requiredServices,
  SessionManagerEndpoints,
  agentBucketArns,
  HOURS_PER_MONTH,
  INTERFACE_ENDPOINT_HOURLY_USD,
} from "../../modules/network-endpoints";
import { Port, SecurityGroup, type IPrivateNetwork } from "../../modules/network-security";
import { dataSources, refOf, resources, synthJson, testStack, type Body, type TfJson } from "../helpers/synth";

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

/** Endpoints in `stack` (not yet synthesized): the SSM endpoint alone unless `props` say otherwise. */
function endpointsIn(
  stack: TerraformStack,
  props: Partial<ConstructorParameters<typeof SessionManagerEndpoints>[2]> = {},
): SessionManagerEndpoints {
  return new SessionManagerEndpoints(stack, "Endpoints", {
    network,
    region: "eu-west-1",
    namePrefix: "x",
    services: [EndpointService.SSM],
    ...props,
  });
}

function endpoints(props: Partial<ConstructorParameters<typeof SessionManagerEndpoints>[2]> = {}): {
  stack: TerraformStack;
  construct: SessionManagerEndpoints;
  tf: TfJson;
} {
  const stack = testStack();
  const construct = endpointsIn(stack, {
    namePrefix: "bl-test",
    services: requiredServices({ legacyAgentSupport: true, cloudWatchLogging: true, kmsEncryption: true }),
    ...props,
  });
  return { stack, construct, tf: synthJson(stack) };
}

const interfaceServices = (tf: TfJson) =>
  resources(tf, VpcEndpoint)
    .filter((e) => e.vpc_endpoint_type === "Interface")
    .map((e) => e.service_name)
    .sort();
const ingressRules = (tf: TfJson) => resources(tf, VpcSecurityGroupIngressRule);
const egressRules = (tf: TfJson) => resources(tf, VpcSecurityGroupEgressRule);
/** How the stack refers to the group the instances get, and to the group on the endpoints. */
const instanceSgRef = (e: SessionManagerEndpoints) => refOf(e, e.instanceSecurityGroup.securityGroupId);
const endpointSgRef = (e: SessionManagerEndpoints) => refOf(e, e.connections.securityGroupId);

describe("requiredServices (endpoint toggles)", () => {
  test("ssm and ssmmessages are always there; ec2messages, logs and kms follow their toggles", () => {
    const { SSM, SSMMESSAGES, EC2MESSAGES, LOGS, KMS } = EndpointService;
    const services = (s: Parameters<typeof requiredServices>[0]) => requiredServices(s);
    expect(services({ legacyAgentSupport: true, cloudWatchLogging: true, kmsEncryption: true })).toEqual([
      SSM,
      SSMMESSAGES,
      EC2MESSAGES,
      LOGS,
      KMS,
    ]);
    expect(services({ legacyAgentSupport: false, cloudWatchLogging: true, kmsEncryption: true })).toEqual([
      SSM,
      SSMMESSAGES,
      LOGS,
      KMS,
    ]);
    expect(services({ legacyAgentSupport: true, cloudWatchLogging: false, kmsEncryption: true })).toEqual([
      SSM,
      SSMMESSAGES,
      EC2MESSAGES,
      KMS,
    ]);
    expect(services({ legacyAgentSupport: true, cloudWatchLogging: true, kmsEncryption: false })).toEqual([
      SSM,
      SSMMESSAGES,
      EC2MESSAGES,
      LOGS,
    ]);
    expect(services({ legacyAgentSupport: false, cloudWatchLogging: false, kmsEncryption: false })).toEqual([
      SSM,
      SSMMESSAGES,
    ]);
  });

  // The one place the names are spelled outside the list (modules/core/endpoint-services.ts): every other test reads it.
  test("GIVEN the one list THEN it names the five Session Manager services, each constant once, in creation order", () => {
    expect(EndpointService.ALL.map((s) => s.shortName)).toEqual(["ssm", "ssmmessages", "ec2messages", "logs", "kms"]);
    expect(EndpointService.ALL.map((s) => s.shortName)).toEqual([...INTERFACE_SERVICES]);
    expect(new Set(EndpointService.ALL).size).toBe(5);
    expect(EndpointService.of("kms")).toBe(EndpointService.KMS);
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
    expect(interfaceServices(tf)).toEqual(EndpointService.ALL.map((s) => s.serviceName("eu-west-1")).sort());
    for (const e of resources(tf, VpcEndpoint).filter((x) => x.vpc_endpoint_type === "Interface")) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.subnet_ids).toEqual(["subnet-a1", "subnet-b1", "subnet-c1"]);
    }
  });

  test("endpointAzs limits the ENIs to the first N AZs; more than the subnets cover is an error", () => {
    const { tf } = endpoints({ endpointAzs: 1 });
    expect(
      resources(tf, VpcEndpoint)
        .filter((x) => x.vpc_endpoint_type === "Interface")
        .map((e) => e.subnet_ids),
    ).toEqual(Array(5).fill(["subnet-a1"]));
    expect(() => endpoints({ endpointAzs: 4 })).toThrow(/endpointAzs 4 is not between 1 and the 3 AZs/);
  });

  test("the S3 gateway is on every given route table, with a policy allowing the agent buckets and the log bucket", () => {
    // WHEN
    const { tf } = endpoints({ logBucket: { bucketArn: "arn:aws:s3:::session-logs" } });
    // THEN
    const [gw] = resources(tf, VpcEndpoint).filter((e) => e.vpc_endpoint_type === "Gateway");
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
    expect(resources(synthJson(stack), VpcEndpoint).map((e) => e.vpc_endpoint_type)).toEqual(["Interface"]);
  });

  test("separate layout: endpoint SG ingress 443 only from the instance SG; the instance SG has no ingress", () => {
    const { construct, tf } = endpoints();
    const instanceSg = instanceSgRef(construct);
    const endpointSg = endpointSgRef(construct);
    expect(endpointSg).not.toBe(instanceSg);
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
    const { construct, tf } = endpoints();
    const instanceSg = instanceSgRef(construct);
    const egress = egressRules(tf).filter((r) => r.security_group_id === instanceSg);
    expect(egress).toHaveLength(2);
    expect(egress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          referenced_security_group_id: endpointSgRef(construct),
          from_port: 443,
          to_port: 443,
          ip_protocol: "tcp",
        }),
        expect.objectContaining({
          prefix_list_id: refOf(construct, construct.s3PrefixList.id),
          from_port: 443,
          to_port: 443,
        }),
      ]),
    );
    expect(dataSources(tf, DataAwsEc2ManagedPrefixList)).toEqual([
      expect.objectContaining({ name: "com.amazonaws.eu-west-1.s3" }),
    ]);
    for (const r of [...ingressRules(tf), ...egressRules(tf)]) {
      expect(r.cidr_ipv4).toBeUndefined();
      expect(r.cidr_ipv6).toBeUndefined();
      expect(typeof r.description).toBe("string");
    }
  });

  test("shared layout (the seed's variant): one SG, 443 between members, egress to S3", () => {
    const { construct, tf } = endpoints({ layout: "shared" });
    expect(resources(tf, SecurityGroupResource)).toHaveLength(1);
    const sg = instanceSgRef(construct);
    expect(endpointSgRef(construct)).toBe(sg);
    expect(ingressRules(tf)).toEqual([
      expect.objectContaining({ security_group_id: sg, referenced_security_group_id: sg, from_port: 443 }),
    ]);
    for (const e of resources(tf, VpcEndpoint).filter((x) => x.vpc_endpoint_type === "Interface"))
      expect(e.security_group_ids).toEqual([sg]);
  });

  test("Connections: another SG is allowed to use the endpoints with one call, both rules written and described", () => {
    // GIVEN endpoints and an application SG
    const stack = testStack();
    const e = endpointsIn(stack);
    const app = new SecurityGroup(stack, "App", {
      vpcId: network.vpcId,
      name: "app",
      description: "application servers",
    });
    // WHEN
    e.connections.allowDefaultPortFrom(app, "HTTPS from app servers to the SSM endpoints");
    // THEN ingress on the endpoint SG from the app SG, egress on the app SG to the endpoint SG
    const tf = synthJson(stack);
    const appSg = refOf(stack, app.securityGroupId);
    const endpointSg = endpointSgRef(e);
    expect(endpointSg).not.toBe(instanceSgRef(e));
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
    const e = endpointsIn(stack);
    const imported = SecurityGroup.fromSecurityGroupId(stack, "Existing", "sg-0aaaaaaaaaaaaaaaa");
    e.connections.allowFrom(imported, Port.HTTPS, "HTTPS from the existing fleet");
    e.connections.allowFrom(imported, Port.HTTPS, "HTTPS from the existing fleet");
    const tf = synthJson(stack);
    expect(ingressRules(tf).filter((r) => r.referenced_security_group_id === "sg-0aaaaaaaaaaaaaaaa")).toHaveLength(1);
    expect(egressRules(tf).filter((r) => r.security_group_id === "sg-0aaaaaaaaaaaaaaaa")).toEqual([]);
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

describe("SessionManagerEndpoints composition (endpoints added after construction)", () => {
  test("GIVEN no services but endpointSecurityGroup WHEN an endpoint is added THEN it joins the endpoint group, which admits the instances, and counts in the cost", () => {
    // GIVEN
    const stack = testStack();
    const e = endpointsIn(stack, {
      services: [],
      endpointSecurityGroup: true,
      endpointAzs: 2,
      s3Gateway: { mode: "none" },
    });
    expect(e.cost?.endpoints).toBe(0);
    // WHEN
    e.addInterfaceEndpoint("Ssm", "ssm");
    // THEN
    const tf = synthJson(stack);
    const endpointSg = endpointSgRef(e);
    expect(endpointSg).not.toBe(instanceSgRef(e));
    expect(resources(tf, VpcEndpoint)).toEqual([
      expect.objectContaining({
        service_name: "com.amazonaws.eu-west-1.ssm",
        private_dns_enabled: true,
        security_group_ids: [endpointSg],
        subnet_ids: ["subnet-a1", "subnet-b1"],
        tags: { Name: "x-ssm" },
      }),
    ]);
    expect(ingressRules(tf)).toEqual([
      expect.objectContaining({ security_group_id: endpointSg, referenced_security_group_id: instanceSgRef(e) }),
    ]);
    expect(e.cost?.endpoints).toBe(1);
  });

  test("GIVEN no services and no endpointSecurityGroup THEN there is no endpoint group (separate layout)", () => {
    const { construct, tf } = endpoints({ services: [] });
    expect(construct.endpointSecurityGroup).toBeUndefined();
    expect(resources(tf, SecurityGroupResource)).toHaveLength(1);
  });

  test("GIVEN s3Gateway none WHEN addS3Gateway THEN the gateway is on the route tables with the given policy; a second one fails", () => {
    const stack = testStack();
    const e = endpointsIn(stack, {
      s3Gateway: { mode: "none" },
    });
    expect(e.s3Gateway).toBeUndefined();
    const gateway = e.addS3Gateway({ policy: '{"Statement":[]}' });
    expect(e.s3Gateway).toBe(gateway);
    expect(resources(synthJson(stack), VpcEndpoint).filter((x) => x.vpc_endpoint_type === "Gateway")).toEqual([
      expect.objectContaining({ route_table_ids: ["rtb-1", "rtb-2"], policy: '{"Statement":[]}' }),
    ]);
    expect(() => e.addS3Gateway()).toThrow(/has an S3 gateway already/);
  });

  test("fails to add an S3 gateway where an existing one is reused", () => {
    const { construct } = endpoints({ s3Gateway: { mode: "reuse", endpointId: "vpce-0s3" } });
    expect(() => construct.addS3Gateway()).toThrow(/has an S3 gateway already/);
  });
});
