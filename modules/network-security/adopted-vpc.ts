import { DataAwsRouteTable, DataAwsSubnet, DataAwsVpc } from "../core/aws";
import { Construct } from "../core/cdktf";
import { checkOnPlan, equals, noUncoveredCidrBlocks, uncoveredCidrBlocks, type PlanCheck } from "../core/plan-checks";
import type { IPrivateNetwork } from "./vpc";

export interface AdoptedVpcProps {
  readonly vpcId: string;
  /** The VPC's primary IPv4 CIDR, as the config states it (checked at plan time). */
  readonly cidr: string;
  /** The private subnets, each with the AZ and CIDR the config states (checked at plan time). */
  readonly subnets: readonly { readonly id: string; readonly availabilityZone: string; readonly cidr: string }[];
  /** Route tables of the private subnets (checked at plan time to be in the VPC). @default - none */
  readonly routeTableIds?: readonly string[];
  /**
   * The interface endpoints with private DNS this stack creates in the VPC. Their private DNS answers the whole VPC,
   * so the plan fails when the VPC has a secondary IPv4 CIDR block (associated or associating) that no CIDR of
   * `admittedCidrs` or `cutOffCidrs` contains: its workloads would resolve the services to endpoints that drop them.
   * @default - this stack creates no interface endpoints (it reuses them, or needs none): the VPC's DNS does not
   * change, so secondary blocks are not checked
   */
  readonly createdEndpoints?: CreatedPrivateDnsEndpoints;
}

/** What `AdoptedVpc` needs to know of the interface endpoints a stack creates in it. */
export interface CreatedPrivateDnsEndpoints {
  /** Short names of the created services (ssm, ssmmessages, ec2messages, logs, kms), for the message. */
  readonly services: readonly string[];
  /** The CIDRs the endpoints' security group admits on 443 (the primary CIDR and the extra clients). */
  readonly admittedCidrs: readonly string[];
  /** Secondary blocks left without the endpoints on purpose (an explicit opt-in). @default - none */
  readonly cutOffCidrs?: readonly string[];
  /** How to admit a block, ending the message. @default - admit it to the endpoints' security group */
  readonly howToFix?: string;
}

/** What stops working for a workload whose DNS sends a service to an endpoint that drops it. */
const LOST: Record<string, string> = {
  ssm: "SSM (the SSM Agent goes offline: no Session Manager, Run Command or patching)",
  ssmmessages: "SSM (the SSM Agent goes offline: no Session Manager, Run Command or patching)",
  ec2messages: "SSM (the SSM Agent goes offline: no Session Manager, Run Command or patching)",
  logs: "CloudWatch Logs",
  kms: "KMS",
};

const and = (items: readonly string[]): string =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

/**
 * The plan-time check of secondary CIDR blocks: creating interface endpoints with private DNS in a VPC switches every
 * workload's DNS for those services to them, so a block the endpoints do not admit loses the services.
 */
export function secondaryBlocksCheck(vpcId: string, e: CreatedPrivateDnsEndpoints): PlanCheck {
  const covering = JSON.stringify([...e.admittedCidrs, ...(e.cutOffCidrs ?? [])]);
  const lost = and([...new Set(e.services.map((s) => LOST[s] ?? s))]);
  return {
    condition: noUncoveredCidrBlocks(covering),
    errorMessage:
      `VPC ${vpcId} has the secondary CIDR block(s) \${join(", ", ${uncoveredCidrBlocks(covering)})}, which the ` +
      `interface endpoints this stack creates do not admit (their security group allows 443 from ` +
      `${e.admittedCidrs.join(", ")} only). Their private DNS answers the whole VPC: after apply, workloads in those ` +
      `blocks resolve the ${and(e.services)} service names to the new endpoints, are dropped on 443, ` +
      `and lose ${lost}. ` +
      `${e.howToFix ?? "Admit each block (or a CIDR containing it) to the endpoints' security group."}`,
  };
}

/**
 * An existing VPC, adopted by ids: nothing is created or changed. Every id is read with a data source whose
 * postconditions make `terraform plan` fail, with a message naming the id and the fix, before anything is applied:
 * - the VPC has DNS support and DNS hostnames on (endpoint private DNS needs both) and the configured CIDR;
 * - when the stack creates interface endpoints (`createdEndpoints`), every secondary CIDR block of the VPC is admitted
 *   by them (or cut off on purpose);
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
      ...(props.createdEndpoints ? [secondaryBlocksCheck(vpcId, props.createdEndpoints)] : []),
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
