import { DataAwsRouteTable, DataAwsSubnet, DataAwsVpc } from "../core/aws";
import { Construct } from "../core/cdktf";
import { checkOnPlan, equals } from "../core/plan-checks";
import type { IPrivateNetwork } from "./vpc";

export interface AdoptedVpcProps {
  readonly vpcId: string;
  /** The VPC's primary IPv4 CIDR, as the config states it (checked at plan time). */
  readonly cidr: string;
  /** The private subnets, each with the AZ and CIDR the config states (checked at plan time). */
  readonly subnets: readonly { readonly id: string; readonly availabilityZone: string; readonly cidr: string }[];
  /** Route tables of the private subnets (checked at plan time to be in the VPC). @default - none */
  readonly routeTableIds?: readonly string[];
}

/**
 * An existing VPC, adopted by ids: nothing is created or changed. Every id is read with a data source whose
 * postconditions make `terraform plan` fail, with a message naming the id and the fix, before anything is applied:
 * - the VPC has DNS support and DNS hostnames on (endpoint private DNS needs both) and the configured CIDR;
 * - every subnet is in the VPC, in the configured AZ, with the configured CIDR;
 * - every route table is in the VPC.
 */
export class AdoptedVpc extends Construct implements IPrivateNetwork {
  public readonly vpcId: string;
  public readonly cidr: string;
  public readonly subnets: { id: string; availabilityZone: string }[];
  public readonly routeTableIds: string[];
  public readonly vpc: DataAwsVpc;

  constructor(scope: Construct, id: string, props: AdoptedVpcProps) {
    super(scope, id);
    const vpcId = props.vpcId;
    this.vpcId = vpcId;
    this.cidr = props.cidr;
    this.subnets = props.subnets.map((s) => ({ id: s.id, availabilityZone: s.availabilityZone }));
    this.routeTableIds = [...(props.routeTableIds ?? [])];

    this.vpc = new DataAwsVpc(this, "Resource", { id: vpcId });
    checkOnPlan(this.vpc, [
      {
        condition: "self.enable_dns_support",
        errorMessage: `VPC ${vpcId} has DNS support (enableDnsSupport) off: interface endpoints with private DNS need it. Turn it on (aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-support) or adopt another VPC.`,
      },
      {
        condition: "self.enable_dns_hostnames",
        errorMessage: `VPC ${vpcId} has DNS hostnames (enableDnsHostnames) off: interface endpoints with private DNS need it. Turn it on (aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-hostnames) or adopt another VPC.`,
      },
      {
        condition: equals("cidr_block", props.cidr),
        errorMessage: `VPC ${vpcId} has the CIDR \${self.cidr_block}, but the environment file says ${props.cidr}: correct vpcs[].cidr (endpoint and NACL rules are derived from it).`,
      },
    ]);

    const subnets = new Construct(this, "Subnet");
    for (const s of props.subnets) {
      const d = new DataAwsSubnet(subnets, s.id, { id: s.id });
      checkOnPlan(d, [
        {
          condition: equals("vpc_id", vpcId),
          errorMessage: `Subnet ${s.id} is in \${self.vpc_id}, not in the adopted VPC ${vpcId}: list only that VPC's private subnets.`,
        },
        {
          condition: equals("availability_zone", s.availabilityZone),
          errorMessage: `Subnet ${s.id} is in \${self.availability_zone}, but the environment file says ${s.availabilityZone}: correct its availabilityZone.`,
        },
        {
          condition: equals("cidr_block", s.cidr),
          errorMessage: `Subnet ${s.id} has the CIDR \${self.cidr_block}, but the environment file says ${s.cidr}: correct its cidr.`,
        },
      ]);
    }
    const tables = new Construct(this, "RouteTable");
    for (const rt of this.routeTableIds) {
      const d = new DataAwsRouteTable(tables, rt, { routeTableId: rt });
      checkOnPlan(d, [
        {
          condition: equals("vpc_id", vpcId),
          errorMessage: `Route table ${rt} is in \${self.vpc_id}, not in the adopted VPC ${vpcId}: list only that VPC's route tables.`,
        },
      ]);
    }
  }
}
