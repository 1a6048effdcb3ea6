import * as fs from "fs";
import { allRules, suppressedFindings } from "../../modules/guardrails";
import { GUARDRAILS_DOC, renderGuardrailsDoc } from "../../tools/guardrails-docs";
import { Testing } from "../../modules/core/cdktf";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { annotations } from "../helpers/guardrails";
import type { EnvironmentInput } from "../../loader/schema";
import { exampleConfig } from "../helpers/synth";

describe("the rule catalogue", () => {
  test("ids are unique, well-formed and each rule is fully documented", () => {
    const rules = allRules();
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.id).toMatch(/^BL-(NET|LOG|BKT|KMS|SES|IAM|DUR)-\d{3}$/);
      expect(["error", "warning"]).toContain(r.severity);
      for (const text of [r.title, r.why, r.fix]) expect(text.length).toBeGreaterThan(15);
      expect(r.resourceTypes.length).toBeGreaterThan(0);
    }
  });

  test("docs/guardrails.md is generated from the rules (run `npm run docs` when this fails)", () => {
    const doc = fs.readFileSync(GUARDRAILS_DOC, "utf8");
    expect(doc).toBe(renderGuardrailsDoc());
    for (const r of allRules())
      expect(doc).toContain(`### ${r.id}\n\n**${r.title}** (${r.severityNote ?? r.severity})`);
  });
});

describe("guardrails in the environment stacks", () => {
  test.each(["dev", "staging", "prod"])("%s: no findings at all", (name) => {
    const stack = new EnvironmentStack(Testing.app(), name, { config: exampleConfig(name) });
    Testing.synth(stack);
    expect(annotations(stack)).toEqual([]);
  });

  test("guardrails.minLogRetentionDays and guardrails.suppressions of the environment file reach the rules", () => {
    // GIVEN dev with a 90-day flow-log retention, once against the default minimum (365) and once suppressed
    const shortFlowLogs = (input: EnvironmentInput) => {
      (input.vpcs[0] as { flowLogRetentionDays?: number }).flowLogRetentionDays = 90;
    };
    const failing = new EnvironmentStack(Testing.app(), "dev", { config: exampleConfig("dev", shortFlowLogs) });
    Testing.synth(failing);
    expect(annotations(failing).map((a) => `${a.level} ${a.rule} ${a.path}`)).toEqual([
      "error BL-LOG-002 dev/Network/main/Vpc/FlowLogGroup",
    ]);

    const suppressed = new EnvironmentStack(Testing.app(), "dev", {
      config: exampleConfig("dev", (input) => {
        shortFlowLogs(input);
        // Added to the example's own suppression (BL-SES-003 of its database tunnel).
        input.guardrails = {
          suppressions: [
            ...(input.guardrails?.suppressions ?? []),
            { rule: "BL-LOG-002", path: "Network/main/Vpc", reason: "Flow logs are archived centrally for 7 years" },
          ],
        };
      }),
    });
    Testing.synth(suppressed);
    expect(annotations(suppressed)).toEqual([]);
    expect(suppressedFindings(suppressed).filter((f) => f.rule !== "BL-SES-003")).toEqual([
      expect.objectContaining({
        rule: "BL-LOG-002",
        path: "Network/main/Vpc/FlowLogGroup",
        reason: "Flow logs are archived centrally for 7 years",
      }),
    ]);
  });
});
