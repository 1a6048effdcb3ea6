/** IPv4 CIDR parsing and containment, for validating network config before anything is synthesized. */
export interface Ipv4Cidr {
  readonly text: string;
  readonly network: number; // unsigned 32-bit
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything that is not an IPv4 CIDR (octet > 255, prefix > 32, …). */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const m = CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o, i) => o > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith("0"))) || prefix > 32) {
    return undefined;
  }
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  return { text, network: address, prefix };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** True when the address has no bits set below the prefix (`10.0.0.0/16`, not `10.0.1.0/16`). */
export function isCanonical(cidr: Ipv4Cidr): boolean {
  return (cidr.network & ~mask(cidr.prefix)) >>> 0 === 0;
}

/** The canonical form of a CIDR (`10.0.1.0/16` → `10.0.0.0/16`), for error messages. */
export function canonical(cidr: Ipv4Cidr): string {
  const n = (cidr.network & mask(cidr.prefix)) >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    (inner.network & mask(outer.prefix)) >>> 0 === (outer.network & mask(outer.prefix)) >>> 0
  );
}

/** True when two CIDRs share at least one address. */
export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return contains(a, b) || contains(b, a);
}
