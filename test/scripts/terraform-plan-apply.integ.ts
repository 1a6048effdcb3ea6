/**
 * .github/scripts/terraform-plan.sh, terraform-apply.sh and plan-changes.mjs with the real Terraform, offline
 * (built-in terraform_data resources, local state): the plan step writes the saved plan, its configuration and its
 * changes; the apply step applies exactly that file (checksum from result.json, never from the artifact itself),
 * refuses a tampered one, and Terraform refuses a stale one. A merge-time plan is checked against the reviewed
 * (pull request) plans; an apply whose saved plan expired, or a re-run, plans again and applies only reviewed
 * changes. A recording fake terraform shows the flags each mode passes (PR plans never take the state lock).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { terraformInstalled, TERRAFORM_ENV } from "../../tools/terraform";

const SCRIPTS = path.join(__dirname, "..", "..", ".github", "scripts");
jest.setTimeout(180_000);

type Resources = Record<string, { input: string }>;
/** A stack of terraform_data resources (`b` may refer to `a`); local state in dir/state.tfstate. */
function stack(dir: string, resources: Resources, name = "stack"): string {
  const s = path.join(dir, name);
  fs.mkdirSync(s, { recursive: true });
  const config = {
    terraform: { required_version: ">= 1.10.0", backend: { local: { path: path.join(dir, "state.tfstate") } } },
    resource: { terraform_data: resources },
  };
  fs.writeFileSync(path.join(s, "cdk.tf.json"), JSON.stringify(config));
  return s;
}
const sh = (script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync("bash", [path.join(SCRIPTS, script), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...TERRAFORM_ENV, GITHUB_STEP_SUMMARY: "", GITHUB_RUN_ATTEMPT: "1", ...env },
  });
const out = (dir: string, env = "dev", planOut = "plan-out") => path.join(dir, planOut, env);
const result = (dir: string, env = "dev", planOut = "plan-out") =>
  JSON.parse(fs.readFileSync(path.join(out(dir, env, planOut), "result.json"), "utf8")) as {
    exitcode: number;
    sha256: string;
    attempt: number;
    reviewed: boolean | null;
  };
const state = (dir: string) =>
  (
    JSON.parse(fs.readFileSync(path.join(dir, "state.tfstate"), "utf8")) as {
      resources: { name: string; instances: { attributes: { input: { value: string } } }[] }[];
    }
  ).resources.map((r) => `${r.name}=${r.instances[0].attributes.input.value}`);
/** Copies a plan's changes.json where apply.yml's reviewed job puts a pull request's plans. */
function reviewedFrom(dir: string, planOut: string, env = "dev"): string {
  const target = path.join(dir, "reviewed", `pr-7-run-1-${planOut}`, `plan-${env}`);
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(out(dir, env, planOut), "changes.json"), path.join(target, "changes.json"));
  return path.join(dir, "reviewed");
}

const real = terraformInstalled() ? describe : describe.skip;
real("plan once, apply that plan (real terraform)", () => {
  test("GIVEN changes THEN exit code 2, the saved plan beside (not inside) its configuration, its checksum only in result.json; applying it converges", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-plan-"));
    const s = stack(dir, { a: { input: "one" } });
    const plan = sh("terraform-plan.sh", ["dev", "apply"], dir, { STACK_DIR: s });
    expect(plan.status).toBe(0);
    const r = result(dir);
    expect(r).toMatchObject({
      exitcode: 2,
      attempt: 1,
      reviewed: null,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(fs.readdirSync(path.join(out(dir), "stack")).sort()).toEqual(["cdk.tf.json"]);
    expect(fs.readdirSync(out(dir)).filter((f) => f.includes("sha256"))).toEqual([]);
    expect(fs.readFileSync(path.join(out(dir), "plan.txt"), "utf8")).toContain(
      "Plan: 1 to add, 0 to change, 0 to destroy.",
    );
    const changes = JSON.parse(fs.readFileSync(path.join(out(dir), "changes.json"), "utf8"));
    expect(changes).toMatchObject({
      format: 1,
      environment: "dev",
      changes: [{ address: "terraform_data.a", actions: ["create"] }],
    });
    expect(JSON.stringify(changes)).not.toContain("one"); // no values, only their digest
    const apply = sh("terraform-apply.sh", [out(dir), path.join(out(dir), "tfplan")], dir);
    expect(apply.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    expect(apply.status).toBe(0);
    expect(state(dir)).toEqual(["a=one"]);
    expect(sh("terraform-plan.sh", ["dev", "pull-request"], dir, { STACK_DIR: s }).status).toBe(0);
    expect(result(dir)).toMatchObject({ exitcode: 0, sha256: "" });
  });

  test("GIVEN a tampered plan file, or a checksum that travelled with it, THEN apply refuses before Terraform runs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-plan-"));
    sh("terraform-plan.sh", ["dev", "apply"], dir, { STACK_DIR: stack(dir, { a: { input: "one" } }) });
    const tfplan = path.join(out(dir), "tfplan");
    fs.appendFileSync(tfplan, "x");
    // A checksum file beside the tampered plan changes nothing: only result.json's counts.
    fs.writeFileSync(
      `${tfplan}.sha256`,
      spawnSync("sha256sum", ["tfplan"], { cwd: out(dir), encoding: "utf8" }).stdout,
    );
    const apply = sh("terraform-apply.sh", [out(dir), tfplan], dir);
    expect(apply.status).not.toBe(0);
    expect(apply.stderr).toContain("tfplan does not match the checksum the plan job recorded");
    expect(fs.existsSync(path.join(dir, "state.tfstate"))).toBe(false);
  });

  test("GIVEN two plans of one state THEN the second is stale after the first is applied, and Terraform refuses it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-plan-"));
    const s = stack(dir, { a: { input: "one" } });
    sh("terraform-plan.sh", ["dev", "apply"], dir, { STACK_DIR: s, PLAN_OUT: "first" });
    sh("terraform-plan.sh", ["dev", "apply"], dir, { STACK_DIR: s, PLAN_OUT: "second" });
    expect(
      sh("terraform-apply.sh", [out(dir, "dev", "first"), path.join(out(dir, "dev", "first"), "tfplan")], dir).status,
    ).toBe(0);
    const second = out(dir, "dev", "second");
    const stale = sh("terraform-apply.sh", [second, path.join(second, "tfplan")], dir);
    expect(stale.status).not.toBe(0);
    expect(stale.stdout + stale.stderr).toMatch(/Saved plan is stale/);
  });

  test("GIVEN a configuration error THEN exit 1, result exitcode 1 and the error text as the plan", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-plan-"));
    const s = stack(dir, { a: { input: "${terraform_data.missing.output}" } });
    const plan = sh("terraform-plan.sh", ["dev", "pull-request"], dir, { STACK_DIR: s });
    expect(plan.status).toBe(1);
    expect(result(dir).exitcode).toBe(1);
    expect(fs.readFileSync(path.join(out(dir), "plan.txt"), "utf8")).toContain(
      "Error: Reference to undeclared resource",
    );
  });
});

real("the merge-time plan against the reviewed plans (real terraform)", () => {
  test("GIVEN the pull request's plan THEN the same merge-time plan is reviewed; a changed value, an extra resource or another environment's plan is not", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-review-"));
    const reviewedConfig = { a: { input: "one" }, b: { input: "${terraform_data.a.id}" } };
    sh("terraform-plan.sh", ["dev", "pull-request"], dir, { STACK_DIR: stack(dir, reviewedConfig), PLAN_OUT: "pr" });
    const reviewed = reviewedFrom(dir, "pr");

    const same = sh("terraform-plan.sh", ["dev", "apply"], dir, {
      STACK_DIR: stack(dir, reviewedConfig, "merge1"),
      PLAN_OUT: "m1",
      REVIEWED_PLANS: reviewed,
    });
    expect(same.status).toBe(0);
    expect(result(dir, "dev", "m1")).toMatchObject({ exitcode: 2, reviewed: true });
    expect(fs.readFileSync(path.join(out(dir, "dev", "m1"), "review.txt"), "utf8")).toContain(
      "2 changes, every one reviewed",
    );

    const changed = { a: { input: "two" }, b: { input: "${terraform_data.a.id}" }, c: { input: "extra" } };
    sh("terraform-plan.sh", ["dev", "apply"], dir, {
      STACK_DIR: stack(dir, changed, "merge2"),
      PLAN_OUT: "m2",
      REVIEWED_PLANS: reviewed,
    });
    expect(result(dir, "dev", "m2")).toMatchObject({ exitcode: 2, reviewed: false });
    const review = fs.readFileSync(path.join(out(dir, "dev", "m2"), "review.txt"), "utf8");
    expect(review).toContain("2 of 3 changes were not reviewed");
    expect(review).toContain("terraform_data.a (create): the planned values differ from the reviewed plan");
    expect(review).toContain("terraform_data.c (create): not in the reviewed plan");
    expect(review).not.toContain("terraform_data.b");

    // staging's reviewed plan of the same resources does not review dev's.
    const staging = path.join(dir, "reviewed-staging");
    fs.mkdirSync(path.join(staging, "plan-staging"), { recursive: true });
    const summary = JSON.parse(fs.readFileSync(path.join(out(dir, "dev", "pr"), "changes.json"), "utf8"));
    fs.writeFileSync(
      path.join(staging, "plan-staging", "changes.json"),
      JSON.stringify({ ...summary, environment: "staging" }),
    );
    sh("terraform-plan.sh", ["dev", "apply"], dir, {
      STACK_DIR: stack(dir, reviewedConfig, "merge3"),
      PLAN_OUT: "m3",
      REVIEWED_PLANS: staging,
    });
    expect(result(dir, "dev", "m3")).toMatchObject({ exitcode: 2, reviewed: false });
    expect(fs.readFileSync(path.join(out(dir, "dev", "m3"), "review.txt"), "utf8")).toContain(
      "2 of 2 changes were not reviewed",
    );
  });

  test("GIVEN a sensitive value THEN its digest holds no trace of it and the plan's sensitivity is compared, not the value", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-review-"));
    const s = path.join(dir, "stack");
    fs.mkdirSync(s);
    fs.writeFileSync(
      path.join(s, "cdk.tf.json"),
      JSON.stringify({
        variable: { pw: { type: "string", sensitive: true, default: "hunter2" } },
        resource: { terraform_data: { p: { input: "${var.pw}" } } },
      }),
    );
    expect(sh("terraform-plan.sh", ["dev", "pull-request"], dir, { STACK_DIR: s }).status).toBe(0);
    const text = fs.readFileSync(path.join(out(dir), "changes.json"), "utf8");
    expect(text).not.toContain("hunter2");
    expect(fs.readFileSync(path.join(out(dir), "plan.txt"), "utf8")).toContain("(sensitive value)");
  });
});

real("an apply after the saved plan expired, or a re-run (real terraform)", () => {
  const planned = (dir: string, resources: Resources) => {
    const s = stack(dir, resources);
    expect(sh("terraform-plan.sh", ["dev", "apply"], dir, { STACK_DIR: s }).status).toBe(0);
    return out(dir);
  };

  test("GIVEN the saved plan expired THEN apply plans again from the saved configuration and applies the same changes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-late-"));
    const p = planned(dir, { a: { input: "one" } });
    fs.rmSync(path.join(p, "tfplan"));
    const summary = path.join(dir, "summary.md");
    const apply = sh("terraform-apply.sh", [p, path.join(dir, "missing", "tfplan")], dir, {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(apply.stdout).toContain("planning again: the saved plan is no longer available");
    expect(apply.stdout).toContain("1 change, every one reviewed");
    expect(apply.status).toBe(0);
    expect(state(dir)).toEqual(["a=one"]);
    expect(fs.readFileSync(summary, "utf8")).toContain("terraform_data.a will be created");
  });

  test("GIVEN a re-run after a partial apply THEN the saved plan of attempt 1 is not used; what is left (now with known values) is applied", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-rerun-"));
    const p = planned(dir, { a: { input: "one" }, b: { input: "${terraform_data.a.id}" } });
    // The first attempt died after creating a only.
    const tf = (...args: string[]) =>
      spawnSync("terraform", [`-chdir=${path.join(p, "stack")}`, ...args, "-no-color"], {
        encoding: "utf8",
        env: TERRAFORM_ENV,
      });
    expect(tf("init").status).toBe(0);
    expect(tf("apply", "-auto-approve", "-target=terraform_data.a").status).toBe(0);
    const rerun = sh("terraform-apply.sh", [p, path.join(p, "tfplan")], dir, { GITHUB_RUN_ATTEMPT: "2" });
    expect(rerun.stdout).toContain("planning again: this is run attempt 2; the saved plan is from attempt 1");
    expect(rerun.stdout).toContain("1 change, every one reviewed");
    expect(rerun.status).toBe(0);
    expect(state(dir).sort()).toEqual(["a=one", expect.stringMatching(/^b=[0-9a-f-]{36}$/)]);
    // A second re-run has nothing left to do.
    const again = sh("terraform-apply.sh", [p, path.join(p, "tfplan")], dir, { GITHUB_RUN_ATTEMPT: "3" });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("the new plan has no changes: nothing left to apply");
  });

  test("GIVEN the new plan has a change the reviewed plan did not have THEN nothing is applied", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-rerun-"));
    const p = planned(dir, { a: { input: "one" } });
    // Meanwhile something else was created in the same state: the new plan would destroy it.
    const other = stack(dir, { a: { input: "one" }, x: { input: "outside" } }, "other");
    expect(spawnSync("terraform", [`-chdir=${other}`, "init", "-no-color"], { env: TERRAFORM_ENV }).status).toBe(0);
    expect(
      spawnSync("terraform", [`-chdir=${other}`, "apply", "-auto-approve", "-target=terraform_data.x", "-no-color"], {
        env: TERRAFORM_ENV,
      }).status,
    ).toBe(0);
    const rerun = sh("terraform-apply.sh", [p, path.join(p, "tfplan")], dir, { GITHUB_RUN_ATTEMPT: "2" });
    expect(rerun.status).toBe(1);
    expect(rerun.stderr).toContain("terraform_data.x (delete): not in the reviewed plan");
    expect(rerun.stderr).toContain("refusing to apply");
    expect(state(dir)).toEqual(["x=outside"]);
  });

  test("GIVEN the branch moved on THEN an old run does not plan again (the newer run applies); with its saved plan it still applies", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-moved-"));
    const p = planned(dir, { a: { input: "one" } });
    const heads = { GITHUB_SHA: "a".repeat(40), BRANCH_HEAD: "b".repeat(40) };
    const late = sh("terraform-apply.sh", [p, path.join(dir, "expired")], dir, heads);
    expect(late.status).toBe(1);
    expect(late.stderr).toContain("is no longer the head of the branch");
    expect(fs.existsSync(path.join(dir, "state.tfstate"))).toBe(false);
    expect(sh("terraform-apply.sh", [p, path.join(p, "tfplan")], dir, heads).status).toBe(0);
  });
});

describe("flags per mode (recording fake terraform)", () => {
  function fake(exit: number): { dir: string; calls: () => string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-fake-"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(
      path.join(dir, "bin", "terraform"),
      `#!/usr/bin/env bash\necho "$*" >> "${dir}/calls"\ncase " $* " in *" plan "*) touch "${dir}/stack/tfplan"; exit ${exit};; *" show -json "*) echo '{"format_version":"1.2","resource_changes":[]}';; esac\nexit 0\n`,
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

  test("GIVEN drift or the merge-time plan THEN no lock either (the plan roles may not write it; apply takes it)", () => {
    for (const mode of ["drift", "apply"]) {
      const f = fake(0);
      runFake(f, mode);
      expect(f.calls().find((c) => c.includes(" plan "))).toContain("-lock=false");
    }
    expect(fs.readFileSync(path.join(SCRIPTS, "terraform-apply.sh"), "utf8")).toContain("-lock=true -lock-timeout=10m");
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
