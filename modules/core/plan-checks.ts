/**
 * Plan-time checks of things this project reads but does not own (an adopted VPC, its subnets, route tables and
 * endpoints): Terraform `postcondition` blocks on data sources. `terraform plan` reads the data source, evaluates
 * the condition against `self` and stops with the message before anything is created or changed.
 *
 * Conditions are written in four shapes only, so the generated `terraform test` of every stack
 * (tools/tftest-plan-checks.ts) can derive from them the values of a healthy object and the values that break
 * each check, and prove that every check fires: `self.a` (a boolean attribute), `self.a == "literal"` (joined with
 * `&&`), `length(setsubtract(["x", ...], self.a)) == 0` (a set attribute contains every listed value), and
 * `noUncoveredCidrBlocks(["cidr", ...])` (every secondary CIDR block of a VPC lies inside a listed CIDR).
 */
import type { TerraformDataSource } from "./cdktf";

export interface PlanCheck {
  /** A Terraform expression over `self`, without `${}`, in one of the shapes above. */
  readonly condition: string;
  /** What is wrong and how to fix it; may interpolate `self` attributes with `${self.x}`. */
  readonly errorMessage: string;
}

/** Adds `checks` as postconditions of `data`. */
export function checkOnPlan(data: TerraformDataSource, checks: PlanCheck[]): void {
  data.addOverride(
    "lifecycle.postcondition",
    checks.map((c) => ({ condition: `\${${c.condition}}`, error_message: c.errorMessage })),
  );
}

/** `self.attribute == "value"` */
export const equals = (attribute: string, value: string): string => `self.${attribute} == ${JSON.stringify(value)}`;

/** `self.attribute` holds every one of `values`. */
export const containsAll = (attribute: string, values: readonly string[]): string =>
  `length(setsubtract(${JSON.stringify(values)}, self.${attribute})) == 0`;

/** The states of a VPC CIDR block association whose addresses workloads use (or are about to). */
const IN_USE_BLOCK_STATES = ["associating", "associated"];

/**
 * The fourth shape: an HCL list of the VPC's secondary IPv4 CIDR blocks (`self.cidr_block_associations` in use, other
 * than the primary `self.cidr_block`) that no CIDR of `covering` (an HCL list expression) contains. Containment, as a
 * network engineer reads it: 10.0.0.0/8 covers 10.1.0.0/16. Block b is inside c when b's prefix is at least as long
 * as c's and b's address under c's prefix is c's network address (`cidrhost(x, 0)` masks host bits away).
 * The check is `length(...) == 0` (`noUncoveredCidrBlocks`); its message can list them with `join(", ", ...)`.
 */
export const uncoveredCidrBlocks = (covering: string): string =>
  `[for b in self.cidr_block_associations : b.cidr_block if contains(${JSON.stringify(IN_USE_BLOCK_STATES)}, b.state) && ` +
  `b.cidr_block != self.cidr_block && !anytrue([for c in ${covering} : ` +
  `tonumber(split("/", b.cidr_block)[1]) >= tonumber(split("/", c)[1]) && ` +
  `cidrhost(format("%s/%s", split("/", b.cidr_block)[0], split("/", c)[1]), 0) == cidrhost(c, 0)])]`;

/** Every secondary CIDR block of the VPC is inside one of `covering` (see `uncoveredCidrBlocks`). */
export const noUncoveredCidrBlocks = (covering: string): string => `length(${uncoveredCidrBlocks(covering)}) == 0`;
