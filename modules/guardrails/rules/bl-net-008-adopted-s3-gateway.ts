import type { StackModel } from "../model";
import { coversAction, onAllResources, parsePolicy } from "../policy";
import { GuardrailRule, type Finding } from "../rule";
import { isAdopted } from "./adopted-network";
import { strings } from "../model";

export class RestrictiveGatewayOnAdoptedRouteTables extends GuardrailRule {
  public readonly id = "BL-NET-008";
  public readonly category = "network";
  public readonly severity = "error";
  public readonly title = "Restrictive S3 gateway endpoint on adopted route tables";
  public readonly why =
    "A gateway endpoint's policy governs all S3 traffic of the route tables it is attached to, not only Session Manager's: on the route tables of an existing VPC, a policy that allows only the agent and log buckets denies every other workload's buckets (application data, ECR image layers, OS package mirrors).";
  public readonly fix =
    'On adopted route tables use s3Gateway.mode "none", "reuse" or "create-full-access"; a restrictive policy only with the named opt-in "create-restrictive-breaks-other-s3-traffic" (recorded as a suppression).';
  public readonly resourceTypes = ["aws_vpc_endpoint"];

  public evaluate(model: StackModel): Finding[] {
    const out: Finding[] = [];
    for (const e of model.resources("aws_vpc_endpoint")) {
      if (String(e.config.vpc_endpoint_type ?? "Gateway").toLowerCase() !== "gateway") continue;
      if (!/\.s3$/.test(String(e.config.service_name ?? ""))) continue;
      const adopted = strings(e.config.route_table_ids).filter((rt) => isAdopted(rt, model));
      if (adopted.length === 0) continue;
      if (e.config.policy === undefined || e.config.policy === null) continue; // AWS default: full access
      const parsed = parsePolicy(e.config.policy, model);
      const fullAccess =
        parsed.ok &&
        parsed.statements.some(
          (s) =>
            s.effect === "Allow" &&
            coversAction(s, "s3:*") &&
            (s.actions ?? []).some((a) => a === "*" || a.toLowerCase() === "s3:*") &&
            onAllResources(s) &&
            s.conditions.length === 0,
        ) &&
        !parsed.statements.some((s) => s.effect === "Deny");
      if (fullAccess) continue;
      out.push({
        block: e,
        detail: `the policy ${parsed.ok ? "allows less than s3:* on *" : `cannot be read (${parsed.reason})`} and the endpoint is attached to existing route tables ${adopted.join(", ")}`,
      });
    }
    return out;
  }
}
