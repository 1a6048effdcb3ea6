/**
 * The generated Terraform registry modules: every .tf parses (hcl2json), the registry's standard module structure,
 * described variables and outputs, no backend or provider inside a module, and an example that uses only declared
 * inputs. (terraform validate and a mock plan + apply of each example run in `npm run validate`.)
 */
import { parse } from "@cdktf/hcl2json";
import * as fs from "fs";
import * as path from "path";
import { MODULES_DIR, sharedTerraformModules } from "../helpers/terraform-modules";
import { LOG_RETENTION_DAYS } from "../../modules/core/limits";
import { VOCABULARY, vocabularyTable } from "../../terraform-modules/consumer-testing";
import { MODULES } from "../../terraform-modules/definitions";
import { declaredVariables, hclLiteral, soleInterpolation } from "../../terraform-modules/framework";

type Hcl = Record<string, Record<string, Record<string, unknown>[]> | Record<string, unknown>[]>;

const outdir = MODULES_DIR;
let dirs: string[];
const parsed = new Map<string, Hcl>();

const tfFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".tf"))
    .map((e) => path.join(e.parentPath, e.name));

beforeAll(async () => {
  dirs = sharedTerraformModules().dirs;
  for (const dir of dirs)
    for (const f of tfFiles(dir)) parsed.set(f, (await parse(path.basename(f), fs.readFileSync(f, "utf8"))) as Hcl);
}, 60_000);

const blocks = (file: string, kind: string) =>
  (parsed.get(file)?.[kind] ?? {}) as Record<string, Record<string, unknown>[]>;

describe("npm run build:terraform-modules", () => {
  test("writes one terraform-aws-bastionless-<module> per public module", () => {
    expect(dirs.map((d) => path.basename(d)).sort()).toEqual([
      "terraform-aws-bastionless-instance-access",
      "terraform-aws-bastionless-network",
      "terraform-aws-bastionless-operator-access",
      "terraform-aws-bastionless-session-logging",
      "terraform-aws-bastionless-session-preferences",
    ]);
  });

  test("every .tf file parses as HCL", () => {
    const files = dirs.flatMap(tfFiles);
    // main, variables, outputs, versions, moved (modules released in 0.1.0); example main, versions; the earlier
    // releases' addresses a module's upgrade test applies (tests/releases/<release>/main.tf)
    const releases = (d: string) =>
      fs.existsSync(path.join(d, "tests", "releases")) ? fs.readdirSync(path.join(d, "tests", "releases")).length : 0;
    expect(files.length).toBe(
      dirs.length * 6 +
        dirs.filter((d) => fs.existsSync(path.join(d, "moved.tf"))).length +
        dirs.filter((d) => fs.existsSync(path.join(d, "aliases.tf"))).length +
        dirs.reduce((n, d) => n + releases(d), 0),
    );
    for (const f of files) expect(parsed.get(f)).toBeDefined();
  });

  test.each(MODULES.map((m) => [m.name, m] as const))("%s: the standard module structure", (name) => {
    const dir = path.join(outdir, `terraform-aws-bastionless-${name}`);
    for (const f of [
      "main.tf",
      "variables.tf",
      "outputs.tf",
      "versions.tf",
      "README.md",
      "examples/complete/main.tf",
      "examples/complete/versions.tf",
      "LICENSE",
      "tests/complete.tftest.hcl",
    ]) {
      expect(fs.existsSync(path.join(dir, f))).toBe(true);
    }
    const [terraform] = parsed.get(path.join(dir, "versions.tf"))!.terraform as Record<string, unknown>[];
    expect(terraform.required_version).toBe(">= 1.5.0");
    expect((terraform.required_providers as Record<string, { source: string; version: string }>[])[0].aws).toEqual({
      source: "hashicorp/aws",
      version: ">= 5.100, < 7",
    });
  });

  test.each(MODULES.map((m) => [m.name, m] as const))(
    "%s: no backend and no provider configuration inside the module",
    (name) => {
      const dir = path.join(outdir, `terraform-aws-bastionless-${name}`);
      for (const f of ["main.tf", "variables.tf", "outputs.tf", "versions.tf"].map((x) => path.join(dir, x))) {
        const hcl = parsed.get(f)!;
        expect(hcl.provider).toBeUndefined();
        for (const t of (hcl.terraform ?? []) as Record<string, unknown>[]) expect(t.backend).toBeUndefined();
      }
      expect(fs.readFileSync(path.join(dir, "main.tf"), "utf8")).not.toMatch(/^\s*(provider|backend)\s+"/m);
    },
  );

  test.each(MODULES.map((m) => [m.name, m] as const))(
    "%s: every variable is typed and described, every output described",
    (name, def) => {
      const dir = path.join(outdir, `terraform-aws-bastionless-${name}`);
      const variables = blocks(path.join(dir, "variables.tf"), "variable");
      expect(Object.keys(variables).sort()).toEqual(
        declaredVariables(def.variables)
          .map((v) => v.name)
          .sort(),
      );
      for (const [v, [body]] of Object.entries(variables)) {
        expect({ v, description: typeof body.description === "string" && body.description.length > 10 }).toEqual({
          v,
          description: true,
        });
        expect(body.type).toMatch(/^\$\{(string|number|bool|list\(string\)|map\(string\)|map\(list\(string\)\))\}$/);
      }
      const outputs = blocks(path.join(dir, "outputs.tf"), "output");
      expect(Object.keys(outputs).length).toBeGreaterThan(0);
      for (const [o, [body]] of Object.entries(outputs))
        expect({ o, described: typeof body.description === "string" && body.description.length > 10 }).toEqual({
          o,
          described: true,
        });
    },
  );

  test.each(MODULES.map((m) => [m.name, m] as const))("%s: the module reads only declared variables", (name) => {
    const dir = path.join(outdir, `terraform-aws-bastionless-${name}`);
    const declared = new Set(Object.keys(blocks(path.join(dir, "variables.tf"), "variable")));
    const text = ["main.tf", "outputs.tf"].map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n");
    const referenced = new Set([...text.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    expect([...referenced].filter((r) => !declared.has(r))).toEqual([]);
  });

  test.each(MODULES.map((m) => [m.name, m] as const))(
    "%s: the example sets only declared inputs and every required one",
    (name) => {
      const dir = path.join(outdir, `terraform-aws-bastionless-${name}`);
      const variables = blocks(path.join(dir, "variables.tf"), "variable");
      const required = Object.entries(variables)
        .filter(([, [b]]) => !("default" in b))
        .map(([n]) => n);
      const modules = blocks(path.join(dir, "examples", "complete", "main.tf"), "module");
      const [call] = Object.values(modules)[0];
      const inputs = Object.keys(call).filter((k) => k !== "source");
      expect(call.source).toBe("../../");
      expect(inputs.filter((i) => !(i in variables))).toEqual([]);
      expect(required.filter((r) => !inputs.includes(r))).toEqual([]);
      expect(parsed.get(path.join(dir, "examples", "complete", "main.tf"))!.provider).toBeDefined();
    },
  );

  test.each(MODULES.map((m) => [m.name, m] as const))(
    "%s: the README documents every input and output from the same metadata",
    (name) => {
      const dir = path.join(outdir, `terraform-aws-bastionless-${name}`);
      const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
      // (terraform-docs' markdown table format: see terraform-modules-publishable.test.ts)
      for (const v of Object.keys(blocks(path.join(dir, "variables.tf"), "variable")))
        expect(readme).toMatch(new RegExp(`^\\| <a name="input_${v}"></a> .+ \\| (yes|no) \\|$`, "m"));
      for (const o of Object.keys(blocks(path.join(dir, "outputs.tf"), "output")))
        expect(readme).toMatch(new RegExp(`^\\| <a name="output_${o}"></a> `, "m"));
      expect(readme).toContain(`module "${name.replace(/-/g, "_")}" {`);
    },
  );

  test("validations mirror the constructs' checks (bad values are refused before any API call)", () => {
    const validation = (module: string, variable: string) =>
      (
        blocks(path.join(outdir, `terraform-aws-bastionless-${module}`, "variables.tf"), "variable")[variable][0]
          .validation as { condition: string }[]
      )
        .map((v) => v.condition)
        .join(" ");
    expect(validation("session-logging", "log_retention_days")).toContain(
      `contains([${LOG_RETENTION_DAYS.join(", ")}], var.log_retention_days)`,
    );
    expect(validation("session-logging", "kms_key_alias")).toContain('!startswith(var.kms_key_alias, "alias/aws/")');
    expect(validation("session-logging", "log_bucket_name")).toContain('"-s3alias"');
    expect(validation("session-logging", "bucket_name")).toContain('"-s3alias"');
    expect(validation("operator-access", "target_instance_tags")).toContain("length(var.target_instance_tags) > 0");
    expect(validation("operator-access", "instance_tags")).toContain("length(var.instance_tags) > 0");
    expect(validation("network", "services")).toContain(
      'contains(var.services, "ssm") && contains(var.services, "ssmmessages")',
    );
  });

  test("operator-access: tags are matched with StringEquals from the map variable, never IfExists; MFA and source deny are conditional", () => {
    const main = fs.readFileSync(path.join(outdir, "terraform-aws-bastionless-operator-access", "main.tf"), "utf8");
    // (whitespace-tolerant: the build runs terraform fmt only where terraform is installed)
    expect(main).toMatch(
      /"StringEquals"\s*=\s*\{\s*for key, val in local\.target_instance_tags\s*:\s*"ssm:resourceTag\/\$\{key\}" => val\s*\}/,
    );
    expect(main).not.toMatch(/IfExists" = \{ for/);
    expect(main).toMatch(/var\.require_mfa \? \[\{\s*"Sid"\s*=\s*"DenySessionsWithoutMfa"/);
    expect(main).toMatch(/\(length\(var\.source_cidrs\) >= 1\) \? \[\{\s*"Sid"\s*=\s*"DenySessionsFromOtherAddresses"/);
    expect(main).toContain('"$${aws:userid}"');
  });

  test("session-logging: key and bucket keep prevent_destroy, the log group skip_destroy", () => {
    const main = blocks(
      path.join(outdir, "terraform-aws-bastionless-session-logging", "main.tf"),
      "resource",
    ) as unknown as Record<string, Record<string, Record<string, unknown>[]>>;
    const only = (type: string) => Object.values(main[type])[0][0];
    expect(only("aws_kms_key").lifecycle).toEqual([{ prevent_destroy: true }]);
    // (and the bucket checks that its name is given under one of its two names: log_bucket_name, bucket_name)
    expect(only("aws_s3_bucket").lifecycle).toEqual([expect.objectContaining({ prevent_destroy: true })]);
    expect(only("aws_cloudwatch_log_group").skip_destroy).toBe(true);
  });
});

describe("one vocabulary, documented", () => {
  const docs = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "terraform-modules.md"), "utf8");

  test("docs/terraform-modules.md and every README show the same vocabulary table", () => {
    expect(docs).toContain(vocabularyTable());
    for (const d of dirs) expect(fs.readFileSync(path.join(d, "README.md"), "utf8")).toContain(vocabularyTable());
  });

  test("each vocabulary input is declared under that name by every module that takes the thing, and fed by the named output", () => {
    const outputs = (name: string) =>
      Object.keys(blocks(path.join(outdir, `terraform-aws-bastionless-${name}`, "outputs.tf"), "output"));
    for (const row of VOCABULARY) {
      const producer = /^([a-z-]+) `([a-z_]+)`$/.exec(row.from);
      if (producer)
        expect({ row: row.input, has: outputs(producer[1]).includes(producer[2]) }).toEqual({
          row: row.input,
          has: true,
        });
      for (const former of row.formerly) {
        const [old, module] = /^(\S+) \(([a-z-]+)/.exec(former)!.slice(1);
        const def = MODULES.find((m) => m.name === module)!;
        expect(def.variables.find((v) => v.formerly?.name === old)?.name).toBe(row.input);
      }
    }
  });

  test("an input the session-logging module feeds is validated alike in every module that takes it", () => {
    // GIVEN every module input wired from a session-logging output
    const wired = MODULES.flatMap((m) =>
      m.variables
        .filter((v) => v.wiredFrom?.startsWith("module.session_logging."))
        .map((v) => ({
          module: m.name,
          name: v.name,
          // the pattern itself: an input that accepts null says so in front of it
          conditions: (v.validations ?? []).map((x) => x.condition.replace(`var.${v.name} == null || `, "")),
        })),
    );
    expect(new Set(wired.map((w) => w.name))).toEqual(new Set(["log_bucket_arn", "log_group_arn", "kms_key_arn"]));
    // THEN one validation per input, the same wherever it is taken
    for (const name of new Set(wired.map((w) => w.name))) {
      const takers = wired.filter((w) => w.name === name);
      expect(takers.length).toBeGreaterThan(1);
      for (const t of takers) expect({ ...t, module: name }).toEqual({ ...takers[0], module: name });
      expect(takers[0].conditions).toHaveLength(1);
    }
  });

  test.each(MODULES.map((m) => [m.name, m] as const))(
    "%s: the README names the npm subpath whose index exports its constructs, and docs list it",
    (name, def) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = require(path.join(__dirname, "..", "..", "modules", def.npmSubpath, "index.ts")) as Record<
        string,
        unknown
      >;
      for (const c of def.constructs) expect({ c, exported: typeof exported[c] }).toEqual({ c, exported: "function" });
      const readme = fs.readFileSync(path.join(outdir, `terraform-aws-bastionless-${name}`, "README.md"), "utf8");
      expect(readme).toContain(`\`bastionless/modules/${def.npmSubpath}\``);
      expect(docs).toMatch(new RegExp(`^\\| \`${name}\` \\|.*\\| \`bastionless/modules/${def.npmSubpath}\` \\|$`, "m"));
    },
  );
});

describe("HCL rendering helpers", () => {
  test("soleInterpolation unwraps exactly one interpolation, with strings and nested templates inside", () => {
    expect(soleInterpolation("${var.x}")).toBe("var.x");
    expect(soleInterpolation('${jsonencode({"a" = "${var.y}-}"})}')).toBe('jsonencode({"a" = "${var.y}-}"})');
    expect(soleInterpolation("${var.a}-${var.b}")).toBeUndefined();
    expect(soleInterpolation("plain")).toBeUndefined();
  });

  test("hclLiteral writes HCL values", () => {
    expect(hclLiteral({ Team: ["platform"], "a:b": null, n: 3, on: true })).toBe(
      '{\n  Team  = [\n    "platform",\n  ]\n  "a:b" = null\n  n     = 3\n  on    = true\n}',
    );
    expect(hclLiteral("${x}")).toBe('"$${x}"');
  });
});
