/**
 * Renders zod issues as `field: message (line L, column C)`: the offending value, what is allowed, and where the
 * node is in the YAML source. Positions come from the issue path, so fields added to the schema later get them
 * without further work.
 */
import type { z } from "zod";
import { didYouMean } from "./suggest";
import { at, type YamlSource } from "./yaml-source";

/**
 * How every loader parses a file with its schema: without zod's generated fast path for objects. A loader parses each
 * file once, and the code zod would generate per object schema at run time (which no code cache keeps) costs more to
 * build than it saves, for a few files as for a thousand. Only the speed differs: the checks and messages are zod's.
 */
export const PARSE_OPTIONS = { jitless: true } as const;

/** `["vpcs", 0, "cidr"]` → `vpcs[0].cidr`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (out, seg) => (typeof seg === "number" ? `${out}[${seg}]` : out ? `${out}.${String(seg)}` : String(seg)),
    "",
  );
}

export function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of segments) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Uint8Array) return "binary data";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number" && !Number.isFinite(value))
    return Number.isNaN(value) ? ".nan (not a number)" : `${value > 0 ? "" : "-"}.inf (infinity)`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

const show = (value: unknown): string =>
  typeof value === "number" && !Number.isFinite(value) ? String(value) : JSON.stringify(value);

/**
 * A hint for a number or boolean where a string is expected: YAML reads `012345678901` as the number 12345678901
 * and `yes`/`on` (YAML 1.1) as booleans, so the value must be quoted.
 */
function quoteHint(value: unknown, written: string | undefined): string {
  if (typeof value !== "number" && typeof value !== "boolean") return "";
  const text = written && !/^["']/.test(written) ? written : String(value);
  const lost = typeof value === "number" && written !== undefined && written !== String(value);
  return `${lost ? ` (written ${written}; YAML reads it as the number ${String(value)})` : ""}; quote it in YAML: "${text}"`;
}

/** Renders one zod issue as `field: message (line L, column C)`. */
export function formatIssue(issue: z.core.$ZodIssue, raw: unknown, source?: YamlSource): string {
  const where = formatPath(issue.path);
  const value = valueAt(raw, issue.path);
  let message = issue.message;
  let located = source?.locate(issue.path);
  switch (issue.code) {
    case "invalid_type":
      message =
        value === undefined
          ? `is required (expected ${issue.expected})`
          : `expected ${issue.expected}, got ${describeValue(value)}${issue.expected === "string" ? quoteHint(value, source?.sourceText(issue.path)) : ""}`;
      break;
    case "invalid_value":
      message =
        value === undefined
          ? `is required; allowed: ${issue.values.map((v) => show(v)).join(", ")}`
          : `${show(value)} is not allowed${typeof value === "string" ? didYouMean(value, issue.values.map(String)) : ""}; allowed: ${issue.values.map((v) => show(v)).join(", ")}`;
      break;
    case "too_small":
    case "too_big": {
      const bound =
        issue.code === "too_small" ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
      const unit = issue.origin === "array" ? " item(s)" : issue.origin === "string" ? " character(s)" : "";
      const got = Array.isArray(value) ? `${value.length} item(s)` : show(value);
      message = `${got} is out of range; must be ${bound}${unit}`;
      break;
    }
    case "invalid_union":
      if (value === undefined) message = "is required";
      else if (!issue.message.startsWith(show(value))) message = `${show(value)} is not allowed; ${issue.message}`;
      break;
    case "unrecognized_keys":
      if (issue.keys.length > 0) located = source?.locate([...issue.path, issue.keys[0]], true) ?? located;
      break;
    case "invalid_key":
      located = source?.locate(issue.path, true) ?? located;
      break;
    default:
      if (value === undefined && /^(undefined|"undefined") /.test(message)) message = "is required";
      break;
  }
  const pos = !located
    ? ""
    : located.exact
      ? at(located.pos)
      : ` (missing from the block at line ${located.pos.line}, column ${located.pos.col})`;
  return where ? `${where}: ${message}${pos}` : `${message}${pos}`;
}
