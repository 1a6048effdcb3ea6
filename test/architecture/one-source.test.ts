/**
 * One source for every limit and default: the environment schema and the generated Terraform modules agree on the
 * defaults and the allowed ranges of the settings both offer (both read modules/core/defaults.ts and limits.ts).
 */
import { environmentSchema, type EnvironmentConfig } from "../../config/schema";
import { KMS_DELETION_WINDOW_DAYS, LOG_RETENTION_DAYS } from "../../modules/core/limits";
import { MODULES } from "../../scripts/terraform-modules/definitions";
import type { VariableSpec } from "../../scripts/terraform-modules/framework";
import { exampleInput } from "../helpers/synth";

/** dev with every setting below left to its default. */
function defaults(): EnvironmentConfig {
  const input = structuredClone(exampleInput("dev")) as any;
  input.logging = { alertEmails: input.logging?.alertEmails, cloudTrail: input.logging?.cloudTrail };
  delete input.sessionPreferences;
  return environmentSchema.parse(input);
}

function variable(module: string, name: string): VariableSpec {
  const v = MODULES.find((m) => m.name === module)?.variables.find((x) => x.name === name);
  if (!v) throw new Error(`no variable ${name} in module ${module}`);
  return v;
}

/** Evaluates a generated validation condition of the simple forms the modules use, for one value. */
function holds(condition: string, name: string, value: number): boolean {
  const expr = condition
    .replace(/contains\(\[([^\]]*)\], var\.\w+\)/g, (_m, list: string) => `[${list}].includes(${value})`)
    .replace(new RegExp(`var\\.${name}`, "g"), String(value));
  if (!/^[-\d\s<>=!&|.[\](),includes]+$/.test(expr)) throw new Error(`cannot evaluate ${condition}`);
  return Function(`return (${expr});`)() as boolean;
}

const accepts = (path: (c: EnvironmentConfig) => unknown, set: (input: any, v: number) => void, v: number) => {
  const input = structuredClone(exampleInput("dev")) as any;
  set(input, v);
  const r = environmentSchema.safeParse(input);
  return r.success && path(r.data) === v;
};

const CASES = [
  {
    module: "session-logging",
    variable: "log_retention_days",
    config: (c: EnvironmentConfig) => c.logging.cloudWatch.retentionDays,
    set: (i: any, v: number) => (i.logging = { ...i.logging, cloudWatch: { retentionDays: v } }),
    probes: [0, 1, 2, 365, 366, 3653, 3654],
  },
  {
    module: "session-logging",
    variable: "kms_deletion_window_days",
    config: (c: EnvironmentConfig) => c.logging.kms.deletionWindowDays,
    set: (i: any, v: number) => (i.logging = { ...i.logging, kms: { deletionWindowDays: v } }),
    probes: [KMS_DELETION_WINDOW_DAYS.min - 1, KMS_DELETION_WINDOW_DAYS.min, 20, KMS_DELETION_WINDOW_DAYS.max, 31],
  },
  {
    module: "session-logging",
    variable: "expire_days",
    config: (c: EnvironmentConfig) => c.logging.s3.expireDays,
    set: (i: any, v: number) => (i.logging = { ...i.logging, s3: { expireDays: v } }),
    probes: [-1, 0, 1, 2557],
  },
  {
    module: "session-logging",
    variable: "noncurrent_expire_days",
    config: (c: EnvironmentConfig) => c.logging.s3.noncurrentExpireDays,
    set: (i: any, v: number) => (i.logging = { ...i.logging, s3: { noncurrentExpireDays: v } }),
    probes: [-1, 0, 1, 90],
  },
];

describe("one source for limits and defaults", () => {
  test.each(CASES)(
    "GIVEN $module's $variable WHEN compared with the environment schema THEN the defaults are equal",
    ({ module, variable: name, config }) => {
      expect(variable(module, name).default).toBe(config(defaults()));
    },
  );

  test.each(CASES)(
    "GIVEN $module's $variable WHEN probed at and beyond its limits THEN the HCL validation and the schema accept the same values",
    ({ module, variable: name, config, set, probes }) => {
      const spec = variable(module, name);
      for (const value of probes) {
        const hcl = (spec.validations ?? []).every((v) => holds(v.condition, name, value));
        expect({ value, hcl }).toEqual({ value, hcl: accepts(config, set, value) });
      }
    },
  );

  test("GIVEN the retention list WHEN rendered into the module THEN it is exactly the list CloudWatch accepts", () => {
    const [validation] = variable("session-logging", "log_retention_days").validations!;
    expect(validation.condition).toBe(`contains([${LOG_RETENTION_DAYS.join(", ")}], var.log_retention_days)`);
  });
});
