/**
 * Atlantis's documented configuration rules, modelled for the tests of the generated atlantis.yaml and the server
 * side it needs (runatlantis.io/docs: "Repo Level atlantis.yaml Config", "Server Side Repo Config", "Pre Workflow
 * Hooks", "Server Configuration", "Command Requirements", "Custom Workflows"):
 * - repo config: `version: 3`; the keys below; every project has a relative `dir` inside the repository, a unique
 *   `name`, `autoplan.when_modified` patterns relative to that dir, a `workflow` defined in `workflows` (or on the
 *   server), `depends_on` naming projects, an integer `execution_order_group`;
 * - requirements are `approved`, `mergeable`, `undiverged`; `undiverged` works only with `--checkout-strategy=merge`;
 * - a repo config may set `apply_requirements` / `workflow` only when the server's `allowed_overrides` lists them,
 *   and define custom workflows only with `allow_custom_workflows: true`;
 * - a pre-workflow hook runs before every command (plan, apply, ...) unless `commands` (a comma-separated list)
 *   limits it; a failing hook does not stop the command unless the server runs with
 *   `--fail-on-pre-workflow-hook-error`.
 * - the server's plugin cache (`--use-tf-plugin-cache`, on by default) is one directory, and Terraform's plugin cache
 *   is not safe for concurrent `terraform init` (hashicorp/terraform#31964): `parallel_plan` needs the cache off.
 * Plus this project's own needs of the hook: it regenerates the project directories, so it must run before `plan`
 * and never before `apply` (it would delete the saved plans), and its failure must stop the plan (the directories
 * would not exist and Atlantis would plan nothing, silently).
 */

const REPO_KEYS = new Set([
  "version",
  "automerge",
  "autodiscover",
  "delete_source_branch_on_merge",
  "parallel_plan",
  "parallel_apply",
  "abort_on_execution_order_fail",
  "projects",
  "workflows",
  "allowed_regexp_prefixes",
]);
const PROJECT_KEYS = new Set([
  "name",
  "branch",
  "dir",
  "workspace",
  "execution_order_group",
  "delete_source_branch_on_merge",
  "repo_locking",
  "repo_locks",
  "custom_policy_check",
  "autoplan",
  "plan_requirements",
  "apply_requirements",
  "import_requirements",
  "silence_pr_comments",
  "workflow",
  "terraform_version",
  "terraform_distribution",
  "depends_on",
]);
const REQUIREMENTS = new Set(["approved", "mergeable", "undiverged"]);
const STAGES = new Set(["plan", "apply", "import", "state_rm", "policy_check"]);
const STEP_NAMES = new Set([
  "init",
  "plan",
  "apply",
  "show",
  "policy_check",
  "import",
  "state_rm",
  "run",
  "env",
  "multienv",
]);
const SERVER_REPO_KEYS = new Set([
  "id",
  "branch",
  "repo_config_file",
  "plan_requirements",
  "apply_requirements",
  "import_requirements",
  "workflow",
  "allowed_overrides",
  "allowed_workflows",
  "allow_custom_workflows",
  "delete_source_branch_on_merge",
  "repo_locking",
  "repo_locks",
  "policy_check",
  "custom_policy_check",
  "autodiscover",
  "silence_pr_comments",
  "pre_workflow_hooks",
  "post_workflow_hooks",
]);
const OVERRIDABLE = new Set([
  "apply_requirements",
  "plan_requirements",
  "import_requirements",
  "workflow",
  "delete_source_branch_on_merge",
  "repo_locking",
  "repo_locks",
  "policy_check",
  "custom_policy_check",
  "silence_pr_comments",
]);
/** Atlantis's comment commands a hook's `commands` may name. */
export const COMMANDS = ["plan", "apply", "unlock", "approve_policies", "import", "state", "version"];
const HOOK_KEYS = new Set(["run", "description", "shell", "shellArgs", "commands"]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface Hook {
  run: string;
  description?: string;
  commands?: string;
}

/** The hooks Atlantis runs before `command` (documented: all of them unless `commands` limits a hook). */
export function hooksFor(command: string, hooks: readonly Hook[]): Hook[] {
  return hooks.filter(
    (h) =>
      h.commands === undefined ||
      h.commands
        .split(",")
        .map((c) => c.trim())
        .includes(command),
  );
}

/** The value of `--name=value` (or `true` for a bare `--name`) in a list of server flags. */
export function flag(flags: readonly string[], name: string): string | undefined {
  for (const f of flags) {
    if (f === `--${name}`) return "true";
    if (f.startsWith(`--${name}=`)) return f.slice(name.length + 3);
  }
  return undefined;
}

/** Every rule the repo config breaks, alone. */
export function repoConfigViolations(config: unknown): string[] {
  const out: string[] = [];
  if (!isObj(config)) return ["atlantis.yaml: not a mapping"];
  for (const k of Object.keys(config)) if (!REPO_KEYS.has(k)) out.push(`atlantis.yaml: unknown key ${k}`);
  if (config.version !== 3) out.push(`atlantis.yaml: version must be 3, not ${JSON.stringify(config.version)}`);
  const workflows = isObj(config.workflows) ? config.workflows : {};
  for (const [name, wf] of Object.entries(workflows)) {
    if (!isObj(wf)) {
      out.push(`workflows.${name}: not a mapping`);
      continue;
    }
    for (const [stage, def] of Object.entries(wf)) {
      if (!STAGES.has(stage)) out.push(`workflows.${name}.${stage}: not a workflow stage`);
      const steps = isObj(def) ? def.steps : undefined;
      if (!Array.isArray(steps)) {
        out.push(`workflows.${name}.${stage}.steps: missing`);
        continue;
      }
      steps.forEach((step, i) => {
        const where = `workflows.${name}.${stage}.steps[${i}]`;
        if (typeof step === "string") {
          if (!STEP_NAMES.has(step) || ["run", "env", "multienv"].includes(step))
            out.push(`${where}: unknown step ${step}`);
        } else if (isObj(step) && Object.keys(step).length === 1) {
          const [key, value] = Object.entries(step)[0];
          if (!STEP_NAMES.has(key)) out.push(`${where}: unknown step ${key}`);
          else if (["init", "plan", "apply", "import", "state_rm"].includes(key)) {
            const args = isObj(value) ? value.extra_args : undefined;
            if (!Array.isArray(args) || !args.every((a) => typeof a === "string"))
              out.push(`${where}.${key}.extra_args: a list of strings`);
          }
        } else out.push(`${where}: a step name or a mapping with one key`);
      });
    }
  }
  const projects = Array.isArray(config.projects) ? config.projects : [];
  if (!Array.isArray(config.projects)) out.push("atlantis.yaml: projects must be a list");
  const names = projects.map((p) => (isObj(p) ? p.name : undefined));
  projects.forEach((p, i) => {
    const where = `projects[${i}]`;
    if (!isObj(p)) {
      out.push(`${where}: not a mapping`);
      return;
    }
    for (const k of Object.keys(p)) if (!PROJECT_KEYS.has(k)) out.push(`${where}: unknown key ${k}`);
    if (typeof p.name !== "string" || p.name === "") out.push(`${where}.name: missing`);
    else if (names.filter((n) => n === p.name).length > 1) out.push(`${where}.name: ${p.name} is not unique`);
    if (typeof p.dir !== "string" || p.dir === "" || p.dir.startsWith("/") || p.dir.split("/").includes(".."))
      out.push(`${where}.dir: a relative path inside the repository, not ${JSON.stringify(p.dir)}`);
    if (p.autoplan !== undefined) {
      const a = p.autoplan as Obj;
      if (!isObj(a) || typeof a.enabled !== "boolean") out.push(`${where}.autoplan.enabled: a boolean`);
      const wm = isObj(a) ? a.when_modified : undefined;
      if (!Array.isArray(wm) || !wm.every((w) => typeof w === "string" && !w.startsWith("/")))
        out.push(`${where}.autoplan.when_modified: patterns relative to the project's dir`);
      else if (typeof p.dir === "string") {
        const depth = p.dir.split("/").filter(Boolean).length;
        for (const w of wm as string[]) {
          const ups = w.split("/").filter((s) => s === "..").length;
          if (ups > depth) out.push(`${where}.autoplan.when_modified: ${w} leaves the repository (dir ${p.dir})`);
        }
      }
    }
    for (const key of ["plan_requirements", "apply_requirements", "import_requirements"])
      if (p[key] !== undefined) {
        const reqs = p[key];
        if (!Array.isArray(reqs) || !reqs.every((r) => REQUIREMENTS.has(String(r))))
          out.push(`${where}.${key}: only ${[...REQUIREMENTS].join(", ")}`);
      }
    if (p.workflow !== undefined && !(String(p.workflow) in workflows))
      out.push(`${where}.workflow: ${String(p.workflow)} is not defined in workflows`);
    if (p.execution_order_group !== undefined && !Number.isInteger(p.execution_order_group))
      out.push(`${where}.execution_order_group: an integer`);
    if (p.depends_on !== undefined)
      for (const d of Array.isArray(p.depends_on) ? p.depends_on : [p.depends_on])
        if (!names.includes(d)) out.push(`${where}.depends_on: ${String(d)} is not a project`);
  });
  return out;
}

/** Every rule the repo config, the server-side repos.yaml and the server flags break together. */
export function atlantisViolations(config: unknown, serverSide: unknown, flags: readonly string[]): string[] {
  const out = repoConfigViolations(config);
  if (!isObj(serverSide) || !Array.isArray(serverSide.repos) || serverSide.repos.length === 0)
    return [...out, "repos.yaml: repos must be a non-empty list"];
  const repo = serverSide.repos[0] as Obj;
  for (const k of Object.keys(repo)) if (!SERVER_REPO_KEYS.has(k)) out.push(`repos.yaml: unknown key ${k}`);
  const allowed = Array.isArray(repo.allowed_overrides) ? (repo.allowed_overrides as string[]) : [];
  for (const o of allowed)
    if (!OVERRIDABLE.has(o)) out.push(`repos.yaml: allowed_overrides: ${o} cannot be overridden`);
  const projects = isObj(config) && Array.isArray(config.projects) ? (config.projects as Obj[]) : [];
  for (const key of ["plan_requirements", "apply_requirements", "import_requirements", "workflow"])
    if (projects.some((p) => p[key] !== undefined) && !allowed.includes(key))
      out.push(`repos.yaml: the repo config sets ${key}; allowed_overrides must list it`);
  if (
    isObj(config) &&
    isObj(config.workflows) &&
    Object.keys(config.workflows).length > 0 &&
    repo.allow_custom_workflows !== true
  )
    out.push("repos.yaml: the repo config defines workflows; allow_custom_workflows must be true");
  const undiverged = projects.some((p) =>
    ["plan_requirements", "apply_requirements", "import_requirements"].some(
      (k) => Array.isArray(p[k]) && (p[k] as string[]).includes("undiverged"),
    ),
  );
  if (undiverged && flag(flags, "checkout-strategy") !== "merge")
    out.push("server: undiverged requires --checkout-strategy=merge");
  if (isObj(config) && config.parallel_plan === true && flag(flags, "use-tf-plugin-cache") !== "false")
    out.push(
      "atlantis.yaml: parallel_plan runs terraform init concurrently on the server's one plugin cache: set it false (or --use-tf-plugin-cache=false)",
    );
  const hooks = Array.isArray(repo.pre_workflow_hooks) ? (repo.pre_workflow_hooks as Obj[]) : [];
  hooks.forEach((h, i) => {
    for (const k of Object.keys(h))
      if (!HOOK_KEYS.has(k)) out.push(`repos.yaml: pre_workflow_hooks[${i}]: unknown key ${k}`);
    if (typeof h.run !== "string") out.push(`repos.yaml: pre_workflow_hooks[${i}].run: a command`);
    if (h.commands !== undefined) {
      if (typeof h.commands !== "string")
        out.push(`repos.yaml: pre_workflow_hooks[${i}].commands: a comma-separated string`);
      else
        for (const c of h.commands.split(",").map((s) => s.trim()))
          if (!COMMANDS.includes(c))
            out.push(`repos.yaml: pre_workflow_hooks[${i}].commands: ${c} is not an Atlantis command`);
    }
  });
  const synth = hooks.filter((h) => typeof h.run === "string" && h.run.includes("synth")) as unknown as Hook[];
  if (synth.length === 0) out.push("repos.yaml: no pre-workflow hook synthesizes the project directories");
  else {
    if (hooksFor("plan", synth).length === 0) out.push("repos.yaml: the synth hook does not run before plan");
    if (hooksFor("apply", synth).length > 0)
      out.push(
        "repos.yaml: the synth hook runs before apply too (it would delete the saved plans): set commands: plan",
      );
    if (flag(flags, "fail-on-pre-workflow-hook-error") !== "true")
      out.push("server: a failed synth hook must stop the plan: --fail-on-pre-workflow-hook-error");
  }
  return out;
}
