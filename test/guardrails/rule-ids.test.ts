import * as fs from "fs";
import * as path from "path";
import { allRules } from "../../modules/guardrails/catalog";
import { RULE_IDS } from "../../modules/guardrails/rule-ids";
import { environmentSchema } from "../../loader/schema";
import { exampleInput } from "../helpers/examples";

const ROOT = path.join(__dirname, "..", "..");

/** Every project file `file` loads, following relative imports (type-only imports are erased and skipped). */
function importClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = fs.readFileSync(file, "utf8");
  for (const m of source.matchAll(/^(?:import|export)(?! type)[^;]*? from "(\.{1,2}\/[^"]+)"/gms)) {
    const base = path.resolve(path.dirname(file), m[1]);
    const next = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
    if (next) importClosure(next, seen);
  }
  return seen;
}

describe("the dependency-free list of guardrail rule ids", () => {
  test("GIVEN the rule catalogue WHEN its ids are listed in documentation order THEN they equal RULE_IDS", () => {
    expect([...RULE_IDS]).toEqual(allRules().map((r) => r.id));
  });

  test("GIVEN loader/schema WHEN its imports are followed THEN no guardrail rule is loaded, only rule-ids.ts", () => {
    const loaded = [...importClosure(path.join(ROOT, "loader", "schema", "index.ts"))].map((f) =>
      path.relative(ROOT, f),
    );
    expect(loaded).toContain(path.join("modules", "guardrails", "rule-ids.ts"));
    expect(
      loaded.filter((f) => f.startsWith(path.join("modules", "guardrails")) && !f.endsWith("rule-ids.ts")),
    ).toEqual([]);
  });

  test("GIVEN a suppression of an id not in the list WHEN the environment is validated THEN it is rejected", () => {
    const input = exampleInput("dev");
    (input as any).guardrails = {
      suppressions: [{ rule: "BL-NET-999", path: "x", reason: "a reason that is long enough" }],
    };
    const result = environmentSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain("BL-NET-001");
  });
});
