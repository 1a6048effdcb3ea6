import type { StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { at, securityGroupRules } from "./security-group-rules";

const ANYWHERE = ["0.0.0.0/0", "::/0"];

export class NoIngressFromAnywhere extends GuardrailRule {
  public readonly id = "BL-NET-001";
  public readonly category = "network";
  public readonly severity = "error";
  public readonly title = "Security group ingress from anywhere";
  public readonly why =
    "Session Manager needs no inbound access at all; an ingress rule open to 0.0.0.0/0 or ::/0 exposes the instance or endpoint to every address that can route to it.";
  public readonly fix =
    "Remove the rule, or allow a specific security group or private CIDR instead of 0.0.0.0/0 / ::/0.";
  public readonly resourceTypes = [
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
  ];

  public evaluate(model: StackModel): Finding[] {
    return securityGroupRules(model)
      .filter((r) => r.direction === "ingress")
      .flatMap((r) =>
        r.cidrs
          .filter((c) => ANYWHERE.includes(c))
          .map((c) => ({ block: r.block, detail: `ingress from ${c}${at(r)}` })),
      );
  }
}
