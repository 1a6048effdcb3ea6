/**
 * `npm run build:terraform-modules [-- <outdir>]`: writes one Terraform registry module per public module to
 * dist/terraform-modules/terraform-aws-bastionless-<module>/ (main.tf, variables.tf, outputs.tf, versions.tf,
 * README.md, examples/complete/), generated from the constructs (terraform-modules/).
 */
import * as fs from "fs";
import * as path from "path";
import { vocabularyTable, writeConsumerTesting } from "./consumer-testing";
import { MODULES } from "./definitions";
import { writeModule } from "./framework";
import { formatHclFiles } from "./hcl-format";
import { writeRootExample } from "./root-example";

/** Every HCL file under dir (.tf, .tftest.hcl and .tfmock.hcl). */
const hclFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(
      (e) => e.isFile() && (e.name.endsWith(".tf") || e.name.endsWith(".tftest.hcl") || e.name.endsWith(".tfmock.hcl")),
    )
    .map((e) => path.join(e.parentPath, e.name))
    .sort();

/**
 * Writes every module into `outdir` (replacing it), in canonical HCL style: every .tf and .tftest.hcl file goes
 * through @cdktn/hcl-tools' formatter (the hclwrite formatter `terraform fmt` uses), so the output is the same with
 * or without Terraform installed (test/distribution/terraform-modules-format.integ.ts compares with `terraform fmt`).
 */
export function buildTerraformModules(outdir: string): { dirs: string[] } {
  const version = (
    JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string }
  ).version;
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const vocabulary = vocabularyTable();
  const dirs = MODULES.map((m) => writeModule(m, outdir, version, vocabulary));
  writeConsumerTesting(dirs);
  writeRootExample(outdir, MODULES);
  formatHclFiles(hclFiles(outdir));
  return { dirs };
}

if (require.main === module) {
  const outdir = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "dist", "terraform-modules"));
  const { dirs } = buildTerraformModules(outdir);
  for (const dir of dirs) console.log(`wrote ${path.relative(process.cwd(), dir)}`);
}
