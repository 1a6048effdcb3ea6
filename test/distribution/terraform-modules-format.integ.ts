/**
 * The generated modules are in canonical HCL style, written by a real formatter (@cdktn/hcl-tools, the hclwrite
 * formatter `terraform fmt` uses, run in a child process): byte-identical to what `terraform fmt` makes of them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildTerraformModules } from "../../terraform-modules/build";
import { terraformInstalled, TERRAFORM_ENV } from "../../tools/terraform";
import { prepareHcl } from "../../terraform-modules/framework";
import { formatHclFiles } from "../../terraform-modules/hcl-format";

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-tfmod-fmt-"));
beforeAll(() => buildTerraformModules(outdir), 120_000);
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const files = (dir: string) =>
  fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tf$|\.tftest\.hcl$|\.tfmock\.hcl$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));

describe("HCL formatting of the generated modules", () => {
  const real = terraformInstalled() ? test : test.skip;
  real("GIVEN the built modules WHEN terraform fmt checks them THEN it would change no file (byte-identical)", () => {
    const r = spawnSync("terraform", ["fmt", "-check", "-recursive", "-diff", outdir], {
      env: TERRAFORM_ENV,
      encoding: "utf8",
    });
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  test("GIVEN a formatted module WHEN formatted again THEN nothing changes (the formatter's fixed point)", () => {
    const before = new Map(files(outdir).map((f) => [f, fs.readFileSync(f, "utf8")]));
    expect(before.size).toBeGreaterThan(30);
    formatHclFiles([...before.keys()]);
    for (const [f, text] of before) expect({ f, text: fs.readFileSync(f, "utf8") }).toEqual({ f, text });
  });

  test("GIVEN unindented, unaligned HCL WHEN formatted THEN it is indented and aligned (the formatter runs)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-fmt-"));
    const f = path.join(dir, "main.tf");
    fs.writeFileSync(f, 'resource "a" "b" {\nx = 1\nlonger_name = "v"\nblock {\ny = [\n1,\n]\n}\n}\n');
    formatHclFiles([f]);
    expect(fs.readFileSync(f, "utf8")).toBe(
      'resource "a" "b" {\n  x           = 1\n  longer_name = "v"\n  block {\n    y = [\n      1,\n    ]\n  }\n}\n',
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("fails: a file the formatter cannot read is an error naming the formatter and the file", () => {
    const missing = path.join(os.tmpdir(), "bl-fmt-missing", "main.tf");
    expect(() => formatHclFiles([missing])).toThrow(/HCL formatter \(@cdktn\/hcl-tools\) failed[^]*bl-fmt-missing/);
  });

  test("prepareHcl: unwraps interpolation-only values, unquotes references, writes condition blocks, keeps heredocs", () => {
    const out = prepareHcl(
      [
        'data "a" "z" {',
        "}",
        'resource "a" "b" {',
        'x = "${var.x}"',
        'y = "${var.a}-${var.b}"',
        "depends_on = [",
        '"aws_kms_key.k",',
        "]",
        "p = <<EOF",
        "{",
        '  "k": "}"',
        "}",
        "EOF",
        "lifecycle {",
        "  precondition = [",
        "{",
        'condition = "${length(var.l) > 0}"',
        'error_message = "give l"',
        "},",
        "]",
        "}",
        "}",
      ].join("\n"),
    );
    expect(out).toBe(
      [
        'data "a" "z" {',
        "}",
        "",
        'resource "a" "b" {',
        "x = var.x",
        'y = "${var.a}-${var.b}"',
        "depends_on = [",
        "aws_kms_key.k,",
        "]",
        "p = <<EOF",
        "{",
        '  "k": "}"',
        "}",
        "EOF",
        "lifecycle {",
        "precondition {",
        "condition = length(var.l) > 0",
        'error_message = "give l"',
        "}",
        "}",
        "}",
        "",
      ].join("\n"),
    );
  });
});
