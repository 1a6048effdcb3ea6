/**
 * State backends per environment: S3 (the bootstrap stack creates the bucket) or HCP Terraform / Terraform Enterprise
 * (`state.cloud`: a `cloud` block, no bucket); every synthesized stack requires Terraform >= 1.10 (use_lockfile);
 * the promotion order field of the merge pipeline.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { environmentSchema } from "../../loader/schema";
import { S3Bucket } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { REQUIRED_TERRAFORM, synthesizeAtomically } from "../../synth/synth";
import { exampleConfig, exampleInput, resources, synthJson } from "../helpers/synth";

const cloud = { organization: "acme", workspace: "bastionless-dev" };

describe("state backends", () => {
  test("GIVEN state.cloud THEN a cloud block for that organization and workspace, no S3 backend, no bucket to bootstrap", () => {
    const config = exampleConfig("dev", (i) => {
      i.state = { cloud: { ...cloud, project: "platform" } };
    });
    const tf = synthJson(new EnvironmentStack(Testing.app(), "dev", { config }));
    expect(tf.terraform?.cloud).toEqual({
      organization: "acme",
      hostname: "app.terraform.io",
      workspaces: { name: "bastionless-dev", project: "platform" },
    });
    expect(tf.terraform?.backend).toBeUndefined();
    const staging = exampleConfig("staging");
    const boot = synthJson(new BootstrapStack(Testing.app(), "bootstrap", { environments: [config, staging] }));
    expect(resources(boot, S3Bucket)).toHaveLength(1);
    expect(JSON.stringify(resources(boot, S3Bucket))).toContain(staging.state.bucket!);
  });

  test("GIVEN Terraform Enterprise THEN its host name is used", () => {
    const config = exampleConfig("dev", (i) => {
      i.state = { cloud: { ...cloud, hostname: "tfe.example.com" } };
    });
    const tf = synthJson(new EnvironmentStack(Testing.app(), "dev", { config }));
    expect((tf.terraform?.cloud as { hostname: string }).hostname).toBe("tfe.example.com");
  });

  test("GIVEN the S3 examples THEN the S3 backend with use_lockfile, as before", () => {
    const tf = synthJson(new EnvironmentStack(Testing.app(), "dev", { config: exampleConfig("dev") }));
    expect(tf.terraform?.backend?.s3).toMatchObject({ bucket: "bastionless-tfstate-111111111111", use_lockfile: true });
    expect(tf.terraform?.cloud).toBeUndefined();
  });

  test.each([
    ["neither bucket nor cloud", {}, ["state", "bucket"], "is required unless cloud is set (HCP Terraform)"],
    [
      "both bucket and cloud",
      { bucket: "bastionless-tfstate-111111111111", cloud },
      ["state", "cloud"],
      "choose one backend",
    ],
    [
      "a bad workspace name",
      { cloud: { ...cloud, workspace: "no spaces" } },
      ["state", "cloud", "workspace"],
      '"no spaces" is not a workspace name',
    ],
  ])("GIVEN %s THEN a clear error on the field", (_, state, at, message) => {
    const input = { ...structuredClone(exampleInput("dev")), state };
    const r = environmentSchema.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join(".") === at.join("."));
    expect(issue?.message).toContain(message);
  });
});

describe("promotion order", () => {
  test("GIVEN promotion.after naming the environment itself THEN an error on that field", () => {
    const r = environmentSchema.safeParse({ ...exampleInput("dev"), promotion: { after: "dev" } });
    expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["promotion.after", '"dev" is this environment itself'],
    ]);
  });

  test("the examples promote dev → staging → prod", () => {
    expect(exampleConfig("dev").promotion.after).toBeUndefined();
    expect(exampleConfig("staging").promotion.after).toBe("dev");
    expect(exampleConfig("prod").promotion.after).toBe("staging");
  });
});

test("every synthesized stack requires Terraform >= 1.10 (S3-native locking)", () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-rv-")), "cdktf.out");
  const configs = [exampleConfig("dev"), exampleConfig("staging")];
  synthesizeAtomically(out, (app) => {
    for (const config of configs) new EnvironmentStack(app, config.name, { config });
    new BootstrapStack(app, "bootstrap", { environments: configs });
  });
  const stacks = fs.readdirSync(path.join(out, "stacks")).sort();
  expect(stacks).toEqual(["bootstrap", "dev", "staging"]);
  for (const s of stacks) {
    const tf = JSON.parse(fs.readFileSync(path.join(out, "stacks", s, "cdk.tf.json"), "utf8"));
    expect([s, tf.terraform.required_version]).toEqual([s, REQUIRED_TERRAFORM]);
  }
  expect(REQUIRED_TERRAFORM).toBe(">= 1.10.0");
});
