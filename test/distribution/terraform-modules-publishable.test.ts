/**
 * Each generated module is publishable on its own repository: the licence, a README with terraform-docs markers
 * around tables in terraform-docs' markdown-table format, and the `terraform test` file that proves it, shipped.
 * (`npm run validate` runs the shipped tests with the real Terraform.)
 */
import { parse } from "@cdktf/hcl2json";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MODULES_DIR, sharedTerraformModules } from "../helpers/terraform-modules";
import { moduleFiles } from "../../terraform-modules/publish-git";
import { MODULES } from "../../terraform-modules/definitions";
import { declaredVariables } from "../../terraform-modules/framework";
import { LOG_PREFIX } from "../../terraform-modules/validations";
import { declaredResources, TF_DOCS_BEGIN, TF_DOCS_END } from "../../terraform-modules/publishable";

const ROOT = path.join(__dirname, "..", "..");
const outdir = MODULES_DIR;
beforeAll(() => sharedTerraformModules(), 60_000);

const dirOf = (name: string) => path.join(outdir, `terraform-aws-bastionless-${name}`);
const read = (name: string, f: string) => fs.readFileSync(path.join(dirOf(name), f), "utf8");
const docsBlock = (readme: string) => {
  const begin = readme.indexOf(TF_DOCS_BEGIN);
  const end = readme.indexOf(TF_DOCS_END);
  return readme.slice(begin, end + TF_DOCS_END.length);
};
const escaped = (s: string) => s.replace(/_/g, "\\_");

describe.each(MODULES.map((m) => [m.name, m] as const))("module %s as published", (name, def) => {
  test("ships the package's licence (Apache-2.0)", () => {
    expect(read(name, "LICENSE")).toBe(fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8"));
    expect(read(name, "LICENSE")).toContain("Apache License");
  });

  test("the README has exactly one terraform-docs block, after the usage, ending the file", () => {
    const readme = read(name, "README.md");
    expect(readme.split(TF_DOCS_BEGIN)).toHaveLength(2);
    expect(readme.split(TF_DOCS_END)).toHaveLength(2);
    expect(readme.indexOf("## Usage")).toBeLessThan(readme.indexOf(TF_DOCS_BEGIN));
    expect(readme.trimEnd().endsWith(TF_DOCS_END)).toBe(true);
  });

  test("the terraform-docs block lists requirements, every resource and data source of main.tf, inputs and outputs in terraform-docs' format", () => {
    const block = docsBlock(read(name, "README.md"));
    const sections = [...block.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(["Requirements", "Providers", "Modules", "Resources", "Inputs", "Outputs"]);
    const versions = read(name, "versions.tf");
    const aws = /aws = \{[^}]*version\s*=\s*"([^"]+)"/s.exec(versions)![1];
    expect(block).toContain(`| <a name="requirement_aws"></a> [aws](#requirement\\_aws) | ${aws} |`);
    for (const r of declaredResources(read(name, "main.tf"))) {
      const kind = r.kind === "data" ? "data-sources" : "resources";
      expect(block).toContain(
        `| [${r.type}.${r.name}](https://registry.terraform.io/providers/hashicorp/aws/latest/docs/${kind}/${r.type.slice(4)}) | ${r.kind === "data" ? "data source" : "resource"} |`,
      );
    }
    const inputRows = [
      ...block.matchAll(
        /^\| <a name="input_([a-z0-9_]+)"><\/a> \[([^\]]+)\]\(#input\\_[^)]+\) \| .* \| (yes|no) \|$/gm,
      ),
    ];
    const declared = declaredVariables(def.variables);
    expect(inputRows.map((m) => m[1])).toEqual(declared.map((v) => v.name).sort());
    for (const m of inputRows) expect(m[2]).toBe(escaped(m[1]));
    for (const v of declared) {
      const row = inputRows.find((m) => m[1] === v.name)![0];
      expect(row.endsWith("default" in v ? "| no |" : "| n/a | yes |")).toBe(true);
    }
    expect(block).toContain("|------|-------------|------|---------|:--------:|");
  });

  test("ships tests/complete.tftest.hcl: examples/complete against a mocked provider, asserting the module's checks", async () => {
    const text = read(name, "tests/complete.tftest.hcl");
    const hcl = (await parse("complete.tftest.hcl", text)) as {
      mock_provider: { aws: Record<string, unknown>[] };
      run: Record<string, { command: string; module: { source: string }[]; assert?: unknown[] }[]>;
    };
    const [run] = hcl.run.complete;
    expect(run.module[0].source).toBe("./examples/complete");
    expect(run.assert ?? []).toHaveLength(def.checks.length);
    // prevent_destroy cannot be destroyed by the test's clean-up: such a module is planned with mocked values
    const keepsResources = /prevent_destroy\s*=\s*true/.test(read(name, "main.tf"));
    expect(run.command).toBe(keepsResources ? "${plan}" : "${apply}");
    expect(hcl.mock_provider.aws[0].override_during).toBe(keepsResources ? "${plan}" : undefined);
  });

  test("the files the publish script pushes are the module, its example, tests and licence (no local Terraform state)", () => {
    // (in a copy: the generated modules are shared with other test files)
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "bl-tfmod-pub-"));
    fs.cpSync(dirOf(name), copy, { recursive: true });
    fs.mkdirSync(path.join(copy, ".terraform"), { recursive: true });
    expect(
      moduleFiles(copy).filter(
        (f) => f !== "moved.tf" && f !== "aliases.tf" && !(f.startsWith("tests/") && f !== "tests/complete.tftest.hcl"),
      ),
    ).toEqual([
      "LICENSE",
      "README.md",
      "examples/complete/main.tf",
      "examples/complete/versions.tf",
      "main.tf",
      "mocks/aws.tfmock.hcl",
      "outputs.tf",
      "tests/complete.tftest.hcl",
      "variables.tf",
      "versions.tf",
    ]);
  });
});

describe("module session-preferences", () => {
  test("the document body has exactly the construct's keys (SessionDocumentContent), numbers as strings", () => {
    const main = read("session-preferences", "main.tf");
    const body = /content\s*=\s*jsonencode\((\{.*\})\)\n/.exec(main)![1];
    const keys = [...body.matchAll(/"([A-Za-z0-9]+)" =/g)].map((m) => m[1]);
    expect(keys).toEqual([
      "schemaVersion",
      "description",
      "sessionType",
      "inputs",
      "s3BucketName",
      "s3KeyPrefix",
      "s3EncryptionEnabled",
      "cloudWatchLogGroupName",
      "cloudWatchEncryptionEnabled",
      "cloudWatchStreamingEnabled",
      "kmsKeyId",
      "runAsEnabled",
      "runAsDefaultUser",
      "idleSessionTimeout",
      "maxSessionDuration",
      "shellProfile",
      "windows",
      "linux",
    ]);
    expect(body).toContain('"idleSessionTimeout" = tostring(var.idle_session_timeout_minutes)');
    expect(main).toMatch(/document_type\s*=\s*"Session"/);
  });

  test("ships a bad-input test: missing KMS key or destination fails the plan, out-of-range minutes and root are refused", () => {
    const text = read("session-preferences", "tests/bad-input.tftest.hcl");
    expect(text.match(/expect_failures = \[aws_ssm_document\.this\]/g)).toHaveLength(2);
    expect(text).toContain("expect_failures = [var.idle_session_timeout_minutes]");
    expect(text).toContain("expect_failures = [var.run_as_default_user]");
    const main = read("session-preferences", "main.tf");
    expect(main.match(/^\s*precondition \{$/gm)).toHaveLength(2);
  });

  test("the README documents adopting a console-created document with an import block", () => {
    expect(read("session-preferences", "README.md")).toContain(
      'import { to = module.session_preferences.aws_ssm_document.this[0]  id = "SSM-SessionManagerRunShell" }',
    );
  });
});

describe("examples/complete beside the modules (an HCL user's root module)", () => {
  test("calls every generated module from its directory and wires them as the environment stack does", async () => {
    const main = fs.readFileSync(path.join(outdir, "examples", "complete", "main.tf"), "utf8");
    const hcl = (await parse("main.tf", main)) as { module: Record<string, Record<string, unknown>[]> };
    expect(Object.keys(hcl.module).sort()).toEqual(MODULES.map((m) => m.name.replace(/-/g, "_")).sort());
    for (const [label, [call]] of Object.entries(hcl.module)) {
      const source = call.source as string;
      expect(source).toBe(`../../terraform-aws-bastionless-${label.replace(/_/g, "-")}`);
      expect(fs.existsSync(path.join(outdir, "examples", "complete", source, "main.tf"))).toBe(true);
    }
    const prefs = hcl.module.session_preferences[0];
    const instances = hcl.module.instance_access[0];
    const operators = hcl.module.operator_access[0];
    expect(prefs.kms_key_arn).toBe("${module.session_logging.kms_key_arn}");
    expect(prefs.log_group_arn).toBe("${module.session_logging.log_group_arn}");
    expect(prefs.log_bucket_arn).toBe("${module.session_logging.log_bucket_arn}");
    expect(hcl.module.network[0].log_bucket_arn).toBe("${module.session_logging.log_bucket_arn}");
    expect(instances.log_bucket_arn).toBe("${module.session_logging.log_bucket_arn}");
    expect(instances.kms_key_arn).toBe("${module.session_logging.kms_key_arn}");
    expect(instances.security_group_ids).toEqual(["${module.network.instance_security_group_id}"]);
    expect(operators.kms_key_arn).toBe("${module.session_logging.kms_key_arn}");
    expect(operators.shell_document_name).toBe("${module.session_preferences.document_name}");
    expect(operators.target_instance_tags).toBe("${module.instance_access.target_instance_tags}");
  });

  test("the S3 key prefix is written once: the instance role may write where the preferences document sends logs", async () => {
    // The 0.1 example set s3_key_prefix = "sessions/" while the instance role could only write under dev/: every
    // S3 transcript was refused. Now the prefix is a literal in one place, and the instance role reads it back.
    const main = fs.readFileSync(path.join(outdir, "examples", "complete", "main.tf"), "utf8");
    const hcl = (await parse("main.tf", main)) as { module: Record<string, Record<string, unknown>[]> };
    const literals = Object.entries(hcl.module).filter(
      ([, [call]]) => typeof call.log_prefix === "string" && !(call.log_prefix as string).startsWith("${"),
    );
    expect(literals.map(([label]) => label)).toEqual(["session_preferences"]);
    expect(hcl.module.session_preferences[0].log_prefix).toMatch(LOG_PREFIX);
    expect(hcl.module.instance_access[0].log_prefix).toBe("${module.session_preferences.log_prefix}");
    // the preferences module's log_prefix output is the document's s3KeyPrefix (a resource attribute, not the input)
    const outputs = (await parse(
      "outputs.tf",
      fs.readFileSync(path.join(outdir, "terraform-aws-bastionless-session-preferences", "outputs.tf"), "utf8"),
    )) as { output: Record<string, { value: string }[]> };
    // (with create = false, another configuration manages the document: the prefix it must use)
    expect(outputs.output.log_prefix[0].value).toBe(
      "${var.create ? jsondecode(aws_ssm_document.this[0].content).inputs.s3KeyPrefix : local.log_prefix}",
    );
  });

  test("ships versions.tf and a terraform test that plans the composition with mocked values", () => {
    const dir = path.join(outdir, "examples", "complete");
    expect(fs.readFileSync(path.join(dir, "versions.tf"), "utf8")).toContain('version = ">= 5.100, < 7"');
    const test = fs.readFileSync(path.join(dir, "tests", "complete.tftest.hcl"), "utf8");
    expect(test).toContain("override_during = plan");
    expect(test).toContain("module.session_preferences.content");
  });
});
