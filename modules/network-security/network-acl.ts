import { type DataAwsEc2ManagedPrefixList, NetworkAcl as NetworkAclResource, NetworkAclRule } from "../core/aws";
import { Construct, Token } from "../core/cdktf";
import { compareText } from "../core/order";

export interface NetworkAclProps {
  readonly vpcId: string;
  readonly name: string;
  /** Subnets the NACL is associated with (it replaces their current association). */
  readonly subnetIds: readonly string[];
  /** The VPC CIDR: instances and endpoint ENIs talk to each other inside it. */
  readonly vpcCidr: string;
  /**
   * The regional S3 managed prefix list (`com.amazonaws.<region>.s3`): NACLs cannot reference prefix lists, so
   * its entries' CIDRs become rules. @default - no S3 rules
   */
  readonly s3PrefixList?: DataAwsEc2ManagedPrefixList;
  /**
   * Further flows the NACL must keep (declared in config: port-forward targets, extra endpoint clients), each in
   * both directions: the port one way, ephemeral return traffic the other. @default - none
   */
  readonly flows?: readonly NaclFlow[];
}

/** A flow a NACL keeps: `outbound` from the subnets to `cidr` on `port`, or `inbound` from `cidr` to the subnets. */
export interface NaclFlow {
  readonly direction: "outbound" | "inbound";
  readonly cidr: string;
  readonly port: number;
}

/** Ephemeral ports of return traffic (Linux uses 32768-60999, Windows 49152-65535; AWS recommends 1024-65535). */
export const EPHEMERAL = { from: 1024, to: 65535 } as const;

/**
 * The stateless NACL of the private subnets. Each flow needs both directions:
 * - instances → endpoints and S3: outbound 443, inbound ephemeral return traffic;
 * - endpoint ENIs answering instances: inbound 443, outbound ephemeral.
 * - each declared flow: its port one way, ephemeral return traffic the other.
 * Nothing else is allowed (the implicit deny). Rule numbers are fixed: 100 (VPC 443), 110 (VPC ephemeral),
 * 200+ (one per S3 CIDR, in sorted order), 1000+ (declared flows, two numbers each, in sorted order; construct ids
 * are keyed by the flow, so reordering the config changes nothing). Traffic to the Amazon DNS server and IMDS is
 * not filtered by NACLs.
 */
export class NetworkAcl extends Construct {
  public readonly resource: NetworkAclResource;

  constructor(scope: Construct, id: string, props: NetworkAclProps) {
    super(scope, id);
    this.resource = new NetworkAclResource(this, "Resource", {
      vpcId: props.vpcId,
      subnetIds: [...props.subnetIds],
      tags: { Name: props.name },
    });
    const rule = (ruleId: string, egress: boolean, ruleNumber: number, cidrBlock: string, from: number, to: number) =>
      new NetworkAclRule(this, ruleId, {
        networkAclId: this.resource.id,
        egress,
        ruleNumber,
        ruleAction: "allow",
        protocol: "tcp",
        cidrBlock,
        fromPort: from,
        toPort: to,
      });
    rule("IngressHttpsFromVpc", false, 100, props.vpcCidr, 443, 443);
    rule("IngressEphemeralFromVpc", false, 110, props.vpcCidr, EPHEMERAL.from, EPHEMERAL.to);
    rule("EgressHttpsToVpc", true, 100, props.vpcCidr, 443, 443);
    rule("EgressEphemeralToVpc", true, 110, props.vpcCidr, EPHEMERAL.from, EPHEMERAL.to);

    const flows = [...new Map((props.flows ?? []).map((f) => [`${f.direction}-${f.cidr}-${f.port}`, f])).values()];
    flows.sort((a, b) => compareText(a.direction, b.direction) || compareText(a.cidr, b.cidr) || a.port - b.port);
    const flowScope = new Construct(this, "Flow");
    flows.forEach((f, i) => {
      const key = `${f.direction}-${f.cidr.replace(/[./]/g, "-")}-${f.port}`;
      const out = f.direction === "outbound";
      new NetworkAclRule(flowScope, `${key}-port`, {
        networkAclId: this.resource.id,
        egress: out,
        ruleNumber: 1000 + 2 * i,
        ruleAction: "allow",
        protocol: "tcp",
        cidrBlock: f.cidr,
        fromPort: f.port,
        toPort: f.port,
      });
      new NetworkAclRule(flowScope, `${key}-return`, {
        networkAclId: this.resource.id,
        egress: !out,
        ruleNumber: 1001 + 2 * i,
        ruleAction: "allow",
        protocol: "tcp",
        cidrBlock: f.cidr,
        fromPort: EPHEMERAL.from,
        toPort: EPHEMERAL.to,
      });
    });

    if (props.s3PrefixList) {
      // One rule per S3 CIDR (known at plan time from the data source), keyed by CIDR and numbered by sorted position.
      const list = `data.${props.s3PrefixList.terraformResourceType}.${props.s3PrefixList.friendlyUniqueId}`;
      const sorted = `sort([for e in ${list}.entries : e.cidr])`;
      const s3Rule = (ruleId: string, egress: boolean, from: number, to: number) => {
        const r = new NetworkAclRule(this, ruleId, {
          networkAclId: this.resource.id,
          egress,
          ruleNumber: Token.asNumber(`\${200 + index(${sorted}, each.value)}`),
          ruleAction: "allow",
          protocol: "tcp",
          cidrBlock: "${each.value}",
          fromPort: from,
          toPort: to,
        });
        r.addOverride("for_each", `\${toset(${sorted})}`);
      };
      s3Rule("EgressHttpsToS3", true, 443, 443);
      s3Rule("IngressEphemeralFromS3", false, EPHEMERAL.from, EPHEMERAL.to);
    }
  }
}
