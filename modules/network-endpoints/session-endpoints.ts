import {
  DataAwsEc2ManagedPrefixList,
  DataAwsVpcEndpoint,
  VpcEndpoint,
  type VpcEndpointConfig,
  VpcSecurityGroupEgressRule,
  VpcSecurityGroupIngressRule,
} from "../core/aws";
import { Construct, Fn, TerraformIterator, Token, type ITerraformIterator } from "../core/cdktf";
import { awsServiceName } from "../core/endpoint-services";
import { renderPolicy, type Statement } from "../core/iam";
import { checkOnPlan, containsAll, equals } from "../core/plan-checks";
import { Connections, type IConnectable, Port } from "../network-security/connections";
import { SecurityGroup } from "../network-security/security-group";
import type { IPrivateNetwork } from "../network-security/vpc";
import { interfaceEndpointCost, type EndpointCost } from "./cost";
import type { EndpointService } from "./service";

export type SecurityGroupLayout = "separate" | "shared";

/**
 * The description of the endpoints' own security group: whether it also admits CIDRs (`clients.cidrs`, or the VPC
 * CIDR a registry module admits), or only the instance security group.
 */
export function endpointSecurityGroupDescription(admitsCidrs: boolean): string {
  return admitsCidrs
    ? "Session Manager interface endpoints: ingress 443 from the instance security group and the VPC (private DNS answers the whole VPC)"
    : "Session Manager interface endpoints: ingress 443 from the instance security group only";
}

/** The S3 service: its gateway endpoint and its managed prefix list share the name. */
const s3ServiceName = (region: string): string => awsServiceName(region, "s3");

/**
 * What the endpoints need of the network: the VPC, the private route tables (for an S3 gateway) and, unless
 * `endpointSubnetIds` is given, the private subnets. An `IPrivateNetwork` (a `PrivateVpc`, an adopted VPC) is one.
 */
export interface EndpointsNetwork {
  readonly vpcId: string;
  /**
   * The VPC's CIDR. Not read here: where other workloads use the VPC, admit it with `clients.cidrs`.
   * @default - not given
   */
  readonly cidr?: string;
  readonly routeTableIds: readonly string[];
  /** @default - none: `endpointSubnetIds` must be given */
  readonly subnets?: IPrivateNetwork["subnets"];
}

/** The session-log bucket the S3 gateway admits: a `SessionLogBucket`, or `{ bucketArn }` of one managed elsewhere. */
export interface ILogBucket {
  readonly bucketArn: string;
}

export interface SessionManagerEndpointsProps {
  readonly network: EndpointsNetwork;
  readonly region: string;
  /** Physical name prefix, e.g. `bastionless-dev-main`. */
  readonly namePrefix: string;
  /** The interface endpoints, one per service. */
  readonly services: readonly EndpointService[];
  /** How many AZs get an endpoint ENI. @default - every AZ with a private subnet */
  readonly endpointAzs?: number;
  /**
   * The subnets (one per AZ) for the endpoint ENIs, overriding the choice from `network.subnets` and `endpointAzs`;
   * may be a Terraform list. @default - the first private subnet of each of the first `endpointAzs` AZs
   */
  readonly endpointSubnetIds?: string[];
  /** @default "separate" */
  readonly layout?: SecurityGroupLayout;
  /**
   * Create the endpoints' own security group (`separate` layout) and admit the instances and `clients` to it even
   * when `services` creates no endpoint: for endpoints added after construction with `addInterfaceEndpoint`.
   * @default - only when `services` creates an endpoint
   */
  readonly endpointSecurityGroup?: boolean;
  /** The session-log bucket the S3 gateway endpoint policy allows writing to. @default - S3 logging off */
  readonly logBucket?: ILogBucket;
  /**
   * Existing interface endpoints to use instead of creating them (an adopted VPC). Each is read at plan time (by id,
   * or by service name in the VPC) and checked: in the VPC, of the service, private DNS on. The instance SG gets
   * egress 443 to the endpoints' security groups and each of those groups one ingress rule 443 from the instance SG.
   * @default - none: every service in `services` is created
   */
  readonly reuse?: readonly ReusedEndpoint[];
  /**
   * Who besides the instance SG reaches the endpoints this construct creates on 443. In a VPC this stack does not
   * own, pass its CIDR: private DNS sends every workload in the VPC to the new endpoints.
   * @default - the instance SG only (a private VPC this stack creates and owns)
   */
  readonly clients?: { readonly cidrs?: readonly string[]; readonly securityGroupIds?: readonly string[] };
  /** @default - `create-restrictive` when `network.routeTableIds` is not empty, otherwise `none` */
  readonly s3Gateway?: S3Gateway;
  /** ARN partition of the AWS-owned agent buckets (aws-cn, aws-us-gov; a registry module's data.aws_partition). @default "aws" */
  readonly partition?: string;
}

/** An existing interface endpoint: by id, or the VPC's endpoint of the service (found by service name). */
export interface ReusedEndpoint {
  readonly service: EndpointService;
  /** @default - the VPC's available endpoint of the service */
  readonly endpointId?: string;
}

/**
 * The S3 gateway endpoint:
 * - `none`: none is created; S3 traffic keeps whatever path the route tables give it;
 * - `reuse`: an existing gateway (checked at plan time: in the VPC, S3, on every route table); its policy must allow
 *   `s3RequiredStatements`;
 * - `create-full-access`: a new gateway on the route tables with the AWS default full-access policy;
 * - `create-restrictive`: a new gateway whose policy allows only the agent buckets and the log bucket. It governs all
 *   S3 traffic of those route tables: right for a private VPC this stack owns, harmful on an existing VPC.
 */
export type S3Gateway =
  | { readonly mode: "none" }
  | { readonly mode: "reuse"; readonly endpointId: string }
  | { readonly mode: "create-full-access" }
  | { readonly mode: "create-restrictive" };

/**
 * AWS-owned buckets SSM Agent reads in its region (agent updates, documents, patching, distributor), from the AWS
 * page "SSM Agent communications with AWS managed S3 buckets" (ssm-agent-minimum-s3-permissions). An S3 gateway
 * endpoint policy that omits them breaks agent self-update.
 */
export function agentBucketArns(region: string, partition: string = "aws"): string[] {
  return [
    `arn:${partition}:s3:::aws-ssm-${region}/*`,
    `arn:${partition}:s3:::aws-windows-downloads-${region}/*`,
    `arn:${partition}:s3:::amazon-ssm-${region}/*`,
    `arn:${partition}:s3:::amazon-ssm-packages-${region}/*`,
    `arn:${partition}:s3:::${region}-birdwatcher-prod/*`,
    `arn:${partition}:s3:::aws-ssm-distributor-file-${region}/*`,
    `arn:${partition}:s3:::aws-ssm-document-attachments-${region}/*`,
    `arn:${partition}:s3:::patch-baseline-snapshot-${region}/*`,
    `arn:${partition}:s3:::aws-patchmanager-macos-${region}/*`,
  ];
}

/** The S3 gateway endpoint policy: the agent's buckets, and writes to the session-log bucket. */
export function s3EndpointStatements(region: string, logBucketArn?: string, partition: string = "aws"): Statement[] {
  const statements: Statement[] = [
    {
      sid: "SsmAgentBuckets",
      effect: "Allow",
      principals: { AWS: ["*"] },
      actions: ["s3:GetObject"],
      resources: agentBucketArns(region, partition),
    },
  ];
  if (logBucketArn) {
    statements.push({
      sid: "SessionLogBucket",
      effect: "Allow",
      principals: { AWS: ["*"] },
      actions: ["s3:PutObject", "s3:GetEncryptionConfiguration"],
      resources: [logBucketArn, `${logBucketArn}/*`],
    });
  }
  return statements;
}

/**
 * The network half of Session Manager for one VPC: interface endpoints with private DNS (one ENI per chosen AZ),
 * the S3 gateway endpoint on the private route tables, and SG-to-SG security groups:
 * - separate (default): the endpoint SG admits 443 only from the instance SG; the instance SG, which users attach to
 *   their instances, has no ingress and egress only 443 to the endpoint SG and to the S3 prefix list;
 * - shared: one SG, 443 between its members, egress 443 to the S3 prefix list.
 * Other groups get access with `endpoints.connections.allowDefaultPortFrom(other)`.
 */
export class SessionManagerEndpoints extends Construct implements IConnectable {
  /** The endpoints' side: `connections.allowDefaultPortFrom(x)` lets x reach every endpoint on 443. */
  public readonly connections: Connections;
  /** The group to attach to instances. */
  public readonly instanceSecurityGroup: SecurityGroup;
  public readonly interfaceEndpoints: VpcEndpoint[] = [];
  /** The existing S3 gateway this construct relies on (`s3Gateway.mode` reuse). */
  public readonly reusedS3Gateway?: DataAwsVpcEndpoint;
  public readonly s3GatewayMode: S3Gateway["mode"];
  /** What an S3 gateway policy on the instances' route tables must allow: the agent's buckets and the log bucket. */
  public readonly s3RequiredStatements: Statement[];
  /** The interface endpoints used but not created. */
  public readonly reusedEndpoints: ReusedEndpoint[] = [];
  public readonly s3PrefixList: DataAwsEc2ManagedPrefixList;
  /** The interface endpoints' own security group (`separate` layout, when endpoints are created). */
  public readonly endpointSecurityGroup?: SecurityGroup;
  public readonly endpointSubnetIds: string[];
  private readonly props: SessionManagerEndpointsProps;
  private readonly endpointAzCount?: number;
  private readonly interfaceScope: Construct;
  private gateway?: VpcEndpoint;

  constructor(scope: Construct, id: string, props: SessionManagerEndpointsProps) {
    super(scope, id);
    this.props = props;
    const { network, region } = props;
    const layout = props.layout ?? "separate";

    let azs: number | undefined;
    if (props.endpointSubnetIds) {
      this.endpointSubnetIds = props.endpointSubnetIds;
      azs = Token.isUnresolved(props.endpointSubnetIds) ? undefined : props.endpointSubnetIds.length;
    } else {
      const firstSubnetPerAz = new Map<string, string>();
      for (const s of network.subnets ?? [])
        if (!firstSubnetPerAz.has(s.availabilityZone)) firstSubnetPerAz.set(s.availabilityZone, s.id);
      azs = props.endpointAzs ?? firstSubnetPerAz.size;
      if (azs < 1 || azs > firstSubnetPerAz.size) {
        throw new Error(
          `SessionManagerEndpoints: endpointAzs ${azs} is not between 1 and the ${firstSubnetPerAz.size} AZs the private subnets cover`,
        );
      }
      this.endpointSubnetIds = [...firstSubnetPerAz.values()].slice(0, azs);
    }
    this.endpointAzCount = azs;

    this.s3PrefixList = new DataAwsEc2ManagedPrefixList(this, "S3PrefixList", { name: s3ServiceName(region) });

    const reuse = props.reuse ?? [];
    const created = props.services.filter((svc) => !reuse.some((r) => r.service.shortName === svc.shortName));
    const createsEndpoints = created.length > 0 || (props.endpointSecurityGroup ?? false);
    const clients = props.clients ?? {};
    if (layout === "shared" && ((clients.cidrs ?? []).length > 0 || (clients.securityGroupIds ?? []).length > 0))
      throw new Error(
        "SessionManagerEndpoints: the shared layout cannot admit clients besides its members (the group is also on the instances); use the separate layout",
      );

    this.instanceSecurityGroup = new SecurityGroup(this, "InstanceSecurityGroup", {
      vpcId: network.vpcId,
      name: `${props.namePrefix}-${layout === "shared" ? "session-manager" : "instances"}`,
      description:
        layout === "shared"
          ? "Session Manager: instances and endpoints; 443 between members, 443 to S3"
          : "Session Manager instances: no ingress; egress 443 to the SSM endpoints and S3 only",
      defaultPort: Port.HTTPS,
    });
    this.endpointSecurityGroup =
      layout === "shared" || !createsEndpoints
        ? undefined
        : new SecurityGroup(this, "EndpointSecurityGroup", {
            vpcId: network.vpcId,
            name: `${props.namePrefix}-ssm-endpoints`,
            description: endpointSecurityGroupDescription((clients.cidrs ?? []).length > 0),
            defaultPort: Port.HTTPS,
          });
    const endpointGroup = this.endpointSecurityGroup ?? this.instanceSecurityGroup;
    this.connections = endpointGroup.connections;
    if (createsEndpoints) {
      this.connections.allowDefaultPortFrom(
        this.instanceSecurityGroup,
        "HTTPS from Session Manager instances to the SSM endpoints",
      );
      this.admitClients(clients);
    }
    // S3 on 443 only. Port 80 is not opened: current agents find the log bucket's region with a signed HeadBucket
    // over HTTPS, then an anonymous HEAD over https, and try http only when https gets no response at all
    // (aws/amazon-ssm-agent agent/s3util/crossregion.go, getBucketRegion; signed request since 3.2.1186.0). The
    // port-80-first probe of aws/amazon-ssm-agent#241 was the old GetS3Header in agent/s3util/s3util.go, removed
    // when crossregion.go replaced it (2020).
    this.instanceSecurityGroup.connections.allowToPrefixList(
      "EgressHttpsToS3",
      this.s3PrefixList.id,
      Port.HTTPS,
      "HTTPS to S3 through the gateway endpoint (session logs, agent updates)",
    );

    this.interfaceScope = new Construct(this, "Interface");
    for (const service of created) this.addInterfaceEndpoint(service.shortName, service.shortName);
    if (reuse.length > 0) this.reuseEndpoints(reuse, network.vpcId, region);

    const s3: S3Gateway =
      props.s3Gateway ??
      (Token.isUnresolved(network.routeTableIds) || network.routeTableIds.length > 0
        ? { mode: "create-restrictive" }
        : { mode: "none" });
    this.s3GatewayMode = s3.mode;
    this.s3RequiredStatements = s3EndpointStatements(region, props.logBucket?.bucketArn, props.partition);
    if (s3.mode === "create-restrictive") this.addS3Gateway({ policy: renderPolicy(this.s3RequiredStatements) });
    else if (s3.mode === "create-full-access") this.addS3Gateway();
    else if (s3.mode === "reuse") this.reusedS3Gateway = this.readS3Gateway(s3.endpointId, network, region);
  }

  /** The S3 gateway endpoint this construct created (`s3Gateway.mode` create-*, or `addS3Gateway`). */
  public get s3Gateway(): VpcEndpoint | undefined {
    return this.gateway;
  }

  /** Monthly estimate; undefined when the region or the number of AZs is only known to Terraform. */
  public get cost(): EndpointCost | undefined {
    const azs = this.endpointAzCount;
    if (Token.isUnresolved(this.props.region) || azs === undefined) return undefined;
    return interfaceEndpointCost(this.props.region, this.interfaceEndpoints.length, azs);
  }

  /**
   * Adds an interface endpoint with private DNS in the endpoint subnets and the endpoints' security group, named
   * `<namePrefix>-<shortName>`, under the child `Interface/<id>`. `shortName` may be a Terraform value when
   * `forEach` (an iterator over service short names) makes it one resource per service.
   */
  public addInterfaceEndpoint(
    id: string,
    shortName: string,
    options: { readonly forEach?: ITerraformIterator } = {},
  ): VpcEndpoint {
    const { network, region, namePrefix } = this.props;
    const endpoint = new VpcEndpoint(this.interfaceScope, id, {
      forEach: options.forEach,
      vpcId: network.vpcId,
      serviceName: awsServiceName(region, shortName),
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: this.endpointSubnetIds,
      securityGroupIds: [this.connections.securityGroupId],
      tags: { Name: `${namePrefix}-${shortName}` },
    });
    this.interfaceEndpoints.push(endpoint);
    return endpoint;
  }

  /**
   * Adds the S3 gateway endpoint on `network.routeTableIds` (the child `S3Gateway`): with the AWS default
   * full-access policy unless `config.policy` is given (`renderPolicy(s3RequiredStatements)` is the restrictive
   * one); `count` and `lifecycle` as given. There is at most one.
   */
  public addS3Gateway(config: Pick<VpcEndpointConfig, "policy" | "count" | "lifecycle"> = {}): VpcEndpoint {
    if (this.gateway || this.reusedS3Gateway)
      throw new Error(`SessionManagerEndpoints ${this.node.path}: it has an S3 gateway already`);
    const { network, region, namePrefix } = this.props;
    this.gateway = new VpcEndpoint(this, "S3Gateway", {
      vpcId: network.vpcId,
      serviceName: s3ServiceName(region),
      vpcEndpointType: "Gateway",
      routeTableIds: [...network.routeTableIds],
      tags: { Name: `${namePrefix}-s3` },
      ...config,
    });
    return this.gateway;
  }

  /** Admits `clients` on 443 to the endpoints this construct creates: one rule per CIDR and per security group, keyed by value. */
  private admitClients(clients: NonNullable<SessionManagerEndpointsProps["clients"]>): void {
    for (const c of clients.cidrs ?? [])
      this.connections.allowFromCidr(
        `IngressHttpsFrom${c.replace(/[^0-9]/g, "x")}`,
        c,
        Port.HTTPS,
        `HTTPS to the SSM endpoints from ${c}: private DNS sends every workload there to them`,
      );
    for (const sg of clients.securityGroupIds ?? [])
      this.connections.allowFrom(
        SecurityGroup.fromSecurityGroupId(this, `Client${sg}`, sg),
        Port.HTTPS,
        `HTTPS to the SSM endpoints from ${sg}`,
      );
  }

  /** Reads the reused interface endpoints with plan-time checks, and writes the SG rules our instances need. */
  private reuseEndpoints(reuse: readonly ReusedEndpoint[], vpcId: string, region: string): void {
    const scope = new Construct(this, "Reused");
    const groupLists: string[] = [];
    for (const r of reuse) {
      const serviceName = r.service.serviceName(region);
      const d = new DataAwsVpcEndpoint(
        scope,
        r.service.shortName,
        r.endpointId ? { id: r.endpointId } : { vpcId, serviceName, state: "available" },
      );
      const what = r.endpointId ? `Endpoint ${r.endpointId}` : `The ${serviceName} endpoint of ${vpcId}`;
      checkOnPlan(d, [
        {
          condition: equals("vpc_id", vpcId),
          errorMessage: `${what} is in \${self.vpc_id}, not in the adopted VPC ${vpcId}.`,
        },
        {
          condition: equals("service_name", serviceName),
          errorMessage: `${what} is for \${self.service_name}, not ${serviceName}: give the endpoint of that service.`,
        },
        {
          condition: "self.private_dns_enabled",
          errorMessage: `${what} has private DNS off: instances would resolve ${r.service.shortName}.${region}.amazonaws.com to public addresses. Turn its private DNS on, or create the endpoint instead (interfaceEndpoints.${r.service.shortName}: create).`,
        },
      ]);
      groupLists.push(d.securityGroupIds as unknown as string);
    }
    this.reusedEndpoints.push(...reuse);
    // One rule per distinct group (endpoints often share one), keyed by group id so the list order does not matter.
    const groups = TerraformIterator.fromList(Fn.toset(Fn.flatten(groupLists)) as unknown as string[]);
    new VpcSecurityGroupEgressRule(scope, "EgressHttpsToReusedEndpoints", {
      forEach: groups,
      securityGroupId: this.instanceSecurityGroup.securityGroupId,
      referencedSecurityGroupId: groups.value as string,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS from Session Manager instances to the reused SSM endpoints",
    });
    // Added to the existing endpoint's group as a rule resource of its own: no existing rule is changed.
    new VpcSecurityGroupIngressRule(scope, "IngressHttpsFromInstances", {
      forEach: groups,
      securityGroupId: groups.value as string,
      referencedSecurityGroupId: this.instanceSecurityGroup.securityGroupId,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: `HTTPS from the Session Manager instances (${this.node.path}) to this endpoint`,
    });
  }

  private readS3Gateway(endpointId: string, network: EndpointsNetwork, region: string): DataAwsVpcEndpoint {
    const d = new DataAwsVpcEndpoint(this, "ReusedS3Gateway", { id: endpointId });
    const serviceName = s3ServiceName(region);
    const tables = Token.isUnresolved(network.routeTableIds) ? [] : [...network.routeTableIds];
    checkOnPlan(d, [
      {
        condition: [
          equals("vpc_id", network.vpcId),
          equals("service_name", serviceName),
          equals("vpc_endpoint_type", "Gateway"),
        ].join(" && "),
        errorMessage: `Endpoint ${endpointId} (\${self.service_name}, \${self.vpc_endpoint_type}, in \${self.vpc_id}) is not the S3 gateway endpoint of ${network.vpcId}.`,
      },
      ...(tables.length > 0
        ? [
            {
              condition: containsAll("route_table_ids", tables),
              errorMessage: `S3 gateway ${endpointId} is not attached to every listed route table (${tables.join(", ")}; it has \${join(", ", self.route_table_ids)}): the instances' S3 traffic would not use it.`,
            },
          ]
        : []),
    ]);
    return d;
  }
}
