/**
 * The `terraform test` part that proves the plan-time checks of a stack (modules/core/plan-checks.ts). From each
 * data source's postconditions it derives the attribute values of a healthy object and, per check, the values that
 * break it. The healthy values feed a file-level `override_data` (so the stack's own plan and apply runs see a
 * healthy VPC); each check gets a `plan` run that feeds its breaking values and expects exactly that data source to
 * fail (`expect_failures`). A check that is written but does not fire fails `npm run validate`.
 */
import { canonical, contains, parseCidr } from "../loader/cidr";
import { OTHER_ACCOUNT } from "../modules/operator-access";
import { TRAIL_PLAN_FIXTURE } from "../modules/session-logging";
import { hclString } from "./hcl";

type Blocks = Record<string, Record<string, Record<string, unknown>>>;
/** One entry of data.aws_vpc's `cidr_block_associations` (association_id, cidr_block, state). */
type Association = Record<string, string>;
type Value = string | boolean | string[] | Association[];

export interface Check {
  readonly errorMessage: string;
  /** The condition (without `${}`), where it is one of the plan-checks shapes. @default - a special-cased check */
  readonly condition?: string;
  /** Values that make this check fail. */
  readonly breaks: Record<string, Value>;
}

export interface CheckedDataSource {
  /** `data.aws_vpc.Network_main_Vpc_1234` */
  readonly address: string;
  readonly healthy: Record<string, Value>;
  readonly checks: Check[];
  /** Whole `run` blocks (HCL) of other situations the checks must let through. @default none */
  readonly passingRuns?: string[];
}

const BOOLEAN = /^self\.([a-z_]+)$/;
const EQUALS = /self\.([a-z_]+) == ("(?:[^"\\]|\\.)*")/g;
const CONTAINS_ALL = /^length\(setsubtract\((\[.*\]), self\.([a-z_]+)\)\) == 0$/;
/** `noUncoveredCidrBlocks([...])` (modules/core/plan-checks.ts): the covering CIDRs are the list after `for c in`. */
const COVERED_BLOCKS = /^length\(\[for b in self\.cidr_block_associations : .*\bfor c in (\[[^\]]*\]) : .*\]\) == 0$/;

/** Healthy and breaking values of one condition (`${...}` stripped); undefined for a shape not understood. */
export function valuesOf(
  condition: string,
): { healthy: Record<string, Value>; breaks: Record<string, Value> } | undefined {
  const covered = COVERED_BLOCKS.exec(condition);
  if (covered) {
    // The primary block is added once the data source's cidr_block is known (withPrimaryBlock).
    const covering = JSON.parse(covered[1]) as string[];
    return {
      healthy: { cidr_block_associations: [] },
      breaks: { cidr_block_associations: [association(uncoveredBlock(covering), 2)] },
    };
  }
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

const association = (cidr: string, n: number, state = "associated"): Association => ({
  association_id: `vpc-cidr-assoc-0a1b2c3d4e5f6000${n}`,
  cidr_block: cidr,
  state,
});

/** A block none of `covering` contains (private and shared ranges first: what a secondary block usually is). */
function uncoveredBlock(covering: readonly string[]): string {
  const cs = covering.map((c) => parseCidr(c)!);
  const candidates = ["192.168.0.0/16", "172.16.0.0/16", "100.64.0.0/16", "10.255.0.0/16", "198.18.0.0/15"];
  const free = candidates.find((x) => !cs.some((c) => contains(c, parseCidr(x)!)));
  if (!free) throw new Error(`no uncovered test block outside ${covering.join(", ")}`);
  return free;
}

/** The second quarter-or-smaller block inside `cidr` (host bits under its prefix set: containment, not equality). */
function blockInside(cidr: string): string {
  const c = parseCidr(cidr)!;
  const prefix = Math.min(c.prefix + 4, 32);
  const offset = prefix === c.prefix ? 0 : 2 ** (32 - prefix);
  return canonical({ text: "", network: c.network + offset, prefix });
}

/**
 * The secondary-block check of an adopted VPC: every value set gets the VPC's primary block (what AWS returns too),
 * and the check gets passing runs: secondary blocks equal to, and inside, the admitted CIDRs other than the primary
 * one; an uncovered block that is no longer in use (disassociated).
 */
function withPrimaryBlock(c: CheckedDataSource): CheckedDataSource {
  const primary = c.healthy.cidr_block;
  const check = c.checks.find((k) => COVERED_BLOCKS.test(k.condition ?? ""));
  if (!check || typeof primary !== "string") return c;
  const own = association(primary, 1);
  const blocks = (values: Record<string, Value>) => ({
    ...values,
    cidr_block_associations: [own, ...(values.cidr_block_associations as Association[])],
  });
  const covering = (JSON.parse(COVERED_BLOCKS.exec(check.condition!)![1]) as string[]).filter((x) => x !== primary);
  const name = c.address.split(".")[1];
  const run = (label: string, comment: string, assocs: Association[]) =>
    `# ${comment}\nrun "${name}_${label}" {\n  command = plan\n` +
    overrideData(c.address, { ...c.healthy, cidr_block_associations: [own, ...assocs] }, "  ") +
    `}\n`;
  const uncovered = (check.breaks.cidr_block_associations as Association[])[0].cidr_block;
  return {
    ...c,
    healthy: blocks(c.healthy),
    checks: c.checks.map((k) => (k === check ? { ...k, breaks: blocks(k.breaks) } : k)),
    passingRuns: [
      ...(c.passingRuns ?? []),
      ...(covering.length > 0
        ? [
            run(
              "secondary_blocks_listed_pass",
              `Secondary CIDR blocks equal to the admitted ${covering.join(", ")}: the endpoints admit them, the plan passes.`,
              covering.map((x, i) => association(x, i + 2)),
            ),
            run(
              "secondary_blocks_inside_listed_pass",
              `Secondary CIDR blocks inside the admitted ${covering.join(", ")}: contained counts as admitted.`,
              covering.map((x, i) => association(blockInside(x), i + 2)),
            ),
          ]
        : []),
      run(
        "disassociated_block_passes",
        `An unadmitted block ${uncovered} that is disassociated: no workload uses it, the plan passes.`,
        [association(uncovered, 2, "disassociated")],
      ),
    ],
  };
}

/**
 * Cloud Control reads (`aws_cloudcontrolapi_resource`) return one JSON document, `properties`, so their checks are
 * Terraform expressions over `jsondecode(self.properties)` that no regular shape covers: the module that writes the
 * checks provides the healthy document and, per check (matched by an attribute named in its condition), the
 * properties that break it.
 */
const JSON_FIXTURES: Record<string, typeof TRAIL_PLAN_FIXTURE> = { "AWS::CloudTrail::Trail": TRAIL_PLAN_FIXTURE };

function cloudControlChecks(
  address: string,
  body: Record<string, unknown>,
  conditions: { condition: string; error_message: string }[],
): CheckedDataSource {
  const fixture = JSON_FIXTURES[String(body.type_name)];
  if (!fixture) throw new Error(`${address}: no plan-check fixture for Cloud Control type ${String(body.type_name)}`);
  const checks = conditions.map((pc) => {
    const broken = fixture.breaks.find((b) => pc.condition.includes(b.when));
    if (!broken) throw new Error(`${address}: no breaking fixture for the postcondition ${pc.condition}`);
    return {
      errorMessage: pc.error_message,
      breaks: { properties: JSON.stringify({ ...fixture.healthy, ...broken.properties }) },
    };
  });
  return { address, healthy: { properties: JSON.stringify(fixture.healthy) }, checks };
}

/**
 * The identity stack's placement check (modules/operator-access/identity-center-check.ts): the management account,
 * or a delegated administrator of Identity Center listed by another data source. Healthy: the account is the
 * management account and there are no delegated administrators; broken: another management account and no
 * delegated administrators; and a passing run where the account is only a delegated administrator.
 */
function organizationChecks(
  address: string,
  conditions: { condition: string; error_message: string }[],
): CheckedDataSource[] {
  const [pc] = conditions;
  const account = /self\.master_account_id == "(\d{12})"/.exec(pc.condition)?.[1];
  const delegated = /(data\.aws_organizations_delegated_administrators\.[A-Za-z0-9_-]+)/.exec(pc.condition)?.[1];
  if (conditions.length !== 1 || !account || !delegated)
    throw new Error(`${address}: postcondition ${pc.condition} is not the management/delegated-admin check`);
  const admin = [
    `{ id = "${account}", arn = "arn:aws:organizations::${OTHER_ACCOUNT}:account/o-example/${account}"`,
    `email = "identity@example.com", name = "identity", status = "ACTIVE", joined_method = "INVITED"`,
    `joined_timestamp = "2024-01-01T00:00:00Z", delegation_enabled_date = "2024-01-01T00:00:00Z" }`,
  ].join(", ");
  return [
    { address: delegated, healthy: { delegated_administrators: [] }, checks: [] },
    {
      address,
      healthy: { master_account_id: account },
      checks: [{ errorMessage: pc.error_message, breaks: { master_account_id: OTHER_ACCOUNT } }],
      passingRuns: [
        `# The account is not the management account but a delegated administrator for Identity Center: allowed.\n` +
          `run "placement_delegated_administrator_passes" {\n  command = plan\n` +
          overrideData(address, { master_account_id: OTHER_ACCOUNT }, "  ") +
          `  override_data {\n    target = ${delegated}\n    values = { delegated_administrators = [${admin}] }\n  }\n}\n`,
      ],
    },
  ];
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
      if (type === "aws_cloudcontrolapi_resource") {
        out.push(cloudControlChecks(address, body, conditions));
        continue;
      }
      if (type === "aws_organizations_organization") {
        out.push(...organizationChecks(address, conditions));
        continue;
      }
      const healthy: Record<string, Value> = {};
      const checks: Check[] = [];
      for (const pc of conditions) {
        const expr = pc.condition.replace(/^\$\{/, "").replace(/\}$/, "");
        const v = valuesOf(expr);
        if (!v)
          throw new Error(`${address}: postcondition ${pc.condition} is not in a shape the generated test understands`);
        Object.assign(healthy, v.healthy);
        checks.push({ errorMessage: pc.error_message, condition: expr, breaks: v.breaks });
      }
      out.push(withPrimaryBlock({ address, healthy, checks }));
    }
  }
  return out;
}

const hclValue = (v: Value | Association): string =>
  Array.isArray(v)
    ? `[${v.map((x: string | Association) => (typeof x === "string" ? hclString(x) : hclValue(x))).join(", ")}]`
    : typeof v === "object"
      ? `{ ${Object.entries(v)
          .map(([k, x]) => `${k} = ${hclString(x)}`)
          .join(", ")} }`
      : typeof v === "string"
        ? hclString(v)
        : String(v);

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
    runs.push(...(c.passingRuns ?? []));
  }
  return runs.join("\n");
}
