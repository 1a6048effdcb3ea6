/**
 * Plan-time checks of things this project reads but does not own (an adopted VPC, its subnets, route tables and
 * endpoints): Terraform `postcondition` blocks on data sources. `terraform plan` reads the data source, evaluates
 * the condition against `self` and stops with the message before anything is created or changed.
 *
 * Conditions are written in three shapes only, so the generated `terraform test` of every stack
 * (scripts/tftest-plan-checks.ts) can derive from them the values of a healthy object and the values that break
 * each check, and prove that every check fires: `self.a` (a boolean attribute), `self.a == "literal"` (joined with
 * `&&`), and `length(setsubtract(["x", ...], self.a)) == 0` (a set attribute contains every listed value).
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
