import { isTrue, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";

export class InterfaceEndpointPrivateDns extends GuardrailRule {
  public readonly id = "BL-NET-007";
  public readonly category = "network";
  public readonly severity = "error";
  public readonly title = "Interface endpoint without private DNS";
  public readonly why =
    "The SSM agent calls the public service names (ssm.<region>.amazonaws.com); without private DNS those names resolve to public addresses, so traffic leaves through a NAT gateway or fails in an isolated subnet.";
  public readonly fix =
    "Set private_dns_enabled = true on the aws_vpc_endpoint (the VPC needs enableDnsSupport and enableDnsHostnames).";
  public readonly resourceTypes = ["aws_vpc_endpoint"];

  public evaluate(model: StackModel): Finding[] {
    return model
      .resources("aws_vpc_endpoint")
      .filter(
        (e) =>
          String(e.config.vpc_endpoint_type ?? "Gateway").toLowerCase() === "interface" &&
          !isTrue(e.config.private_dns_enabled),
      )
      .map((e) => ({
        block: e,
        detail: `private_dns_enabled = ${JSON.stringify(e.config.private_dns_enabled ?? null)} for ${String(e.config.service_name)}`,
      }));
  }
}
