/**
 * `npm run validate`: for every synthesized stack in cdktf.out, run the real Terraform offline:
 *   terraform init -backend=false   (providers per tools/terraform.ts: $TF_CLI_CONFIG_FILE, else the offline
 *                                    mirror of terraform/cli.tfrc where it exists, else the public registry)
 *   terraform validate              (against the provider's real schema)
 *   terraform test                  (mock_provider "aws": plan + apply of the whole stack, tools/tftest.ts)
 * (`npm run validate` then runs terraform-modules/validate.ts for the generated registry modules.)
 * Exits 2 when terraform is not installed (the caller decides whether to skip), 1 on any failure.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pool, terraform, terraformInstalled } from "./terraform";
import { tftestFile, type StackJson } from "./tftest";

const root = path.resolve(__dirname, "..");
const outdir = path.resolve(process.argv[2] ?? path.join(root, "cdktf.out"));

/** Turns off prevent_destroy in the copy used by `terraform test`, whose clean-up destroys everything it applied. */
function withoutPreventDestroy(stack: StackJson): StackJson {
  const copy = JSON.parse(JSON.stringify(stack)) as StackJson;
  for (const byName of Object.values(copy.resource ?? {})) {
    for (const body of Object.values(byName)) {
      const lifecycle = body.lifecycle as { prevent_destroy?: boolean } | undefined;
      if (lifecycle?.prevent_destroy) lifecycle.prevent_destroy = false;
    }
  }
  return copy;
}

async function checkStack(
  name: string,
  stackDir: string,
  workRoot: string,
): Promise<{ name: string; ok: boolean; log: string }> {
  const work = path.join(workRoot, name);
  fs.mkdirSync(path.join(work, "tests"), { recursive: true });
  const stack = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as StackJson;
  fs.writeFileSync(path.join(work, "cdk.tf.json"), JSON.stringify(stack, null, 2));
  let log = "";
  for (const [step, args] of [
    ["init", ["init", "-backend=false", "-input=false"]],
    ["validate", ["validate"]],
  ] as const) {
    const r = await terraform([...args], work);
    if (r.code !== 0) return { name, ok: false, log: `terraform ${step} failed:\n${r.output}` };
  }
  fs.writeFileSync(path.join(work, "cdk.tf.json"), JSON.stringify(withoutPreventDestroy(stack), null, 2));
  const testFile = tftestFile(stack);
  fs.writeFileSync(path.join(work, "tests", `${name}.tftest.hcl`), testFile);
  const t = await terraform(["test"], work);
  log = t.output;
  const passed = /(\d+) passed, (\d+) failed/.exec(log);
  // Runs that feed a broken adopted VPC/subnet/route table/endpoint and expect its postcondition to fail.
  const checks = (testFile.match(/^run "plan_check_/gm) ?? []).length;
  const proven = checks > 0 ? ` (${checks} plan-time checks proven to fail with expect_failures)` : "";
  return {
    name,
    ok: t.code === 0,
    log: t.code === 0 ? `validate ok; test: ${passed ? passed[0] : "ok"}${proven}` : `terraform test failed:\n${log}`,
  };
}

async function main(): Promise<void> {
  if (!terraformInstalled()) {
    console.error(
      "terraform is not installed: `npm run validate` cannot run (install terraform 1.11+ and the AWS provider mirror)",
    );
    process.exit(2);
  }
  const manifestPath = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifestPath)) {
    console.error(`${manifestPath} not found: run \`npm run synth\` first`);
    process.exit(1);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "bastionless-validate-"));
  const results = await pool(Object.keys(manifest.stacks), 2, (name) =>
    checkStack(name, path.join(outdir, manifest.stacks[name].workingDirectory), workRoot),
  );
  let failed = 0;
  for (const r of results.sort((a, b) => a.name.localeCompare(b.name))) {
    console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}: ${r.log}`);
    if (!r.ok) failed++;
  }
  console.log(
    `terraform: ${results.length - failed} of ${results.length} stacks valid and planned + applied with a mock provider`,
  );
  fs.rmSync(workRoot, { recursive: true, force: true });
  if (failed > 0) process.exit(1);
}

void main();
