/**
 * .github/scripts/terraform-plan.sh and terraform-apply.sh with the real Terraform, offline (built-in
 * terraform_data resources, local state): the plan step writes the saved plan and its configuration; the apply step
 * applies exactly that file, refuses a tampered one, and Terraform refuses a stale one. A recording fake terraform
 * shows the flags each mode passes (PR plans never take the state lock).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { terraformInstalled, TERRAFORM_ENV } from "../../tools/terraform";

const SCRIPTS = path.join(__dirname, "..", "..", ".github", "scripts");
jest.setTimeout(120_000);

function stack(dir: string, input: string): string {
  const s = path.join(dir, "stack");
  fs.mkdirSync(s, { recursive: true });
  const config = {
    terraform: { required_version: ">= 1.10.0", backend: { local: { path: path.join(dir, "state.tfstate") } } },
    resource: { terraform_data: { a: { input } } },
  };
  fs.writeFileSync(path.join(s, "cdk.tf.json"), JSON.stringify(config));
  return s;
}
const sh = (script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync("bash", [path.join(SCRIPTS, script), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...TERRAFORM_ENV, ...env },
  });
const result = (dir: string, env: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, "plan-out", env, "result.json"), "utf8")) as {
    exitcode: number;
    sha256: string;
  };

const real = terraformInstalled() ? describe : describe.skip;
real("plan once, apply that plan (real terraform)", () => {
  test("GIVEN changes THEN exit code 2, a saved plan with its checksum; applying it converges; a re-plan has no changes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-plan-"));
    const s = stack(dir, "one");
    const plan = sh("terraform-plan.sh", ["dev", "apply"], dir, { STACK_DIR: s });
    expect(plan.status).toBe(0);
    expect(result(dir, "dev")).toMatchObject({ exitcode: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const artifact = path.join(dir, "plan-out", "dev", "stack");
    expect(fs.readdirSync(artifact).sort()).toEqual(["cdk.tf.json", "tfplan", "tfplan.sha256"]);
    expect(fs.readFileSync(path.join(dir, "plan-out", "dev", "plan.txt"), "utf8")).toContain(
      "Plan: 1 to add, 0 to change, 0 to destroy.",
    );
    const apply = sh("terraform-apply.sh", [artifact], dir);
    expect(apply.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    expect(apply.status).toBe(0);
    const again = sh("terraform-plan.sh", ["dev", "pull-request"], dir, { STACK_DIR: s });
    expect(again.status).toBe(0);
    expect(result(dir, "dev")).toMatchObject({ exitcode: 0, sha256: "" });
    expect(fs.existsSync(path.join(dir, "plan-out", "dev", "stack", "tfplan.sha256"))).toBe(true); // from before
  });

  test("GIVEN a tampered plan file THEN apply refuses before Terraform runs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-plan-"));
    sh("terraform-plan.sh", ["dev", "apply"], dir, { STACK_DIR: stack(dir, "one") });
    const artifact = path.join(dir, "plan-out", "dev", "stack");
    fs.appendFileSync(path.join(artifact, "tfplan"), "x");
    const apply = sh("terraform-apply.sh", [artifact], dir);
    expect(apply.status).not.toBe(0);
    expect(apply.stderr).toContain("tfplan does not match its checksum: refusing to apply");
    expect(fs.existsSync(path.join(dir, "state.tfstate"))).toBe(false);
  });

  test("GIVEN two plans of one state THEN the second is stale after the first is applied, and Terraform refuses it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-plan-"));
    const s = stack(dir, "one");
    sh("terraform-plan.sh", ["dev", "apply"], dir, { STACK_DIR: s, PLAN_OUT: "first" });
    sh("terraform-plan.sh", ["dev", "apply"], dir, { STACK_DIR: s, PLAN_OUT: "second" });
    expect(sh("terraform-apply.sh", [path.join(dir, "first", "dev", "stack")], dir).status).toBe(0);
    const stale = sh("terraform-apply.sh", [path.join(dir, "second", "dev", "stack")], dir);
    expect(stale.status).not.toBe(0);
    expect(stale.stdout + stale.stderr).toMatch(/Saved plan is stale/);
  });

  test("GIVEN a configuration error THEN exit 1, result exitcode 1 and the error text as the plan", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-plan-"));
    const s = stack(dir, "${terraform_data.missing.output}");
    const plan = sh("terraform-plan.sh", ["dev", "pull-request"], dir, { STACK_DIR: s });
    expect(plan.status).toBe(1);
    expect(result(dir, "dev").exitcode).toBe(1);
    expect(fs.readFileSync(path.join(dir, "plan-out", "dev", "plan.txt"), "utf8")).toContain(
      "Error: Reference to undeclared resource",
    );
  });
});

describe("flags per mode (recording fake terraform)", () => {
  function fake(exit: number): { dir: string; calls: () => string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-fake-"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(
      path.join(dir, "bin", "terraform"),
      `#!/usr/bin/env bash\necho "$*" >> "${dir}/calls"\ncase " $* " in *" plan "*) touch "${dir}/stack/tfplan"; exit ${exit};; esac\nexit 0\n`,
      { mode: 0o755 },
    );
    fs.mkdirSync(path.join(dir, "stack"));
    fs.writeFileSync(path.join(dir, "stack", "cdk.tf.json"), "{}");
    return { dir, calls: () => fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n") };
  }
  const runFake = (f: { dir: string }, mode: string, extra: NodeJS.ProcessEnv = {}) =>
    spawnSync("bash", [path.join(SCRIPTS, "terraform-plan.sh"), "dev", mode], {
      cwd: f.dir,
      encoding: "utf8",
      env: { ...process.env, PATH: `${f.dir}/bin:${process.env.PATH}`, STACK_DIR: `${f.dir}/stack`, ...extra },
    });

  test("GIVEN a pull request THEN -detailed-exitcode -no-color -lock=false -out=tfplan, and GITHUB_OUTPUT gets the exit code", () => {
    const f = fake(2);
    fs.writeFileSync(path.join(f.dir, "out"), "");
    expect(runFake(f, "pull-request", { GITHUB_OUTPUT: path.join(f.dir, "out") }).status).toBe(0);
    expect(f.calls()).toContain(
      `-chdir=${f.dir}/stack plan -input=false -no-color -detailed-exitcode -lock=false -out=tfplan`,
    );
    expect(fs.readFileSync(path.join(f.dir, "out"), "utf8")).toBe("exitcode=2\n");
  });

  test("GIVEN drift THEN no lock either; GIVEN apply THEN the lock is taken with a timeout", () => {
    const drift = fake(0);
    runFake(drift, "drift");
    expect(drift.calls().find((c) => c.includes(" plan "))).toContain("-lock=false");
    const apply = fake(0);
    runFake(apply, "apply");
    expect(apply.calls().find((c) => c.includes(" plan "))).toContain("-lock=true -lock-timeout=10m");
  });

  test("GIVEN an unknown mode or no synthesized stack THEN a clear error and exit 1", () => {
    const f = fake(0);
    const bad = runFake(f, "yolo");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('mode must be pull-request, apply or drift, not "yolo"');
    const missing = runFake(f, "apply", { STACK_DIR: path.join(f.dir, "nothing") });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("cdk.tf.json not found: run npm run synth first");
  });

  test("GIVEN no artifact THEN apply refuses: nothing reviewed to apply", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-fake-"));
    const r = spawnSync("bash", [path.join(SCRIPTS, "terraform-apply.sh"), dir], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("nothing reviewed to apply");
  });
});
