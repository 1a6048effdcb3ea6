/**
 * The drift reporter on real plan text: drift (exit code 2) opens or updates an issue naming what changed outside
 * Terraform, a clean environment closes it, a failed plan is reported as failed (never as clean).
 */
import * as fs from "fs";
import * as path from "path";
import { driftEntry, renderDriftSummary } from "../../ops/lib/drift-report";
import { GITHUB_COMMENT_LIMIT } from "../../ops/lib/plan-text";

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "plans", `${name}.txt`), "utf8");

describe("drift report", () => {
  test("GIVEN a plan with changes made outside Terraform THEN drift, the changed addresses and what applying would do", () => {
    const e = driftEntry(
      { environment: "dev", text: fixture("drift"), result: { environment: "dev", exitcode: 2 } },
      "https://run",
    );
    expect(e.status).toBe("drift");
    expect(e.issueTitle).toBe("Drift: dev");
    expect(e.drifted).toEqual([
      "aws_security_group.Network_main_Endpoints_EndpointSecurityGroup_3F1B2C4D",
      "aws_cloudwatch_log_group.SessionLogs_LogGroup_9A8B7C6D",
    ]);
    expect(e.issueBody).toContain(
      "Changed outside of Terraform: `aws_security_group.Network_main_Endpoints_EndpointSecurityGroup_3F1B2C4D`",
    );
    expect(e.issueBody).toContain("Applying main would do `+0 ~2 -0`");
    expect(e.issueBody).toContain("retention_in_days = 365 -> 30");
    expect(e.issueBody).toContain("([run](https://run))");
  });

  test("GIVEN exit code 2 with no refresh changes (main not applied yet) THEN drift that says so, naming destroys", () => {
    const e = driftEntry({
      environment: "prod",
      text: fixture("replace-destroy"),
      result: { environment: "prod", exitcode: 2 },
    });
    expect(e.status).toBe("drift");
    expect(e.issueBody).toContain("main holds configuration that is not applied yet");
    expect(e.issueBody).toContain("destroying `terraform_data.gone`, replacing `terraform_data.replaced`");
  });

  test("GIVEN exit code 0 THEN clean (the workflow closes an open drift issue with this body)", () => {
    const e = driftEntry({
      environment: "dev",
      text: "No changes. Your infrastructure matches the configuration.",
      result: { environment: "dev", exitcode: 0 },
    });
    expect(e.status).toBe("clean");
    expect(e.issueBody).toContain("matching its configuration again");
  });

  test("GIVEN a failed or missing plan THEN failed, never clean", () => {
    expect(
      driftEntry({ environment: "dev", text: fixture("failed"), result: { environment: "dev", exitcode: 1 } }).status,
    ).toBe("failed");
    expect(driftEntry({ environment: "dev", text: "" }).status).toBe("failed");
  });

  test("GIVEN a huge drifted plan THEN the issue body still fits GitHub's limit", () => {
    const huge = `${fixture("drift")}${"  # aws_x.y will be updated in-place\n".repeat(20_000)}`;
    const e = driftEntry({ environment: "dev", text: huge, result: { environment: "dev", exitcode: 2 } });
    expect(e.issueBody.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(e.issueBody).toContain("Changed outside of Terraform");
  });

  test("the job summary has one row per environment with its status", () => {
    const s = renderDriftSummary([
      driftEntry({ environment: "dev", text: fixture("drift"), result: { environment: "dev", exitcode: 2 } }),
      driftEntry({ environment: "prod", text: "No changes.", result: { environment: "prod", exitcode: 0 } }),
      driftEntry({ environment: "staging", text: "" }),
    ]);
    expect(s).toContain("| dev | ⚠️ drift | `aws_security_group.");
    expect(s).toContain("| prod | ✅ clean | – | – |");
    expect(s).toContain("| staging | ❌ plan failed | – | – |");
  });
});
