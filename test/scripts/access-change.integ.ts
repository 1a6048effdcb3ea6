/**
 * The access change and the approval check as the workflow runs them: two real synth outputs (the base and a pull
 * request, each `npm run synth` in a child process), `npm run access-change` over them, then `npm run
 * access-approval` with the reviews. Widening prod without the owners' approval fails the check; narrowing passes.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { envDir, tempDir, variant } from "../helpers/env-dir";
import { runMain } from "../helpers/run-main";

const ROOT = path.join(__dirname, "..", "..");
const HEAD = "a".repeat(40);

function synth(configDir: string): string {
  const out = tempDir("bl-out-");
  const r = runMain({ CDKTF_OUTDIR: out, BASTIONLESS_CONFIG_DIR: configDir, BASTIONLESS_NOW: "2026-12-07T12:00:00Z" });
  if (r.code !== 0) throw new Error(`synth failed: ${r.stderr}`);
  return out;
}

const ops = (script: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ["-r", "./tools/swc-register.js", `ops/${script}.ts`, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, BASTIONLESS_NOW: "2026-12-07T12:00:00Z", ...env },
  });

describe("GIVEN the examples as the base (prod protected, owned by @example-org/sre-leads)", () => {
  const baseDir = envDir();
  const base = synth(baseDir);

  function changeTo(prod: object) {
    const headDir = envDir({ "prod.yaml": prod });
    const head = synth(headDir);
    const dir = tempDir("bl-ac-");
    const json = path.join(dir, "change.json");
    const md = path.join(dir, "change.md");
    const r = ops("access-change", [
      "--base",
      base,
      "--head",
      head,
      "--base-config",
      baseDir,
      "--head-config",
      headDir,
      "--json",
      json,
      "--markdown",
      md,
    ]);
    return { r, json, md, dir };
  }

  const approval = (json: string, dir: string, reviews: object[]) => {
    const file = path.join(dir, "reviews.json");
    fs.writeFileSync(file, JSON.stringify(reviews));
    const teams = path.join(dir, "teams.json");
    fs.writeFileSync(teams, JSON.stringify({ "@example-org/sre-leads": ["alice"] }));
    return ops("access-approval", [
      "--change",
      json,
      "--reviews",
      file,
      "--teams",
      teams,
      "--head-sha",
      HEAD,
      "--author",
      "dave",
    ]);
  };

  test("WHEN a pull request widens prod's tags THEN the change says so and the check fails until an owner approves the head", () => {
    const { r, json, md, dir } = changeTo(
      variant("prod", (e) => {
        e.accessGroups[0].instanceTags["bastionless:team"] = ["sre", "data"];
      }),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("prod (account 333333333333):");
    expect(r.stdout).toContain(
      "^ IAM group bastionless-prod-sre-shell: shell on instances bastionless:environment=prod and bastionless:team=sre → bastionless:environment=prod and bastionless:team=data|sre (wider)",
    );
    expect(fs.readFileSync(md, "utf8")).toContain(
      "⚠️ **widens access in a protected environment**: needs an approval from @example-org/sre-leads",
    );
    const denied = approval(json, dir, []);
    expect(denied.status).toBe(1);
    expect(denied.stdout).toContain("❌ This pull request widens access in a protected environment");
    expect(approval(json, dir, [{ user: "alice", state: "APPROVED", commit: "b".repeat(40) }]).status).toBe(1);
    expect(approval(json, dir, [{ user: "alice", state: "APPROVED", commit: HEAD }]).status).toBe(0);
  });

  test("WHEN a pull request narrows prod's access THEN the check passes without any review", () => {
    const { r, json, dir } = changeTo(
      variant("prod", (e) => {
        e.accessGroups[0].principals.identityCenter = undefined;
      }),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}- Identity Center group SRE-OnCall/m);
    const ok = approval(json, dir, []);
    expect([ok.status, ok.stdout]).toEqual([0, expect.stringContaining("no owner approval needed")]);
  });

  test("WHEN the change file is missing (the base did not synthesize) THEN the check fails closed", () => {
    const dir = tempDir("bl-ac-");
    expect(approval(path.join(dir, "missing.json"), dir, []).status).toBe(1);
  });

  test("WHEN the base directory is not a synth output THEN access-change exits 1 with a clear message, no stack trace", () => {
    const r = ops("access-change", ["--base", tempDir("bl-empty-"), "--head", base]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no manifest\.json; run npm run synth first/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
