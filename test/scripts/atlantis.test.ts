/**
 * The generated atlantis.yaml and the server side it needs, against Atlantis's documented configuration rules
 * (test/helpers/atlantis-rules.ts): current with config/environments, one project per stack directory with autoplan
 * on the environment's own file (whatever its extension) and the shared code, apply requirements, the promotion
 * order; the synth hook for plan only, a failed hook stopping the plan, the merge checkout `undiverged` needs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { loadEnvironments } from "../../loader/load";
import { atlantisConfig, renderAtlantis, renderServerSide, SERVER_FLAGS, SERVER_SIDE } from "../../ops/lib/atlantis";
import { ATLANTIS_FILE } from "../../ops/atlantis";
import { atlantisViolations, hooksFor, repoConfigViolations } from "../helpers/atlantis-rules";
import { ENV_DIR } from "../helpers/examples";

type Project = {
  name: string;
  dir: string;
  workflow: string;
  autoplan: { enabled: boolean; when_modified: string[] };
  apply_requirements: string[];
  execution_order_group: number;
  depends_on?: string[];
};
const ROOT = path.join(__dirname, "..", "..");
const examples = () => loadEnvironments(ENV_DIR);
const clone = <T>(v: T): T => structuredClone(v);
/** A directory of environment files copied from the examples, renamed and edited. */
function envDir(files: Record<string, { from: string; edit?: (text: string) => string }>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-atlantis-"));
  for (const [name, { from, edit }] of Object.entries(files)) {
    const text = fs.readFileSync(path.join(ENV_DIR, `${from}.yaml`), "utf8");
    fs.writeFileSync(path.join(dir, name), (edit ?? ((t) => t))(text));
  }
  return dir;
}

describe("atlantis.yaml", () => {
  test("the committed file is what npm run atlantis generates from the environment files", () => {
    expect(fs.readFileSync(ATLANTIS_FILE, "utf8")).toBe(renderAtlantis(examples()));
  });

  test("one project per synthesized stack, autoplanned on its file and the shared code, applied only when approved", () => {
    const { projects, version } = parse(renderAtlantis(examples())) as { projects: Project[]; version: number };
    expect(version).toBe(3);
    expect(projects.map((p) => [p.name, p.dir, p.execution_order_group, p.depends_on])).toEqual([
      ["dev", "cdktf.out/stacks/dev", 1, undefined],
      ["staging", "cdktf.out/stacks/staging", 2, ["dev"]],
      ["prod", "cdktf.out/stacks/prod", 3, ["staging"]],
    ]);
    const prod = projects[2];
    expect(prod.autoplan.when_modified).toContain("../../../config/environments/prod.yaml");
    expect(prod.autoplan.when_modified).not.toContain("../../../config/environments/dev.yaml");
    expect(prod.apply_requirements).toEqual(["approved", "mergeable", "undiverged"]);
  });

  test("every shared path pattern matches files of the repository (a path moved by a refactor would never autoplan)", () => {
    const { projects } = atlantisConfig(examples()) as { projects: Project[] };
    const tracked = (fs.readdirSync(ROOT, { recursive: true }) as string[]).filter(
      (f) => !f.startsWith("node_modules") && !f.startsWith(".git") && !f.startsWith("cdktf.out"),
    );
    for (const pattern of projects[0].autoplan.when_modified) {
      const fromRoot = pattern.replace(/^(\.\.\/){3}/, "");
      const re = new RegExp(
        `^${fromRoot
          .replace(/[.+^$()|[\]\\]/g, "\\$&")
          .replace(/\*\*\//g, "(?:.*/)?")
          .replace(/\*\*/g, ".*")
          .replace(/(?<!\.)\*/g, "[^/]*")}$`,
      );
      expect([pattern, tracked.some((f) => re.test(f))]).toEqual([pattern, true]);
    }
  });

  test("GIVEN qa.yml, DEV.YAML-style extensions and an editor lock file THEN the loader's files, each autoplanned on its own name", () => {
    const dir = envDir({
      "dev.yaml": { from: "dev" },
      "qa.yml": { from: "staging", edit: (t) => t.replace(/^name: staging$/m, "name: qa") },
      ".#dev.yaml": { from: "dev" },
    });
    const { projects } = atlantisConfig(loadEnvironments(dir)) as { projects: Project[] };
    expect(projects.map((p) => [p.name, p.autoplan.when_modified[0]])).toEqual([
      ["dev", "../../../config/environments/dev.yaml"],
      ["qa", "../../../config/environments/qa.yml"],
    ]);
  });

  test("GIVEN an environment in HCP Terraform THEN it is left out (HCP Terraform runs it); its successor keeps no dangling dependency", () => {
    const byName = (n: string) => examples().find((e) => e.config.name === n)!;
    const [dev, prod] = [byName("dev"), byName("prod")];
    const cloudStaging = clone(byName("staging"));
    (cloudStaging.config.state as Record<string, unknown>).bucket = undefined;
    (cloudStaging.config.state as Record<string, unknown>).cloud = {
      organization: "a",
      workspace: "s",
      hostname: "app.terraform.io",
    };
    const config = atlantisConfig([dev, cloudStaging, prod]);
    expect(
      (config as { projects: Project[] }).projects.map((p) => [p.name, p.execution_order_group, p.depends_on]),
    ).toEqual([
      ["dev", 1, undefined],
      ["prod", 3, undefined],
    ]);
    expect(repoConfigViolations(config)).toEqual([]);
  });
});

describe("Atlantis's documented rules", () => {
  const config = () => atlantisConfig(examples());

  test("the generated repo config, the server-side repos.yaml and the server flags break none", () => {
    expect(atlantisViolations(config(), SERVER_SIDE, SERVER_FLAGS)).toEqual([]);
  });

  test("the synth hook runs before plan, never before apply (it would delete the saved plans)", () => {
    const hooks = SERVER_SIDE.repos[0].pre_workflow_hooks;
    expect(hooksFor("plan", hooks).map((h) => h.run)).toEqual(["npm ci && npm run synth"]);
    expect(hooksFor("apply", hooks)).toEqual([]);
    expect(hooksFor("unlock", hooks)).toEqual([]);
  });

  type Side = typeof SERVER_SIDE;
  const hook = (s: Side) => s.repos[0].pre_workflow_hooks[0] as { commands?: string };
  const drop = (flags: string[], prefix: string) =>
    flags.splice(
      flags.findIndex((f) => f.startsWith(prefix)),
      1,
    );
  test.each<[string, (s: Side, flags: string[]) => unknown, string]>([
    [
      "the documented hook without commands (the old README's)",
      (s) => delete hook(s).commands,
      "the synth hook runs before apply too (it would delete the saved plans): set commands: plan",
    ],
    ["commands: plan, apply", (s) => (hook(s).commands = "plan, apply"), "the synth hook runs before apply too"],
    [
      "no --fail-on-pre-workflow-hook-error (a hook failing for want of Node 22 would plan nothing, silently)",
      (_, f) => drop(f, "--fail-on-pre-workflow-hook-error"),
      "server: a failed synth hook must stop the plan: --fail-on-pre-workflow-hook-error",
    ],
    [
      "the default checkout strategy (branch) with undiverged",
      (_, f) => drop(f, "--checkout-strategy"),
      "server: undiverged requires --checkout-strategy=merge",
    ],
    [
      "apply_requirements not among the allowed overrides",
      (s) => (s.repos[0].allowed_overrides = ["workflow"]),
      "repos.yaml: the repo config sets apply_requirements; allowed_overrides must list it",
    ],
    [
      "custom workflows not allowed",
      (s) => (s.repos[0].allow_custom_workflows = false),
      "repos.yaml: the repo config defines workflows; allow_custom_workflows must be true",
    ],
    ["a hook command Atlantis does not have", (s) => (hook(s).commands = "plann"), "plann is not an Atlantis command"],
  ])("GIVEN %s THEN the rules report it", (_, change, message) => {
    const side = clone(SERVER_SIDE);
    const flags = [...SERVER_FLAGS];
    change(side, flags);
    expect(atlantisViolations(config(), side, flags)).toContainEqual(expect.stringContaining(message));
  });

  test.each([
    [
      "an unknown top-level key",
      (c: Record<string, unknown>) => (c.parallel_plans = true),
      "atlantis.yaml: unknown key parallel_plans",
    ],
    ["version 2", (c: Record<string, unknown>) => (c.version = 2), "version must be 3"],
    [
      "a dir outside the repository",
      (c: { projects: Project[] }) => (c.projects[0].dir = "../elsewhere"),
      "projects[0].dir: a relative path inside the repository",
    ],
    [
      "a depends_on naming no project",
      (c: { projects: Project[] }) => (c.projects[1].depends_on = ["dve"]),
      "projects[1].depends_on: dve is not a project",
    ],
    [
      "an undefined workflow",
      (c: { projects: Project[] }) => (c.projects[0].workflow = "other"),
      "projects[0].workflow: other is not defined in workflows",
    ],
    [
      "an unknown requirement",
      (c: { projects: Project[] }) => (c.projects[0].apply_requirements = ["approved", "reviewed"]),
      "projects[0].apply_requirements: only approved, mergeable, undiverged",
    ],
    [
      "a when_modified pattern leaving the repository",
      (c: { projects: Project[] }) => c.projects[0].autoplan.when_modified.push("../../../../x"),
      "leaves the repository",
    ],
    [
      "two projects of one name",
      (c: { projects: Project[] }) => (c.projects[1].name = "dev"),
      "projects[1].name: dev is not unique",
    ],
  ])("GIVEN a repo config with %s THEN the rules report it", (_, change, message) => {
    const c = clone(config()) as never;
    (change as (c: never) => unknown)(c);
    expect(repoConfigViolations(c)).toContainEqual(expect.stringContaining(message));
  });

  test("GIVEN parallel plans THEN only with the server's plugin cache off (concurrent terraform init on one cache races)", () => {
    const parallel = { ...config(), parallel_plan: true };
    expect(atlantisViolations(parallel, SERVER_SIDE, SERVER_FLAGS)).toEqual([
      "atlantis.yaml: parallel_plan runs terraform init concurrently on the server's one plugin cache: set it false (or --use-tf-plugin-cache=false)",
    ]);
    expect(atlantisViolations(parallel, SERVER_SIDE, [...SERVER_FLAGS, "--use-tf-plugin-cache=false"])).toEqual([]);
  });

  test("docs/gitops.md shows exactly this server side: repos.yaml and the server flags", () => {
    const docs = fs.readFileSync(path.join(ROOT, "docs", "gitops.md"), "utf8");
    expect(docs).toContain(renderServerSide());
    for (const f of SERVER_FLAGS) expect(docs).toContain(f);
  });
});
