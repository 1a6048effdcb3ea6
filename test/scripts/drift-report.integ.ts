/** `npm run drift-report` as the drift workflow runs it: plan artifacts in, the issues JSON out. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "plans", `${name}.txt`), "utf8");

describe("drift report CLI", () => {
  test("npm run drift-report writes the issues JSON the workflow step reads", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-drift-"));
    fs.mkdirSync(path.join(dir, "plan-dev"));
    fs.writeFileSync(path.join(dir, "plan-dev", "plan.txt"), fixture("drift"));
    fs.writeFileSync(path.join(dir, "plan-dev", "result.json"), JSON.stringify({ environment: "dev", exitcode: 2 }));
    const json = path.join(dir, "drift.json");
    const out = execFileSync(
      process.execPath,
      [
        "-r",
        "./tools/swc-register.js",
        "ops/drift-report.ts",
        "--plans",
        dir,
        "--environments",
        JSON.stringify([{ environment: "dev" }, { environment: "prod" }]),
        "--json",
        json,
      ],
      { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" },
    );
    expect(out).toContain("## Drift");
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as {
      environments: { environment: string; status: string; issueTitle: string }[];
    };
    expect(report.environments.map((e) => [e.environment, e.status, e.issueTitle])).toEqual([
      ["dev", "drift", "Drift: dev"],
      ["prod", "failed", "Drift: prod"],
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
