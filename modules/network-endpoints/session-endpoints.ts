import { DataAwsEc2ManagedPrefixList, VpcEndpoint } from "../core/aws";
import { Construct, TerraformIterator, Token } from "../core/cdktf";
import { renderPolicy, type Statement } from "../core/iam";
import { Connections, type IConnectable, Port } from "../network-security/connections";
import { SecurityGroup } from "../network-security/security-group";
import type { IPrivateNetwork } from "../network-security/vpc";
import { interfaceEndpointCost, type EndpointCost } from "./cost";
import type { EndpointService } from "./service";

export type SecurityGroupLayout = "separate" | "shared";

export interface SessionManagerEndpointsProps {
  readonly network: IPrivateNetwork;
  readonly region: string;
  /** Physical name prefix, e.g. `bastionless-dev-main`. */
  readonly namePrefix: string;
  /**
   * The interface endpoints. Either typed services, or (registry modules) a Terraform list of service short names
   * (`ssm`, `ssmmessages`, ...), which becomes one `for_each` endpoint resource.
   */
  readonly services: readonly EndpointService[] | { readonly terraformList: string[] };
  /** How many AZs get an endpoint ENI. @default - every AZ with a private subnet */
  readonly endpointAzs?: number;
  /**
   * The subnets (one per AZ) for the endpoint ENIs, overriding the choice from `network.subnets` and `endpointAzs`;
   * may be a Terraform list. @default - the first private subnet of each of the first `endpointAzs` AZs
   */
  readonly endpointSubnetIds?: string[];
  /** @default "separate" */
  readonly layout?: SecurityGroupLayout;
  /** The session-log bucket ARN the S3 gateway endpoint policy allows writing to. @default - S3 logging off */
  readonly logBucketArn?: string;
}

/**
 * AWS-owned buckets SSM Agent reads in its region (agent updates, documents, patching, distributor), from the AWS
 * page "SSM Agent communications with AWS managed S3 buckets" (ssm-agent-minimum-s3-permissions). An S3 gateway
 * endpoint policy that omits them breaks agent self-update.
 */
export function agentBucketArns(region: string): string[] {
  return [
    `arn:aws:s3:::aws-ssm-${region}/*`,
    `arn:aws:s3:::aws-windows-downloads-${region}/*`,
    `arn:aws:s3:::amazon-ssm-${region}/*`,
    `arn:aws:s3:::amazon-ssm-packages-${region}/*`,
    `arn:aws:s3:::${region}-birdwatcher-prod/*`,
    `arn:aws:s3:::aws-ssm-distributor-file-${region}/*`,
    `arn:aws:s3:::aws-ssm-document-attachments-${region}/*`,
    `arn:aws:s3:::patch-baseline-snapshot-${region}/*`,
    `arn:aws:s3:::aws-patchmanager-macos-${region}/*`,
  ];
}

/** The S3 gateway endpoint policy: the agent's buckets, and writes to the session-log bucket. */
export function s3EndpointStatements(region: string, logBucketArn?: string): Statement[] {
  const statements: Statement[] = [
    {
      sid: "SsmAgentBuckets",
      effect: "Allow",
      principals: { AWS: ["*"] },
      actions: ["s3:GetObject"],
      resources: agentBucketArns(region),
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
  public readonly s3Gateway?: VpcEndpoint;
  public readonly s3PrefixList: DataAwsEc2ManagedPrefixList;
  /** Monthly estimate; undefined when the region or the number of AZs is only known to Terraform. */
  public readonly cost?: EndpointCost;
  public readonly endpointSubnetIds: string[];

  constructor(scope: Construct, id: string, props: SessionManagerEndpointsProps) {
    super(scope, id);
    const { network, region } = props;
    const layout = props.layout ?? "separate";

    let azs: number | undefined;
    if (props.endpointSubnetIds) {
      this.endpointSubnetIds = props.endpointSubnetIds;
      azs = Token.isUnresolved(props.endpointSubnetIds) ? undefined : props.endpointSubnetIds.length;
    } else {
      const firstSubnetPerAz = new Map<string, string>();
      for (const s of network.subnets)
        if (!firstSubnetPerAz.has(s.availabilityZone)) firstSubnetPerAz.set(s.availabilityZone, s.id);
      azs = props.endpointAzs ?? firstSubnetPerAz.size;
      if (azs < 1 || azs > firstSubnetPerAz.size) {
        throw new Error(
          `SessionManagerEndpoints: endpointAzs ${azs} is not between 1 and the ${firstSubnetPerAz.size} AZs the private subnets cover`,
        );
      }
      this.endpointSubnetIds = [...firstSubnetPerAz.values()].slice(0, azs);
    }

    this.s3PrefixList = new DataAwsEc2ManagedPrefixList(this, "S3PrefixList", { name: `com.amazonaws.${region}.s3` });

    this.instanceSecurityGroup = new SecurityGroup(this, "InstanceSecurityGroup", {
      vpcId: network.vpcId,
      name: `${props.namePrefix}-${layout === "shared" ? "session-manager" : "instances"}`,
      description:
        layout === "shared"
          ? "Session Manager: instances and endpoints; 443 between members, 443 to S3"
          : "Session Manager instances: no ingress; egress 443 to the SSM endpoints and S3 only",
      defaultPort: Port.HTTPS,
    });
    const endpointGroup =
      layout === "shared"
        ? this.instanceSecurityGroup
        : new SecurityGroup(this, "EndpointSecurityGroup", {
            vpcId: network.vpcId,
            name: `${props.namePrefix}-ssm-endpoints`,
            description: "Session Manager interface endpoints: ingress 443 from the instance security group only",
            defaultPort: Port.HTTPS,
          });
    this.connections = endpointGroup.connections;
    this.connections.allowDefaultPortFrom(
      this.instanceSecurityGroup,
      "HTTPS from Session Manager instances to the SSM endpoints",
    );
    this.instanceSecurityGroup.connections.allowToPrefixList(
      "EgressHttpsToS3",
      this.s3PrefixList.id,
      Port.HTTPS,
      "HTTPS to S3 through the gateway endpoint (session logs, agent updates)",
    );

    const endpoints = new Construct(this, "Interface");
    const endpoint = (id: string, shortName: string, forEach?: TerraformIterator) =>
      new VpcEndpoint(endpoints, id, {
        forEach,
        vpcId: network.vpcId,
        serviceName: `com.amazonaws.${region}.${shortName}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: this.endpointSubnetIds,
        securityGroupIds: [endpointGroup.securityGroupId],
        tags: { Name: `${props.namePrefix}-${shortName}` },
      });
    let endpointCount: number | undefined;
    if ("terraformList" in props.services) {
      const each = TerraformIterator.fromList(props.services.terraformList);
      this.interfaceEndpoints.push(endpoint("Endpoint", each.value as string, each));
    } else {
      for (const service of props.services)
        this.interfaceEndpoints.push(endpoint(service.shortName, service.shortName));
      endpointCount = props.services.length;
    }

    if (Token.isUnresolved(network.routeTableIds) || network.routeTableIds.length > 0) {
      this.s3Gateway = new VpcEndpoint(this, "S3Gateway", {
        vpcId: network.vpcId,
        serviceName: `com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: [...network.routeTableIds],
        policy: renderPolicy(s3EndpointStatements(region, props.logBucketArn)),
        tags: { Name: `${props.namePrefix}-s3` },
      });
    }
    if (!Token.isUnresolved(region) && azs !== undefined && endpointCount !== undefined)
      this.cost = interfaceEndpointCost(region, endpointCount, azs);
  }
}
