/**
 * Each generated module is publishable on its own repository: the licence, a README with terraform-docs markers
 * around tables in terraform-docs' markdown-table format, and the `terraform test` file that proves it, shipped.
 * (`npm run validate` runs the shipped tests with the real Terraform.)
 */
import { parse } from "@cdktf/hcl2json";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildTerraformModules } from "../../scripts/build-terraform-modules";
import { moduleFiles } from "../../scripts/lib/publish-git";
import { MODULES } from "../../scripts/terraform-modules/definitions";
import { declaredResources, TF_DOCS_BEGIN, TF_DOCS_END } from "../../scripts/terraform-modules/publishable";

const ROOT = path.join(__dirname, "..", "..");
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-tfmod-pub-"));
beforeAll(() => buildTerraformModules(outdir), 60_000);
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

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
    expect(inputRows.map((m) => m[1])).toEqual(def.variables.map((v) => v.name).sort());
    for (const m of inputRows) expect(m[2]).toBe(escaped(m[1]));
    for (const v of def.variables) {
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
    fs.mkdirSync(path.join(dirOf(name), ".terraform"), { recursive: true });
    expect(moduleFiles(dirOf(name))).toEqual([
      "LICENSE",
      "README.md",
      "examples/complete/main.tf",
      "examples/complete/versions.tf",
      "main.tf",
      "outputs.tf",
      "tests/complete.tftest.hcl",
      "variables.tf",
      "versions.tf",
    ]);
  });
});
