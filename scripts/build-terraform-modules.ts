/**
 * `npm run build:terraform-modules [-- <outdir>]`: writes one Terraform registry module per public module to
 * dist/terraform-modules/terraform-aws-bastionless-<module>/ (main.tf, variables.tf, outputs.tf, versions.tf,
 * README.md, examples/complete/), generated from the constructs (scripts/terraform-modules/).
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { TERRAFORM_ENV } from "./lib/terraform";
import { MODULES } from "./terraform-modules/definitions";
import { writeModule } from "./terraform-modules/framework";
import { writeRootExample } from "./terraform-modules/root-example";

/**
 * Writes every module into `outdir` (replacing it). The HCL is valid as written; when terraform is installed it is
 * also put in canonical style with `terraform fmt` (alignment, spacing), which `formatted` reports.
 */
export function buildTerraformModules(outdir: string): { dirs: string[]; formatted: boolean } {
  const version = (
    JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string }
  ).version;
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const dirs = MODULES.map((m) => writeModule(m, outdir, version));
  writeRootExample(outdir, MODULES);
  const fmt = spawnSync("terraform", ["fmt", "-recursive", "-list=false", outdir], {
    env: TERRAFORM_ENV,
    encoding: "utf8",
  });
  if (!fmt.error && fmt.status !== 0) throw new Error(`terraform fmt rejected the generated modules:\n${fmt.stderr}`);
  return { dirs, formatted: !fmt.error };
}

if (require.main === module) {
  const outdir = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "dist", "terraform-modules"));
  const { dirs, formatted } = buildTerraformModules(outdir);
  for (const dir of dirs) console.log(`wrote ${path.relative(process.cwd(), dir)}`);
  if (!formatted)
    console.warn("terraform is not installed: the modules are valid HCL but not run through `terraform fmt`");
}
