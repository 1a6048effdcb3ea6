/**
 * The generated modules work with AWS provider 5.100+ and 6.x: the constraint admits both, and no generated file
 * uses an argument or attribute that the provider's version 6 upgrade guide removes or deprecates (validation here
 * runs on 5.100.0, the only provider in the offline mirror, so this list is what guards 6.x).
 */
import * as fs from "fs";
import * as path from "path";
import { MODULES_DIR, sharedTerraformModules } from "../helpers/terraform-modules";

/**
 * From "Terraform AWS Provider Version 6 Upgrade Guide" (website/docs/guides/version-6-upgrade.html.markdown):
 * references (`<type>.<name>.<attribute>`) and arguments (inside a block of that type) that 6.0 removes or
 * deprecates, for the resource types a Session Manager module could plausibly use.
 */
const DEPRECATED_REFERENCES: [string, RegExp][] = [
  ["data aws_region .name (use .id/.region)", /\bdata\.aws_region\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.name\b/],
  ["data aws_s3_bucket .region (use bucket_region)", /\bdata\.aws_s3_bucket\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.region\b/],
  ["aws_s3_bucket .region (use bucket_region)", /(?<!data\.)\baws_s3_bucket\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.region\b/],
  [
    "data aws_vpc_endpoint_service .region (use service_region)",
    /\bdata\.aws_vpc_endpoint_service\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.region\b/,
  ],
  [
    "data aws_vpc_peering_connection .region",
    /\bdata\.aws_vpc_peering_connection\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.region\b/,
  ],
];
const REMOVED_ARGUMENTS: Record<string, string[]> = {
  aws_instance: ["cpu_core_count", "cpu_threads_per_core"],
  aws_launch_template: ["elastic_gpu_specifications", "elastic_inference_accelerator"],
  aws_eip: ["vpc"],
  aws_flow_log: ["log_group_name"],
  aws_ssm_association: ["instance_id"],
  aws_spot_instance_request: ["block_duration_minutes"],
  aws_redshift_cluster: ["snapshot_copy", "logging"],
  aws_api_gateway_deployment: ["stage_name", "stage_description", "canary_settings"],
  aws_dx_gateway_association: ["vpn_gateway_id"],
  aws_eks_addon: ["resolve_conflicts"],
  aws_guardduty_organization_configuration: ["auto_enable"],
};
const REMOVED_TYPES = [
  "aws_redshift_service_account",
  "aws_simpledb_domain",
  "aws_worklink_fleet",
  "aws_opsworks_stack",
];

const outdir = MODULES_DIR;
let files: { file: string; text: string }[];
beforeAll(() => {
  sharedTerraformModules();
  files = fs
    .readdirSync(outdir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".tf"))
    .map((e) => ({
      file: path.relative(outdir, path.join(e.parentPath, e.name)),
      text: fs.readFileSync(path.join(e.parentPath, e.name), "utf8"),
    }));
}, 60_000);

/** The body of every `resource "<type>" "<name>" { ... }` block (brace-balanced). */
function blocksOf(text: string, type: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(`^resource "${type}" "[^"]+" \\{`, "gm"))) {
    let depth = 0;
    for (let i = m.index + m[0].length - 1; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}" && --depth === 0) {
        out.push(text.slice(m.index, i + 1));
        break;
      }
    }
  }
  return out;
}

describe("AWS provider 5.100+ and 6.x", () => {
  test("every module and example requires aws >= 5.100, < 7", () => {
    const versions = files.filter((f) => f.file.endsWith("versions.tf"));
    expect(versions.length).toBeGreaterThanOrEqual(8);
    for (const f of versions)
      expect({ f: f.file, aws: /aws = \{[^}]*version\s*=\s*"([^"]+)"/s.exec(f.text)?.[1] }).toEqual({
        f: f.file,
        aws: ">= 5.100, < 7",
      });
  });

  test("no reference to an attribute the 6.0 upgrade guide deprecates or removes", () => {
    const found = files.flatMap((f) =>
      DEPRECATED_REFERENCES.filter(([, re]) => re.test(f.text)).map(([what]) => `${f.file}: ${what}`),
    );
    expect(found).toEqual([]);
  });

  test("no argument or resource type the 6.0 upgrade guide removes", () => {
    const found: string[] = [];
    for (const f of files) {
      for (const [type, args] of Object.entries(REMOVED_ARGUMENTS))
        for (const block of blocksOf(f.text, type))
          for (const a of args)
            if (new RegExp(`^\\s*${a}\\s*(=|\\{)`, "m").test(block)) found.push(`${f.file}: ${type}.${a}`);
      for (const t of REMOVED_TYPES) if (f.text.includes(`resource "${t}"`)) found.push(`${f.file}: ${t}`);
    }
    expect(found).toEqual([]);
  });

  test("the checks are real: each catches its example", () => {
    expect(DEPRECATED_REFERENCES[0][1].test('"logs.${data.aws_region.region.name}.amazonaws.com"')).toBe(true);
    expect(DEPRECATED_REFERENCES[0][1].test('"logs.${data.aws_region.current.id}.amazonaws.com"')).toBe(false);
    expect(
      blocksOf(
        'resource "aws_launch_template" "this" {\n  elastic_gpu_specifications {\n    type = "x"\n  }\n}\n',
        "aws_launch_template",
      ),
    ).toHaveLength(1);
  });

  test("ARNs take the partition from data.aws_partition, never a literal arn:aws", () => {
    const literal = files
      .filter((f) => !f.file.includes("examples") && /["\s]arn:aws:/.test(f.text))
      .map((f) => f.file);
    expect(literal).toEqual([]);
  });
});
