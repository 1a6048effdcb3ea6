import type { StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { at, coversPort, securityGroupRules } from "./security-group-rules";

/** SSH is TCP only; RDP also runs over UDP 3389. */
const ADMIN_PORTS = [
  { port: 22, name: "SSH", protocols: ["tcp"] },
  { port: 3389, name: "RDP", protocols: ["tcp", "udp"] },
] as const;

export class NoAdminPortIngress extends GuardrailRule {
  public readonly id = "BL-NET-002";
  public readonly category = "network";
  public readonly severity = "error";
  public readonly title = "Security group ingress on SSH (22) or RDP (3389)";
  public readonly why =
    "Sessions, SSH and RDP all travel inside the agent's outbound HTTPS channel; an inbound admin port is the bastion pattern this project replaces, whatever its source.";
  public readonly fix =
    "Remove the rule and connect with `aws ssm start-session` (SSH and RDP can be tunnelled through a session).";
  public readonly resourceTypes = [
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
  ];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const r of securityGroupRules(model).filter((x) => x.direction === "ingress")) {
      const hit = ADMIN_PORTS.filter((p) => coversPort(r, p.port, p.protocols));
      if (hit.length > 0) {
        const ports =
          r.protocol === "-1" || r.protocol.toLowerCase() === "all"
            ? "all traffic"
            : `ports ${r.fromPort}-${r.toPort}/${r.protocol}`;
        findings.push({
          block: r.block,
          detail: `ingress on ${ports} admits ${hit.map((p) => `${p.name} (${p.port})`).join(" and ")}${at(r)}`,
        });
      }
    }
    return findings;
  }
}
