/** Helpers of the adopted-VPC rules: telling our own network from an adopted one, and CIDR containment. */
import { blocks, references, strings, type Json, type StackModel, type TfBlock } from "../model";

/**
 * A value that names an existing object (an adopted VPC or route table) rather than one this stack creates: a
 * literal id, or a reference to a data source. A reference to a resource of this stack is ours.
 */
export function isAdopted(value: Json | undefined, model: StackModel): boolean {
  if (typeof value !== "string") return false;
  const refs = references(value);
  if (refs.length === 0) return true;
  return refs.every((a) => a.startsWith("data.") || !model.find(a));
}

/** The primary CIDR of a VPC as the stack checks it at plan time (`self.cidr_block == "…"` on its data source). */
export function checkedVpcCidr(vpcId: Json | undefined, model: StackModel): string | undefined {
  for (const d of model.data("aws_vpc")) {
    const id = d.config.id;
    const sameVpc = id === vpcId || (typeof vpcId === "string" && references(vpcId).includes(d.address));
    if (!sameVpc) continue;
    for (const pc of blocks(block0(d.config.lifecycle)?.postcondition)) {
      const m = /self\.cidr_block\s*==\s*"([0-9./]+)"/.exec(String(pc.condition ?? ""));
      if (m) return m[1];
    }
  }
  return undefined;
}

function block0(v: Json | undefined): Record<string, Json> | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return first !== null && typeof first === "object" && !Array.isArray(first) ? first : undefined;
}

function parse(c: string): { addr: number; prefix: number } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(c);
  if (!m) return undefined;
  const addr = ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0;
  return { addr, prefix: +m[5] };
}

/** Whether CIDR `outer` contains CIDR `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parse(outer);
  const i = parse(inner);
  if (!o || !i || o.prefix > i.prefix) return false;
  const mask = o.prefix === 0 ? 0 : (~0 << (32 - o.prefix)) >>> 0;
  return (o.addr & mask) === (i.addr & mask);
}

/** The security-group resources of this stack a list attribute references. */
export function referencedGroups(value: Json | undefined, model: StackModel): TfBlock[] {
  return strings(value).flatMap((v) => model.referenced(v).filter((b) => b.type === "aws_security_group"));
}
