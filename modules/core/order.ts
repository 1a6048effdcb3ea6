/**
 * `a.localeCompare(b)` without loading ICU's collation data when it cannot matter. The first `localeCompare` of a
 * process initialises a collator (about 30 ms, a tenth of a small synth); names, bucket names, CIDRs and flow
 * directions only use lowercase ASCII letters, digits, `.`, `/` and `-`, and for those strings the collation order
 * is the order of their character codes (every character has its own primary weight, in code order:
 * `-` < `.` < `/` < digits < letters). Anything else (upper case, `_`, spaces, other scripts) still goes through
 * `localeCompare`, so the order of every input is exactly the one `localeCompare` gives.
 */
const PLAIN = /^[a-z0-9./-]*$/;

export function compareText(a: string, b: string): number {
  if (PLAIN.test(a) && PLAIN.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}
