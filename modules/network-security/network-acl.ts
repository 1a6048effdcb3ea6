import { NetworkAcl as NetworkAclResource, NetworkAclRule } from "../core/aws";
import { Construct, Token } from "../core/cdktf";

export interface NetworkAclProps {
  readonly vpcId: string;
  readonly name: string;
  /** Subnets the NACL is associated with (it replaces their current association). */
  readonly subnetIds: readonly string[];
  /** The VPC CIDR: instances and endpoint ENIs talk to each other inside it. */
  readonly vpcCidr: string;
  /**
   * The regional S3 CIDRs (NACLs cannot reference prefix lists): a Terraform list expression, e.g. the entries of
   * the `com.amazonaws.<region>.s3` managed prefix list. @default - no S3 rules
   */
  readonly s3Cidrs?: string;
}

/** Ephemeral ports of return traffic (Linux uses 32768-60999, Windows 49152-65535; AWS recommends 1024-65535). */
export const EPHEMERAL = { from: 1024, to: 65535 } as const;

/**
 * The stateless NACL of the private subnets. Each flow needs both directions:
 * - instances → endpoints and S3: outbound 443, inbound ephemeral return traffic;
 * - endpoint ENIs answering instances: inbound 443, outbound ephemeral.
 * Nothing else is allowed (the implicit deny). Rule numbers are fixed: 100 (VPC 443), 110 (VPC ephemeral),
 * 200+ (one per S3 CIDR, in sorted order). Traffic to the Amazon DNS server and IMDS is not filtered by NACLs.
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

    if (props.s3Cidrs) {
      // One rule per S3 CIDR (known at plan time from the data source), keyed by CIDR and numbered by sorted position.
      const sorted = `sort(${props.s3Cidrs})`;
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
