/**
 * The pull-request comment renderer on real Terraform plan text (test/fixtures/plans) and a synthetic 200 k plan:
 * summaries, destroys/replacements called out, failed plans shown, ANSI-free, and always under GitHub's limit.
 */
import * as fs from "fs";
import * as path from "path";
import {
  accessDiff,
  COMMENT_MARKER,
  costDiff,
  renderComment,
  renderSummary,
  summaryLine,
} from "../../ops/lib/plan-comment";
import {
  fence,
  GITHUB_COMMENT_LIMIT,
  shareBudget,
  stripAnsi,
  summarizePlan,
  trimMiddle,
  type EnvironmentPlan,
} from "../../ops/lib/plan-text";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, `${name}.txt`), "utf8");
const plan = (environment: string, text: string, exitcode?: number): EnvironmentPlan => ({
  environment,
  text,
  result: exitcode === undefined ? undefined : { environment, exitcode },
});

/** A 200 k plan in Terraform's format: many created resources with long policies. */
function syntheticPlan(chars = 200_000): string {
  const block = (i: number) =>
    `  # aws_iam_role_policy.Synthetic_${i} will be created\n  + resource "aws_iam_role_policy" "Synthetic_${i}" {\n      + policy = jsonencode(\n            {\n              + Statement = [${"x".repeat(300)}]\n            }\n        )\n    }\n\n`;
  let body = "\nTerraform will perform the following actions:\n\n";
  let n = 0;
  while (body.length < chars) body += block(n++);
  return `${body}Plan: ${n} to add, 0 to change, 0 to destroy.\n`;
}

describe("reading plan text", () => {
  test("GIVEN the real first-time plans of the examples THEN the Plan: counts are read", () => {
    expect(summarizePlan(fixture("dev"), 2)).toMatchObject({ status: "changes", add: 54, change: 0, destroy: 0 });
    expect(summarizePlan(fixture("staging"), 2).status).toBe("changes");
    expect(summarizePlan(fixture("prod"), 2)).toMatchObject({ add: 43, destroyed: [], replaced: [] });
  });

  test("GIVEN a plan that destroys and replaces THEN both are named, replacements not counted as plain destroys", () => {
    const s = summarizePlan(fixture("replace-destroy"), 2);
    expect(s).toMatchObject({ add: 2, change: 1, destroy: 2 });
    expect(s.destroyed).toEqual(["terraform_data.gone"]);
    expect(s.replaced).toEqual(["terraform_data.replaced"]);
  });

  test("GIVEN coloured output THEN the summary still matches (the old cdktf diff regex never did)", () => {
    const coloured = "\x1b[1mPlan:\x1b[0m 3 to add, 1 to change, 0 to destroy.\n".replace(
      "\x1b[1mPlan:\x1b[0m",
      "\x1b[0m\x1b[1mPlan:\x1b[0m",
    );
    expect(stripAnsi(coloured)).toBe("Plan: 3 to add, 1 to change, 0 to destroy.\n");
    expect(summarizePlan(coloured, 2)).toMatchObject({ add: 3, change: 1, destroy: 0 });
  });

  test("GIVEN exit code 1 or no result THEN the plan is failed, whatever the text says", () => {
    expect(summarizePlan(fixture("failed"), 1).status).toBe("failed");
    expect(summarizePlan(fixture("dev"), 1).status).toBe("failed");
    expect(summarizePlan("No changes. Your infrastructure matches the configuration.", 0).status).toBe("no-changes");
  });

  test("GIVEN a refresh that found changes outside Terraform THEN the drifted addresses are read", () => {
    expect(summarizePlan(fixture("drift"), 2).drifted).toEqual([
      "aws_security_group.Network_main_Endpoints_EndpointSecurityGroup_3F1B2C4D",
      "aws_cloudwatch_log_group.SessionLogs_LogGroup_9A8B7C6D",
    ]);
    expect(summarizePlan(fixture("dev"), 2).drifted).toEqual([]);
  });
});

describe("fitting text", () => {
  test("trimMiddle keeps the head and the Plan: line at the tail, within the limit", () => {
    const text = syntheticPlan();
    const t = trimMiddle(text, 10_000);
    expect(t.length).toBeLessThanOrEqual(10_000);
    expect(t.startsWith(text.slice(0, 1000))).toBe(true);
    expect(t).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\.\n$/);
    expect(t).toMatch(/… \d+ characters trimmed/);
    expect(trimMiddle("short", 10)).toBe("short");
  });

  test("shareBudget gives small texts all they need and splits the rest evenly among the large", () => {
    expect(shareBudget([100, 50_000, 200_000], 30_100)).toEqual([100, 15_000, 15_000]);
    expect(shareBudget([10, 20], 1_000)).toEqual([10, 20]);
    expect(shareBudget([10, 20], -5)).toEqual([0, 0]);
  });

  test("a fence is longer than any backtick run in the text, so plan text cannot close it", () => {
    expect(fence("no ticks")).toBe("```");
    expect(fence("a ```` b")).toBe("`````");
  });
});

describe("the comment", () => {
  const real = () => [
    plan("dev", fixture("dev"), 2),
    plan("prod", fixture("prod"), 2),
    plan("staging", fixture("staging"), 2),
  ];

  test("GIVEN the three real plans (≈117 k together) THEN one comment under GitHub's limit, every environment present", () => {
    const body = renderComment({ plans: real(), runUrl: "https://github.com/o/r/actions/runs/1" });
    expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(Buffer.byteLength(body, "utf8")).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(body.split("\n")[0]).toBe(COMMENT_MARKER);
    expect(body).toContain("| dev | changes | `+54 ~0 -0` |");
    expect(body).toContain("| prod | changes | `+43 ~0 -0` |");
    expect(body.match(/<details/g)).toHaveLength(3);
    expect(body).toContain("(trimmed)");
    expect(body).toContain("[the run's artifacts](https://github.com/o/r/actions/runs/1) (`plan-dev`)");
    expect(body).not.toMatch(/\x1b/);
  });

  test("GIVEN a synthetic 200 k plan next to the real ones THEN the body still fits and the small plans keep their share", () => {
    const plans = [...real(), plan("huge", syntheticPlan(), 2)];
    const body = renderComment({ plans });
    expect(Buffer.byteLength(body, "utf8")).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(body).toMatch(/\| huge \| changes \| `\+\d+ ~0 -0` \|/);
    for (const env of ["dev", "prod", "staging", "huge"]) expect(body).toContain(`<summary>${env}: +`);
    expect(body).toContain("Plan: 54 to add, 0 to change, 0 to destroy.");
  });

  test("GIVEN a failed plan and a plan that never arrived THEN both are shown as failed, open, with the error", () => {
    const body = renderComment({
      plans: [plan("dev", fixture("failed"), 1), plan("prod", "", undefined), plan("staging", "No changes.", 0)],
    });
    expect(body).toContain("| dev | ❌ **failed** | terraform plan failed (see below) |");
    expect(body).toContain("| prod | ❌ **failed** | no plan: the plan job did not finish |");
    expect(body).toContain("| staging | no changes | `+0 ~0 -0` |");
    expect(body).toContain("<details open><summary>dev: plan failed</summary>");
    expect(body).toContain("Error: Reference to undeclared resource");
  });

  test("GIVEN destroys and replacements THEN the summary line calls them out by address", () => {
    const line = summaryLine(plan("dev", "", 2), summarizePlan(fixture("replace-destroy"), 2));
    expect(line).toBe(
      "| dev | changes | `+2 ~1 -2`<br>⚠️ **destroys** `terraform_data.gone`<br>⚠️ **replaces** `terraform_data.replaced` |",
    );
  });

  test("GIVEN a tiny budget THEN the body is cut to it rather than rejected by GitHub", () => {
    expect(renderComment({ plans: real() }, 5_000).length).toBeLessThanOrEqual(5_000);
  });

  test("the job summary of one plan names destroys and keeps the full text of a real plan", () => {
    const s = renderSummary(plan("dev", fixture("replace-destroy"), 2));
    expect(s).toMatch(/^### dev: \+2 ~1 -2\n/);
    expect(s).toContain("**Destroys:** `terraform_data.gone`");
    expect(renderSummary(plan("dev", fixture("dev"), 2))).toContain(fixture("dev").trim());
    expect(renderSummary(plan("dev", syntheticPlan(2_000_000), 2)).length).toBeLessThan(1_048_576);
  });
});

test("GIVEN failed checks and no plans THEN the comment says so (replacing a stale one) instead of failing", () => {
  const body = renderComment({ plans: [], checks: "failure", runUrl: "https://run" });
  expect(body.split("\n")[0]).toBe(COMMENT_MARKER);
  expect(body).toContain(
    "❌ **The checks failed** (typecheck, lint, tests, synth or validate): see [the run](https://run).",
  );
  expect(body).toContain("No plans: the environments were not planned in this run.");
  expect(renderComment({ plans: [], checks: "success" })).not.toContain("The checks");
});

describe("access and cost changes", () => {
  const table = (env: string, rows: string[]) =>
    [`### Session access: ${env}`, "", "| group | principal | shell |", "| --- | --- | --- |", ...rows, ""].join("\n");

  test("GIVEN a group that gains shell and one removed THEN gains and losses are listed per environment", () => {
    const base = [
      table("dev", ["| ops | role/ops | no |", "| old | role/old | yes |"]),
      table("prod", ["| sre | g | yes |"]),
    ].join("\n");
    const head = [table("dev", ["| ops | role/ops | yes |"]), table("prod", ["| sre | g | yes |"])].join("\n");
    const diff = accessDiff(head, base);
    expect(diff).toContain("**dev**");
    expect(diff).toContain("| ➕ gains | ops | role/ops | yes |");
    expect(diff).toContain("| ➖ loses | ops | role/ops | no |");
    expect(diff).toContain("| ➖ loses | old | role/old | yes |");
    expect(diff).not.toContain("**prod**");
    expect(accessDiff(head, head)).toBe("No change in who may open which sessions.");
    expect(accessDiff(head, undefined)).toMatch(/could not be computed/);
  });

  test("GIVEN synth summaries of base and head THEN the endpoint cost change per environment", () => {
    const base = "dev: 56 resources, 4 endpoints × 1 AZ ≈ $32.12/month → cdktf.out/stacks/dev\n";
    const head =
      "dev: 58 resources, 5 endpoints × 2 AZ ≈ $80.30/month → cdktf.out/stacks/dev\nqa: 3 resources, 4 endpoints × 1 AZ ≈ $32.12/month → x\n";
    const t = costDiff(head, base);
    expect(t).toContain("| dev | $32.12 | $80.30 | +$48.18 |");
    expect(t).toContain("| qa | – | $32.12 | +$32.12 |");
    expect(costDiff(base, head)).toContain("| dev | $80.30 | $32.12 | −$48.18 |");
  });
});
