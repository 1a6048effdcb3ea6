import type { StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { coversPort, securityGroupRules } from "./security-group-rules";

interface PortDocument {
  sessionType?: string;
  parameters?: Record<string, { allowedValues?: unknown[] }>;
}

export class ForwardTargetHasEgress extends GuardrailRule {
  public readonly id = "BL-NET-010";
  public readonly category = "network";
  public readonly severity = "error";
  public readonly title = "Granted port-forwarding target without an egress rule";
  public readonly why =
    "A Port session document grants forwarding to host:port, but the instance security group allows no egress on that port: the grant looks usable in IAM and the access report while every forwarded connection is dropped.";
  public readonly fix =
    "Give the target its location (cidr or securityGroupId in accessGroups[].capabilities.portForwarding); the stack then adds the egress rule on the instance security group.";
  public readonly resourceTypes = ["aws_ssm_document", "aws_vpc_security_group_egress_rule", "aws_security_group"];

  public evaluate(model: StackModel): Finding[] {
    const egress = securityGroupRules(model).filter((r) => r.direction === "egress");
    const out: Finding[] = [];
    for (const d of model.resources("aws_ssm_document")) {
      if (d.config.document_type !== "Session" || typeof d.config.content !== "string") continue;
      let doc: PortDocument;
      try {
        doc = JSON.parse(d.config.content) as PortDocument;
      } catch {
        continue;
      }
      if (doc.sessionType !== "Port") continue;
      const hosts = (doc.parameters?.host?.allowedValues ?? []).map(String);
      for (const port of (doc.parameters?.portNumber?.allowedValues ?? []).map(Number)) {
        if (!Number.isInteger(port)) continue;
        if (egress.some((r) => coversPort(r, port, ["tcp"]))) continue;
        out.push({
          block: d,
          detail: `forwarding to ${hosts.join("|") || "any host"}:${port} is granted, but no security group in this stack allows egress on tcp ${port}`,
        });
      }
    }
    return out;
  }
}
