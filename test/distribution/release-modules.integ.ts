/**
 * The release workflow's terraform-modules job: after the build job's tests and the draft release, it publishes every
 * module the build job generated (the artifact's release/modules) with the tag, for real where its target is
 * configured and as a dry run where it is not. The job's shell step is
 * executed here as GitHub runs it (bash --noprofile --norc -eo pipefail) with a stand-in `npm` that records its
 * arguments.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

type Step = { uses?: string; run?: string; env?: Record<string, string>; name?: string };
type Job = { needs?: string; permissions?: Record<string, string>; environment?: string; steps: Step[] };
const release = parse(
  fs.readFileSync(path.join(__dirname, "..", "..", ".github", "workflows", "release.yml"), "utf8"),
) as { jobs: Record<string, Job> };
const job = release.jobs["terraform-modules"];
const publishStep = job.steps.find((s) => s.run?.includes("publish:terraform-modules"));

/** Runs the publish step's script with `env`; returns the argument lists npm was called with. */
function runPublishStep(env: Record<string, string>): string[] {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "bl-release-step-"));
  const calls = path.join(bin, "calls");
  fs.writeFileSync(path.join(bin, "npm"), `#!/bin/sh\necho "$*" >> "${calls}"\n`, { mode: 0o755 });
  try {
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", publishStep!.run!], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        TAG: "v1.2.3",
        MODULES_GITHUB_OWNER: "",
        HCP_TERRAFORM_ORGANIZATION: "",
        ...env,
      },
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    return fs.readFileSync(calls, "utf8").trim().split("\n");
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

describe("release workflow: publishing the Terraform modules", () => {
  test("runs after the draft release, publishes the modules the build job tested, and may only read this repository", () => {
    expect(job.needs).toBe("draft");
    expect(job.permissions).toEqual({ contents: "read" });
    expect(job.environment).toBe("release");
    const download = job.steps.findIndex((s) => s.uses?.startsWith("actions/download-artifact@"));
    expect(download).toBeGreaterThan(-1);
    expect(download).toBeLessThan(job.steps.indexOf(publishStep!));
    expect(release.jobs.build.steps.map((s) => s.run ?? "").join("\n")).toContain(
      "cp -r dist/terraform-modules release/modules",
    );
  });

  test("repository names and tokens come from repository variables and secrets, the tag from the pushed ref", () => {
    expect(publishStep!.env).toEqual({
      TAG: "${{ github.ref_name }}",
      MODULES_GITHUB_OWNER: "${{ vars.MODULES_GITHUB_OWNER }}",
      MODULES_REPOSITORY_PREFIX: "${{ vars.MODULES_REPOSITORY_PREFIX }}",
      MODULES_PUSH_TOKEN: "${{ secrets.MODULES_PUSH_TOKEN }}",
      HCP_TERRAFORM_ORGANIZATION: "${{ vars.HCP_TERRAFORM_ORGANIZATION }}",
      HCP_TERRAFORM_ADDRESS: "${{ vars.HCP_TERRAFORM_ADDRESS }}",
      HCP_TERRAFORM_TOKEN: "${{ secrets.HCP_TERRAFORM_TOKEN }}",
    });
  });

  test("GIVEN no target configured WHEN the step runs THEN both targets run as dry runs with the tag", () => {
    expect(runPublishStep({})).toEqual([
      "run --silent publish:terraform-modules -- --target github --tag v1.2.3 --dry-run release/modules",
      "run --silent publish:terraform-modules -- --target hcp --tag v1.2.3 --dry-run release/modules",
    ]);
  });

  test("GIVEN only the repository owner configured THEN the repositories are published and HCP stays a dry run", () => {
    expect(runPublishStep({ MODULES_GITHUB_OWNER: "acme" })).toEqual([
      "run --silent publish:terraform-modules -- --target github --tag v1.2.3 release/modules",
      "run --silent publish:terraform-modules -- --target hcp --tag v1.2.3 --dry-run release/modules",
    ]);
  });

  test("GIVEN both configured THEN both are published", () => {
    expect(runPublishStep({ MODULES_GITHUB_OWNER: "acme", HCP_TERRAFORM_ORGANIZATION: "acme" })).toEqual([
      "run --silent publish:terraform-modules -- --target github --tag v1.2.3 release/modules",
      "run --silent publish:terraform-modules -- --target hcp --tag v1.2.3 release/modules",
    ]);
  });
});
