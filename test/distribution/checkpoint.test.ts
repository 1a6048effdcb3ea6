/**
 * The cdktn CLI reports usage to HashiCorp's checkpoint service unless CHECKPOINT_DISABLE is set. Wherever this
 * repository runs it, or tells a reader to, the variable is set first: in a workflow (the job's setup action writes it
 * to GITHUB_ENV, or the env of the workflow, job or step sets it) and in every shell block of the docs.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const SETUP = path.join(ROOT, ".github", "actions", "setup", "action.yml");
const CLI = /\b(?:npx\s+)?cdkt[fn](?:-cli)?\s+(?:synth|diff|deploy|destroy|output|plan|get|list|watch)\b/;

type Step = { uses?: string; run?: string; env?: Record<string, unknown> };
type Job = { env?: Record<string, unknown>; steps?: Step[] };
type Workflow = { env?: Record<string, unknown>; jobs: Record<string, Job> };

const sets = (env?: Record<string, unknown>) => String(env?.CHECKPOINT_DISABLE ?? "") === "1";

/** The steps that run the CLI without CHECKPOINT_DISABLE: "<workflow> <job> step <n>". */
function unprotectedSteps(file: string, workflow: Workflow): string[] {
  return Object.entries(workflow.jobs).flatMap(([name, job]) => {
    const steps = job.steps ?? [];
    const setupAt = steps.findIndex((s) => s.uses === "./.github/actions/setup");
    return steps.flatMap((step, i) =>
      step.run !== undefined &&
      CLI.test(step.run) &&
      !(sets(workflow.env) || sets(job.env) || sets(step.env) || (setupAt >= 0 && setupAt < i))
        ? [`${file} ${name} step ${i + 1}`]
        : [],
    );
  });
}

/** The shell blocks of a Markdown file that run the CLI before (or without) setting CHECKPOINT_DISABLE. */
function unprotectedBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .filter((block) => {
      const lines = block.split("\n");
      const cli = lines.findIndex((l) => CLI.test(l) && !/\bCHECKPOINT_DISABLE=1\s/.test(l));
      const set = lines.findIndex((l) => /^\s*export CHECKPOINT_DISABLE=1\b/.test(l));
      return cli >= 0 && (set < 0 || set > cli);
    });
}

describe("CHECKPOINT_DISABLE wherever the cdktn CLI runs", () => {
  test("GIVEN the shared setup action THEN it exports CHECKPOINT_DISABLE=1 to every later step of the job", () => {
    expect(fs.readFileSync(SETUP, "utf8")).toMatch(/echo "CHECKPOINT_DISABLE=1"[\s\S]*>> "\$GITHUB_ENV"/);
  });

  test("GIVEN every workflow THEN no step runs the CLI without the variable set", () => {
    const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(3);
    const bad = files.flatMap((f) => unprotectedSteps(f, parse(fs.readFileSync(path.join(WORKFLOWS, f), "utf8"))));
    expect(bad).toEqual([]);
  });

  test("GIVEN the README and docs THEN every shell block that runs the CLI sets the variable first", () => {
    const docs = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => path.join("docs", f))];
    const bad = docs
      .filter((f) => f.endsWith(".md"))
      .flatMap((f) => unprotectedBlocks(fs.readFileSync(path.join(ROOT, f), "utf8")).map((b) => `${f}: ${b}`));
    expect(bad).toEqual([]);
  });

  test("GIVEN the detectors THEN an unprotected step or block is reported and a protected one is not", () => {
    const wf = (env?: Record<string, unknown>, setup = false): Workflow => ({
      jobs: {
        j: { steps: [...(setup ? [{ uses: "./.github/actions/setup" }] : []), { run: "npx cdktn deploy dev", env }] },
      },
    });
    expect(unprotectedSteps("w.yml", wf())).toEqual(["w.yml j step 1"]);
    expect(unprotectedSteps("w.yml", wf({ CHECKPOINT_DISABLE: "1" }))).toEqual([]);
    expect(unprotectedSteps("w.yml", wf(undefined, true))).toEqual([]);
    expect(unprotectedBlocks("```sh\nnpx cdktn deploy dev\n```\n")).toHaveLength(1);
    expect(unprotectedBlocks("```sh\nnpx cdktn deploy dev\nexport CHECKPOINT_DISABLE=1\n```\n")).toHaveLength(1);
    expect(unprotectedBlocks("```sh\nexport CHECKPOINT_DISABLE=1\nnpx cdktn deploy dev\n```\n")).toEqual([]);
    expect(unprotectedBlocks("```sh\nCHECKPOINT_DISABLE=1 npx cdktn deploy ci\n```\n")).toEqual([]);
    expect(unprotectedBlocks("```sh\nnpm run synth\n```\n")).toEqual([]);
  });
});
