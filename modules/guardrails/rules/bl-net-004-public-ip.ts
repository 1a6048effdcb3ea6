import { blocks, isFalseOrUnset, isTrue, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";

export class NoPublicIp extends GuardrailRule {
  public readonly id = "BL-NET-004";
  public readonly category = "network";
  public readonly severity = "error";
  public readonly title = "Instance, launch template or subnet gives instances a public IP";
  public readonly why =
    "Instances reached through Session Manager need no public address; a public IP makes them reachable from the internet as soon as any rule or agent listens.";
  public readonly fix =
    "Set associate_public_ip_address = false (or leave it unset in a private subnet), map_public_ip_on_launch = false, and do not attach an Elastic IP.";
  public readonly resourceTypes = [
    "aws_instance",
    "aws_launch_template",
    "aws_subnet",
    "aws_eip",
    "aws_eip_association",
  ];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const i of model.resources("aws_instance")) {
      if (!isFalseOrUnset(i.config.associate_public_ip_address))
        findings.push({
          block: i,
          detail: `associate_public_ip_address = ${JSON.stringify(i.config.associate_public_ip_address)}`,
        });
    }
    for (const lt of model.resources("aws_launch_template")) {
      blocks(lt.config.network_interfaces).forEach((ni, n) => {
        if (!isFalseOrUnset(ni.associate_public_ip_address)) {
          findings.push({
            block: lt,
            detail: `network_interfaces[${n}].associate_public_ip_address = ${JSON.stringify(ni.associate_public_ip_address)}`,
          });
        }
      });
    }
    for (const s of model.resources("aws_subnet")) {
      if (isTrue(s.config.map_public_ip_on_launch))
        findings.push({ block: s, detail: "map_public_ip_on_launch = true" });
    }
    for (const e of model.resources("aws_eip")) {
      if (e.config.instance !== undefined || e.config.network_interface !== undefined)
        findings.push({ block: e, detail: "Elastic IP attached to an instance or network interface" });
    }
    for (const a of model.resources("aws_eip_association"))
      findings.push({ block: a, detail: "Elastic IP association" });
    return findings;
  }
}
