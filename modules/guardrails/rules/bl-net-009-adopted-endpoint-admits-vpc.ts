import { isTrue, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { checkedVpcCidr, cidrContains, isAdopted, referencedGroups } from "./adopted-network";
import { coversPort, securityGroupRules } from "./security-group-rules";

export class AdoptedEndpointAdmitsVpc extends GuardrailRule {
  public readonly id = "BL-NET-009";
  public readonly category = "network";
  public readonly severity = "error";
  public readonly title = "Private-DNS endpoint in an adopted VPC does not admit the VPC CIDR";
  public readonly why =
    "Private DNS answers the whole VPC: once the endpoint exists, every instance, container and Lambda in the VPC resolves the service name to it. If its security group admits only the Session Manager instances, everything else in the VPC that calls the service (Parameter Store, CloudWatch Logs, KMS) times out.";
  public readonly fix =
    "Admit 443 from the VPC CIDR on the endpoint's security group (what adopted VPCs get by default), or reuse the VPC's existing endpoint (interfaceEndpoints.<service>: reuse).";
  public readonly resourceTypes = ["aws_vpc_endpoint", "aws_security_group", "aws_vpc_security_group_ingress_rule"];

  public evaluate(model: StackModel): Finding[] {
    const out: Finding[] = [];
    const ingress = securityGroupRules(model).filter((r) => r.direction === "ingress" && coversPort(r, 443, ["tcp"]));
    for (const e of model.resources("aws_vpc_endpoint")) {
      if (String(e.config.vpc_endpoint_type ?? "").toLowerCase() !== "interface") continue;
      if (!isTrue(e.config.private_dns_enabled) || !isAdopted(e.config.vpc_id, model)) continue;
      const groups = referencedGroups(e.config.security_group_ids, model);
      if (groups.length === 0) continue; // its groups are not in this stack: nothing to read
      const vpcCidr = checkedVpcCidr(e.config.vpc_id, model);
      const cidrs = groups.flatMap((g) =>
        ingress
          .filter((r) => r.block === g || r.block.config.security_group_id === `\${${g.address}.id}`)
          .flatMap((r) => r.cidrs),
      );
      const admits = vpcCidr ? cidrs.some((c) => cidrContains(c, vpcCidr)) : cidrs.length > 0;
      if (!admits)
        out.push({
          block: e,
          detail: `${String(e.config.service_name)} in ${String(e.config.vpc_id)}: its security groups admit 443 ${
            cidrs.length ? `only from ${cidrs.join(", ")}` : "only from security groups"
          }, not from the VPC CIDR${vpcCidr ? ` ${vpcCidr}` : ""}`,
        });
    }
    return out;
  }
}
