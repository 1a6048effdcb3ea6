import {
  CloudwatchLogGroup,
  DefaultSecurityGroup,
  FlowLog,
  IamRole,
  IamRolePolicy,
  RouteTable,
  RouteTableAssociation,
  Subnet,
  Vpc,
} from "../core/aws";
import { Construct } from "../core/cdktf";
import { afterKeyPolicy, type IEncryptionKey } from "../core/kms";
import { arn, renderPolicy, type AccountScope } from "../core/iam";

/** The Name tag suffix of a created VPC's default security group, which PrivateVpc strips of every rule. */
export const DEFAULT_SECURITY_GROUP_SUFFIX = "-default-unused";

/** What the endpoint, NACL and instance modules need to know about a VPC, created or adopted. */
export interface IPrivateNetwork {
  readonly vpcId: string;
  readonly cidr: string;
  /** Private subnets, in config order. */
  readonly subnets: readonly { readonly id: string; readonly availabilityZone: string }[];
  readonly routeTableIds: readonly string[];
}

export interface PrivateVpcProps extends AccountScope {
  readonly name: string;
  readonly cidr: string;
  readonly subnets: readonly { readonly cidr: string; readonly availabilityZone: string }[];
  /** The key of the flow-log group (created after the key's policy, which must admit CloudWatch Logs). */
  readonly flowLogKey: IEncryptionKey;
  readonly flowLogRetentionDays: number;
  readonly flowLogGroupName: string;
  /**
   * Name of the flow-log delivery role (a CI role that may pass only roles of its own name prefix can then pass it
   * to vpc-flow-logs.amazonaws.com). @default - a name Terraform generates from the prefix `flow-logs-`
   */
  readonly flowLogRoleName?: string;
  /** Permissions boundary of the flow-log delivery role. @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
}

/**
 * A private-only VPC: DNS support and hostnames on (needed by endpoint private DNS), private subnets across the
 * configured AZs with one route table each, no internet gateway, no NAT, the default security group stripped of
 * all rules, and VPC flow logs to a KMS-encrypted log group.
 */
export class PrivateVpc extends Construct implements IPrivateNetwork {
  public readonly vpc: Vpc;
  public readonly vpcId: string;
  public readonly cidr: string;
  public readonly subnets: { id: string; availabilityZone: string }[] = [];
  public readonly routeTableIds: string[] = [];

  constructor(scope: Construct, id: string, props: PrivateVpcProps) {
    super(scope, id);
    this.cidr = props.cidr;
    this.vpc = new Vpc(this, "Resource", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    this.vpcId = this.vpc.id;
    // No ingress or egress blocks: Terraform removes every rule of the default security group.
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", {
      vpcId: this.vpcId,
      tags: { Name: `${props.name}${DEFAULT_SECURITY_GROUP_SUFFIX}` },
    });

    // Construct ids are keyed by CIDR (unique in the VPC), never by list position: reordering the subnets in the
    // environment file leaves every address as it was.
    const subnets = new Construct(this, "PrivateSubnets");
    for (const s of props.subnets) {
      const subnetName = `${props.name}-private-${s.availabilityZone}-${s.cidr.replace(/[./]/g, "-")}`;
      const scope = new Construct(subnets, s.cidr.replace("/", "_"));
      const subnet = new Subnet(scope, "Subnet", {
        vpcId: this.vpcId,
        cidrBlock: s.cidr,
        availabilityZone: s.availabilityZone,
        mapPublicIpOnLaunch: false,
        tags: { Name: subnetName, Tier: "private" },
      });
      const table = new RouteTable(scope, "RouteTable", { vpcId: this.vpcId, tags: { Name: subnetName } });
      new RouteTableAssociation(scope, "RouteTableAssociation", { subnetId: subnet.id, routeTableId: table.id });
      this.subnets.push({ id: subnet.id, availabilityZone: s.availabilityZone });
      this.routeTableIds.push(table.id);
    }

    const logGroup = new CloudwatchLogGroup(this, "FlowLogGroup", {
      name: props.flowLogGroupName,
      retentionInDays: props.flowLogRetentionDays,
      kmsKeyId: props.flowLogKey.keyArn,
      skipDestroy: true,
      dependsOn: afterKeyPolicy(props.flowLogKey),
    });
    const role = new IamRole(this, "FlowLogRole", {
      ...(props.flowLogRoleName ? { name: props.flowLogRoleName } : { namePrefix: "flow-logs-" }),
      permissionsBoundary: props.permissionsBoundaryArn,
      assumeRolePolicy: renderPolicy([
        {
          effect: "Allow",
          principals: { Service: ["vpc-flow-logs.amazonaws.com"] },
          actions: ["sts:AssumeRole"],
          conditions: {
            StringEquals: { "aws:SourceAccount": props.account },
            ArnLike: { "aws:SourceArn": arn(props, "ec2", "vpc-flow-log/*") },
          },
        },
      ]),
    });
    new IamRolePolicy(this, "FlowLogPolicy", {
      role: role.id,
      policy: renderPolicy([
        {
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`${logGroup.arn}:*`],
        },
      ]),
    });
    new FlowLog(this, "FlowLog", {
      vpcId: this.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}
