/** `npm run plan-comment` as the plan workflow runs it, on artifacts laid out as download-artifact writes them. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "plans", `${name}.txt`), "utf8");

describe("npm run plan-comment", () => {
  test("GIVEN artifacts laid out as download-artifact writes them THEN the CLI prints the comment; a missing plan is failed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-comment-"));
    fs.mkdirSync(path.join(dir, "plan-dev"));
    fs.writeFileSync(path.join(dir, "plan-dev", "plan.txt"), fixture("dev"));
    fs.writeFileSync(path.join(dir, "plan-dev", "result.json"), JSON.stringify({ environment: "dev", exitcode: 2 }));
    const out = execFileSync(
      process.execPath,
      [
        "-r",
        "./tools/swc-register.js",
        "ops/plan-comment.ts",
        "--plans",
        dir,
        "--environments",
        JSON.stringify([{ environment: "dev" }, { environment: "prod" }]),
      ],
      { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" },
    );
    expect(out).toContain("| dev | changes | `+54 ~0 -0` |");
    expect(out).toContain("| prod | ❌ **failed** |");
    expect(out).toContain("_The access report could not be computed._");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
