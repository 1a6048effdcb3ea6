/**
 * An HCL user's first root module, written from the generated modules' READMEs alone: the usage block of every
 * module's README (together they wire all five), the provider and `required_providers` the README asks for, and the
 * README's testing section (its test file, and mocks/aws.tfmock.hcl copied to tests/mocks/ as it says). The only
 * change is the one an offline machine forces: each registry source (with its version pin) becomes the built
 * module's folder. Real Terraform, offline: init, validate and test pass, and the S3 key prefix the preferences
 * document writes under is the one the instance role may write to. Without the mock defaults, or with a prefix of
 * its own for the instances, the same root module fails.
 */
import { parse } from "@cdktf/hcl2json";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildTerraformModules } from "../../terraform-modules/build";
import { terraform, terraformInstalled } from "../../tools/terraform";
import { MODULES } from "../../terraform-modules/definitions";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "bl-tfmod-consumer-"));
const modulesDir = path.join(work, "modules");
let dirs: string[] = [];

beforeAll(() => {
  dirs = buildTerraformModules(modulesDir).dirs;
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const readme = (dir: string) => fs.readFileSync(path.join(dir, "README.md"), "utf8");

/** The first ```hcl block after the heading that starts with `heading`. */
function hclBlockAfter(text: string, heading: string): string {
  const at = text.indexOf(`\n## ${heading}`);
  if (at < 0) throw new Error(`no section "## ${heading}"`);
  const m = /```hcl\n([\s\S]*?)```/.exec(text.slice(at));
  if (!m) throw new Error(`no hcl block after "## ${heading}"`);
  return m[1];
}

/** The usage block with its registry source and version pin replaced by the built folder (offline). */
function localUsage(dir: string): { hcl: string; version: string } {
  const usage = hclBlockAfter(readme(dir), "Usage");
  const source = /^\s*source\s*=\s*"(bastionless\/[a-z-]+\/aws)"\n/m.exec(usage);
  const version = /^\s*version\s*=\s*"([^"]+)"\n/m.exec(usage);
  if (!source || !version) throw new Error(`${path.basename(dir)}: the usage block has no registry source and version`);
  return {
    hcl: usage.replace(source[0], `  source = ${JSON.stringify(dir)}\n`).replace(version[0], ""),
    version: version[1],
  };
}

const PROVIDER = `terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}
`;

/** A root module from the READMEs in `root`: main.tf, tests/bastionless.tftest.hcl and tests/mocks/. */
function writeRootModule(root: string, edit: (main: string) => string = (m) => m, test = documentedTest()): void {
  fs.mkdirSync(path.join(root, "tests", "mocks"), { recursive: true });
  const main = dirs.map((d) => localUsage(d).hcl).join("\n");
  fs.writeFileSync(path.join(root, "main.tf"), `${PROVIDER}\n${edit(main)}`);
  fs.writeFileSync(path.join(root, "tests", "bastionless.tftest.hcl"), test);
  fs.copyFileSync(path.join(dirs[0], "mocks", "aws.tfmock.hcl"), path.join(root, "tests", "mocks", "aws.tfmock.hcl"));
}

const documentedTest = () => hclBlockAfter(readme(dirs[0]), "Testing a configuration");

/** The documented test's plan run only (the failing cases need no apply). */
function planOnly(test: string): string {
  const [plan] = test.split(/\n(?=# session-logging keeps prevent_destroy)/);
  expect(plan.length).toBeLessThan(test.length);
  expect(plan).not.toContain("override_module");
  return plan;
}

async function initAndTest(root: string): Promise<{ validate: string; test: { code: number; output: string } }> {
  const init = await terraform(["init", "-backend=false", "-input=false"], root);
  if (init.code !== 0) throw new Error(`terraform init failed:\n${init.output}`);
  const validate = await terraform(["validate"], root);
  if (validate.code !== 0) throw new Error(`terraform validate failed:\n${validate.output}`);
  return { validate: validate.output, test: await terraform(["test"], root) };
}

describe("a root module written from the READMEs alone", () => {
  test("every README's usage block calls its registry module with a version pin of this release, and all show the same testing section and mocks", () => {
    const version = (
      JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
    const [major, minor] = version.split(".");
    for (const d of dirs) expect({ d, pin: localUsage(d).version }).toEqual({ d, pin: `~> ${major}.${minor}.0` });
    const testing = dirs.map((d) => hclBlockAfter(readme(d), "Testing a configuration"));
    expect(new Set(testing).size).toBe(1);
    const mocks = dirs.map((d) => fs.readFileSync(path.join(d, "mocks", "aws.tfmock.hcl"), "utf8"));
    expect(new Set(mocks).size).toBe(1);
  });

  test("the usage blocks wire the key prefix from one place: the instance role's prefix is the preferences document's", async () => {
    const main = dirs.map((d) => localUsage(d).hcl).join("\n");
    const hcl = (await parse("main.tf", main)) as { module: Record<string, Record<string, unknown>[]> };
    const [prefs] = hcl.module.session_preferences;
    const [instances] = hcl.module.instance_access;
    expect(typeof prefs.log_prefix).toBe("string");
    expect(prefs.log_prefix).not.toMatch(/\$\{/);
    expect(instances.log_prefix).toBe("${module.session_preferences.log_prefix}");
    expect(Object.keys(hcl.module).sort()).toEqual(MODULES.map((m) => m.name.replace(/-/g, "_")).sort());
  });

  const real = terraformInstalled() ? test : test.skip;

  real(
    "GIVEN the README's mock defaults WHEN terraform init, validate and test run THEN all pass: the plan of every module and the apply with session-logging overridden, the prefixes agreeing",
    async () => {
      const root = path.join(work, "consumer");
      writeRootModule(root);
      const { validate, test: t } = await initAndTest(root);
      expect(validate).not.toMatch(/Warning:/);
      expect({ code: t.code, output: t.output }).toEqual({
        code: 0,
        output: expect.stringContaining("2 passed, 0 failed"),
      });
      expect(t.output).toMatch(/run "plan_everything"\.\.\. pass/);
      expect(t.output).toMatch(/run "apply_without_session_logging"\.\.\. pass/);
    },
    600_000,
  );

  real(
    "GIVEN a plain mock_provider \"aws\" {} WHEN the same root module is tested THEN the modules' validations refuse the mock's made-up ARNs (the defaults are needed)",
    async () => {
      const root = path.join(work, "plain-mock");
      const documented = planOnly(documentedTest());
      // Both mock providers without the mock defaults (no `source`): plain mocks.
      const plain = documented.replace(/^\s*source\s*=\s*"\.\/tests\/mocks"\n/gm, "");
      expect(plain).not.toBe(documented);
      writeRootModule(root, undefined, plain);
      const { test: t } = await initAndTest(root);
      expect(t.code).not.toBe(0);
      expect(t.output).toMatch(/Invalid value for variable|must be a KMS key ARN/);
    },
    600_000,
  );

  real(
    "GIVEN the instances are given a prefix of their own WHEN tested THEN the README's prefix assertion fails (transcripts would be lost)",
    async () => {
      const root = path.join(work, "own-prefix");
      writeRootModule(
        root,
        (main) => {
          const edited = main.replace(
            /log_prefix(\s*)= module\.session_preferences\.log_prefix/,
            'log_prefix$1= "sessions"',
          );
          expect(edited).not.toBe(main);
          return edited;
        },
        planOnly(documentedTest()),
      );
      const { test: t } = await initAndTest(root);
      expect(t.code).not.toBe(0);
      expect(t.output.replace(/\s+/g, " ")).toContain(
        "the instance role may write S3 session logs where the preferences document sends them",
      );
    },
    600_000,
  );
});
