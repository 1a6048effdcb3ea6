/**
 * One source for every limit and default: the environment schema and the generated Terraform modules agree on the
 * defaults of every module variable that has a schema counterpart (both read modules/core/defaults.ts and
 * limits.ts); one-source.integ.ts runs the HCL validations in Terraform against the schema at each limit.
 */
import { LOG_RETENTION_DAYS } from "../../modules/core/limits";
import { MODULES } from "../../terraform-modules/definitions";
import { CASES, defaults, variable } from "../helpers/one-source-cases";

describe("one source for limits and defaults", () => {
  test("GIVEN the cases WHEN listed THEN every module variable with a schema counterpart has one", () => {
    const covered = new Set(CASES.map((c) => `${c.module}.${c.variable}`));
    for (const c of CASES) expect(variable(c.module, c.variable)).toBeDefined();
    // Variables without a schema counterpart: names and ARNs the stacks derive, and module-only inputs.
    const derived = MODULES.flatMap((m) => m.variables.map((v) => `${m.name}.${v.name}`)).filter(
      (k) => !covered.has(k),
    );
    expect(derived.sort()).toEqual(
      [
        "network.name_prefix",
        "network.services",
        "network.log_bucket_arn",
        "instance-access.log_group_arn",
        "instance-access.log_bucket_arn",
        "instance-access.log_prefix",
        "instance-access.kms_key_arn",
        "instance-access.architecture",
        "instance-access.security_group_ids",
        "operator-access.name",
        "operator-access.shell_document_name",
        "operator-access.require_mfa",
        "operator-access.kms_key_arn",
        "session-logging.log_group_name",
        "session-preferences.create",
        "session-preferences.document_name",
        "session-preferences.log_bucket_arn",
        "session-preferences.log_prefix",
        "session-preferences.log_group_arn",
        "session-preferences.kms_key_arn",
        "session-preferences.waive_kms_encryption",
        "session-preferences.waive_logging",
        "session-preferences.shell_profile_linux",
        "session-preferences.shell_profile_windows",
      ].sort(),
    );
  });

  test.each(CASES.filter((c) => c.schemaDefault))(
    "GIVEN $module's $variable WHEN compared with the environment schema THEN the defaults are equal",
    (c) => {
      expect(variable(c.module, c.variable).default).toEqual(c.schemaDefault!(defaults(c.env ?? "dev")));
    },
  );

  test("GIVEN the retention list WHEN rendered into the module THEN it is exactly the list CloudWatch accepts", () => {
    const [validation] = variable("session-logging", "log_retention_days").validations!;
    expect(validation.condition).toBe(`contains([${LOG_RETENTION_DAYS.join(", ")}], var.log_retention_days)`);
  });
});
