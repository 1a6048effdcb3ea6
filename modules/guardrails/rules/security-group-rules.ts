/** Security group rules in all four shapes the AWS provider accepts, normalized for the network rules. */
import { blocks, strings, type Json, type StackModel, type TfBlock } from "../model";

export interface SgRule {
  readonly block: TfBlock;
  /** Where in the block, for the finding: `ingress[0]`, or "" for a standalone rule resource. */
  readonly where: string;
  readonly direction: "ingress" | "egress";
  readonly cidrs: string[];
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly description?: Json;
}

const num = (v: Json | undefined): number | undefined =>
  v === undefined || v === null || v === "" ? undefined : Number(v);

export function securityGroupRules(model: StackModel): SgRule[] {
  return model.memo("securityGroupRules", () => collect(model));
}

function collect(model: StackModel): SgRule[] {
  const out: SgRule[] = [];
  for (const sg of model.resources("aws_security_group", "aws_default_security_group")) {
    for (const direction of ["ingress", "egress"] as const) {
      blocks(sg.config[direction]).forEach((r, i) =>
        out.push({
          block: sg,
          where: `${direction}[${i}]`,
          direction,
          cidrs: [...strings(r.cidr_blocks), ...strings(r.ipv6_cidr_blocks)],
          protocol: String(r.protocol ?? ""),
          fromPort: num(r.from_port),
          toPort: num(r.to_port),
          description: r.description,
        }),
      );
    }
  }
  for (const r of model.resources("aws_security_group_rule")) {
    out.push({
      block: r,
      where: "",
      direction: r.config.type === "egress" ? "egress" : "ingress",
      cidrs: [...strings(r.config.cidr_blocks), ...strings(r.config.ipv6_cidr_blocks)],
      protocol: String(r.config.protocol ?? ""),
      fromPort: num(r.config.from_port),
      toPort: num(r.config.to_port),
      description: r.config.description,
    });
  }
  for (const [type, direction] of [
    ["aws_vpc_security_group_ingress_rule", "ingress"],
    ["aws_vpc_security_group_egress_rule", "egress"],
  ] as const) {
    for (const r of model.resources(type)) {
      out.push({
        block: r,
        where: "",
        direction,
        cidrs: [...strings(r.config.cidr_ipv4), ...strings(r.config.cidr_ipv6)],
        protocol: String(r.config.ip_protocol ?? ""),
        fromPort: num(r.config.from_port),
        toPort: num(r.config.to_port),
        description: r.config.description,
      });
    }
  }
  return out;
}

const PROTOCOL_NUMBERS: Record<string, string> = { "6": "tcp", "17": "udp" };

/** Whether the rule admits `port` over one of `protocols` (all-protocol rules admit every port). */
export function coversPort(r: SgRule, port: number, protocols: readonly ("tcp" | "udp")[]): boolean {
  const lower = r.protocol.toLowerCase();
  if (lower === "-1" || lower === "all") return true;
  const protocol = PROTOCOL_NUMBERS[lower] ?? lower;
  if (!(protocols as readonly string[]).includes(protocol)) return false;
  if (r.fromPort === undefined || r.toPort === undefined || Number.isNaN(r.fromPort) || Number.isNaN(r.toPort))
    return true;
  return r.fromPort <= port && port <= r.toPort;
}

export const at = (r: SgRule) => (r.where ? ` (${r.where})` : "");
