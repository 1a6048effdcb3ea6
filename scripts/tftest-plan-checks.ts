/**
 * The `terraform test` part that proves the plan-time checks of a stack (modules/core/plan-checks.ts). From each
 * data source's postconditions it derives the attribute values of a healthy object and, per check, the values that
 * break it. The healthy values feed a file-level `override_data` (so the stack's own plan and apply runs see a
 * healthy VPC); each check gets a `plan` run that feeds its breaking values and expects exactly that data source to
 * fail (`expect_failures`). A check that is written but does not fire fails `npm run validate`.
 */
import { hclString } from "./lib/hcl";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
type Value = string | boolean | string[];

export interface Check {
  readonly errorMessage: string;
  /** Values that make this check fail. */
  readonly breaks: Record<string, Value>;
}

export interface CheckedDataSource {
  /** `data.aws_vpc.Network_main_Vpc_1234` */
  readonly address: string;
  readonly healthy: Record<string, Value>;
  readonly checks: Check[];
}

const BOOLEAN = /^self\.([a-z_]+)$/;
const EQUALS = /self\.([a-z_]+) == ("(?:[^"\\]|\\.)*")/g;
const CONTAINS_ALL = /^length\(setsubtract\((\[.*\]), self\.([a-z_]+)\)\) == 0$/;

/** Healthy and breaking values of one condition (`${...}` stripped); undefined for a shape not understood. */
export function valuesOf(
  condition: string,
): { healthy: Record<string, Value>; breaks: Record<string, Value> } | undefined {
  const bool = BOOLEAN.exec(condition);
  if (bool) return { healthy: { [bool[1]]: true }, breaks: { [bool[1]]: false } };
  const contains = CONTAINS_ALL.exec(condition);
  if (contains)
    return { healthy: { [contains[2]]: JSON.parse(contains[1]) as string[] }, breaks: { [contains[2]]: [] } };
  const eqs = [...condition.matchAll(EQUALS)];
  const rest = condition.replace(EQUALS, "").replace(/&&/g, "").trim();
  if (eqs.length === 0 || rest !== "") return undefined;
  const healthy = Object.fromEntries(eqs.map((m) => [m[1], JSON.parse(m[2]) as string]));
  const first = eqs[eqs.length - 1];
  return { healthy, breaks: { [first[1]]: `${String(healthy[first[1]])}-other` } };
}

/** The data sources of a synthesized stack that carry postconditions, with their derived values. */
export function checkedDataSources(data: Blocks | undefined): CheckedDataSource[] {
  const out: CheckedDataSource[] = [];
  for (const [type, byName] of Object.entries(data ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const lifecycle = body.lifecycle as
        { postcondition?: { condition: string; error_message: string }[] } | undefined;
      const conditions = lifecycle?.postcondition ?? [];
      if (conditions.length === 0) continue;
      const address = `data.${type}.${name}`;
      const healthy: Record<string, Value> = {};
      const checks: Check[] = [];
      for (const pc of conditions) {
        const expr = pc.condition.replace(/^\$\{/, "").replace(/\}$/, "");
        const v = valuesOf(expr);
        if (!v)
          throw new Error(`${address}: postcondition ${pc.condition} is not in a shape the generated test understands`);
        Object.assign(healthy, v.healthy);
        checks.push({ errorMessage: pc.error_message, breaks: v.breaks });
      }
      out.push({ address, healthy, checks });
    }
  }
  return out;
}

const hclValue = (v: Value): string =>
  Array.isArray(v) ? `[${v.map((x) => hclString(x)).join(", ")}]` : typeof v === "string" ? hclString(v) : String(v);

function overrideData(address: string, values: Record<string, Value>, indent: string): string {
  const body = Object.entries(values)
    .map(([k, v]) => `${k} = ${hclValue(v)}`)
    .join(", ");
  return `${indent}override_data {\n${indent}  target = ${address}\n${indent}  values = { ${body} }\n${indent}}\n`;
}

/** File-level overrides: every checked data source reads as healthy. */
export function healthyOverrides(checked: CheckedDataSource[]): string {
  return checked.map((c) => overrideData(c.address, c.healthy, "")).join("");
}

/**
 * One plan run per check that must fire. To keep `npm run validate` fast, every check of the first data source of
 * each type is proven (the others of that type are the same code with other ids).
 */
export function failingRuns(checked: CheckedDataSource[]): string {
  const seen = new Set<string>();
  const runs: string[] = [];
  for (const c of checked) {
    const type = c.address.split(".")[1];
    if (seen.has(type)) continue;
    seen.add(type);
    c.checks.forEach((check, i) => {
      runs.push(
        `# Proves the check fires: ${check.errorMessage.replace(/\s+/g, " ")}\n` +
          `run "plan_check_${type}_${i}" {\n  command = plan\n` +
          overrideData(c.address, { ...c.healthy, ...check.breaks }, "  ") +
          `  expect_failures = [${c.address}]\n}\n`,
      );
    });
  }
  return runs.join("\n");
}
