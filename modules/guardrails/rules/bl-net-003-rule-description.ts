import type { StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { at, securityGroupRules } from "./security-group-rules";

export class SecurityGroupRuleDescribed extends GuardrailRule {
  public readonly id = "BL-NET-003";
  public readonly category = "network";
  public readonly severity = "warning";
  public readonly title = "Security group rule without a description";
  public readonly why =
    "Reviewers and incident responders read the description to know why a path is open; an undescribed rule is one nobody can safely remove.";
  public readonly fix = "Give the rule a `description` that says which traffic it is for.";
  public readonly resourceTypes = [
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
  ];

  public evaluate(model: StackModel): Finding[] {
    return securityGroupRules(model)
      .filter((r) => typeof r.description !== "string" || r.description.trim() === "")
      .map((r) => ({ block: r.block, detail: `${r.direction} rule has no description${at(r)}` }));
  }
}
