/**
 * One source for every limit and default: for every module variable with a schema counterpart, Terraform itself
 * (`terraform console`: RE2 regexes, cidr functions and all) evaluates the HCL validations on the same values the
 * environment schema parses, at and beyond each limit, and both accept exactly the same ones.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { terraformInstalled, TERRAFORM_ENV } from "../../tools/terraform";
import type { VariableSpec } from "../../terraform-modules/framework";
import { CASES, schemaAccepts, variable } from "../helpers/one-source-cases";

/** Every validation condition of the variable, with `var.<name>` replaced by the value, as one HCL boolean. */
function hclAccepts(spec: VariableSpec, value: unknown): string {
  const literal = `(${JSON.stringify(value)})`;
  const conditions = (spec.validations ?? []).map(
    // A condition that errors rejects the value, as Terraform does.
    (v) => `try(${v.condition.replace(new RegExp(`var\\.${spec.name}\\b`, "g"), () => literal)}, false)`,
  );
  return conditions.length === 0 ? "true" : `alltrue([${conditions.join(", ")}])`;
}

/** Evaluates the expressions with `terraform console` (one process for all). */
function terraformEvaluates(expressions: string[]): boolean[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-one-source-"));
  const r = spawnSync("terraform", ["console"], {
    cwd: dir,
    env: TERRAFORM_ENV,
    input: `jsonencode([${expressions.join(", ")}])\n`,
    encoding: "utf8",
  });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`terraform console failed:\n${r.stderr}`);
  return JSON.parse(JSON.parse(r.stdout.trim())) as boolean[];
}

describe("one source for limits and defaults (Terraform)", () => {
  const real = terraformInstalled() ? test : test.skip;
  real(
    "GIVEN every case WHEN probed at and beyond its limits THEN Terraform's validation and the schema accept the same values",
    () => {
      const probes = CASES.flatMap((c) => c.probes.map((value) => ({ c, value })));
      const hcl = terraformEvaluates(
        probes.map(({ c, value }) => hclAccepts(variable(c.module, c.variable), (c.asVariable ?? ((v) => v))(value))),
      );
      const disagreements = probes
        .map(({ c, value }, i) => ({ at: `${c.module}.${c.variable} = ${JSON.stringify(value)}`, hcl: hcl[i] }))
        .filter((p, i) => p.hcl !== schemaAccepts(probes[i].c, probes[i].value));
      expect(disagreements).toEqual([]);
      // the probes reach both sides of the limits: each case has a value both accept and, where there is a limit,
      // one both refuse
      for (const c of CASES) {
        const results = probes.map((p, i) => (p.c === c ? hcl[i] : undefined)).filter((x) => x !== undefined);
        expect({ at: `${c.module}.${c.variable}`, accepts: results.includes(true) }).toEqual({
          at: `${c.module}.${c.variable}`,
          accepts: true,
        });
        if (typeof c.probes[0] !== "boolean")
          expect({ at: `${c.module}.${c.variable}`, refuses: results.includes(false) }).toEqual({
            at: `${c.module}.${c.variable}`,
            refuses: true,
          });
      }
    },
  );

  real("GIVEN a condition that does not hold WHEN evaluated THEN the harness reports false (no vacuous pass)", () => {
    expect(
      terraformEvaluates(['can(regex("^a$", "b"))', 'can(regex("^a$", "a"))', "try(1.5 == floor(1.5), false)"]),
    ).toEqual([false, true, false]);
  });
});
