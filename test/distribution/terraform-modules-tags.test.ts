/**
 * Every generated module takes `tags` (map(string), default {}) and every resource it creates that AWS lets tag
 * carries them: a caller's cost-allocation or ownership tags must not silently miss some of the module's resources.
 * Taggability comes from the provider bindings (a resource type whose class takes `tags`), not from the generator.
 */
import { parse } from "@cdktf/hcl2json";
import * as fs from "fs";
import * as path from "path";
import { MODULES_DIR, sharedTerraformModules } from "../helpers/terraform-modules";
import { MODULES } from "../../terraform-modules/definitions";

const outdir = MODULES_DIR;
beforeAll(() => sharedTerraformModules(), 60_000);

const read = (name: string, f: string) =>
  fs.readFileSync(path.join(outdir, `terraform-aws-bastionless-${name}`, f), "utf8");

type Blocks = Record<string, Record<string, Record<string, unknown>[]>>;

/** Whether the AWS provider's resource type takes a `tags` argument (its binding class has a tags input). */
function taggable(type: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require(`@cdktf/provider-aws/lib/${type.replace(/^aws_/, "").replace(/_/g, "-")}`) as Record<
    string,
    unknown
  >;
  const cls = Object.values(lib).find(
    (c): c is { tfResourceType: string; prototype: object } =>
      typeof c === "function" && (c as { tfResourceType?: string }).tfResourceType === type,
  );
  if (!cls) throw new Error(`no provider binding for ${type}`);
  return "tagsInput" in cls.prototype;
}

describe.each(MODULES.map((m) => [m.name] as const))("module %s", (name) => {
  test("GIVEN the module WHEN its variables are read THEN tags is an optional map(string) defaulting to {}", async () => {
    const vars = (await parse("variables.tf", read(name, "variables.tf"))) as {
      variable: Record<string, Record<string, unknown>[]>;
    };
    const [tags] = vars.variable.tags;
    expect(tags.type).toBe("${map(string)}");
    expect(tags.default).toEqual({});
    expect(String(tags.description).length).toBeGreaterThan(10);
  });

  test("GIVEN its generated main.tf WHEN every resource AWS lets tag is read THEN its tags reference var.tags", async () => {
    const main = (await parse("main.tf", read(name, "main.tf"))) as { resource?: Blocks };
    const resources = Object.entries(main.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([label, [body]]) => ({ address: `${type}.${label}`, type, body })),
    );
    expect(resources.length).toBeGreaterThan(0);
    const untagged = resources
      .filter((r) => taggable(r.type))
      .filter((r) => !/\bvar\.tags\b/.test(JSON.stringify(r.body.tags ?? null)))
      .map((r) => r.address);
    expect(untagged).toEqual([]);
    // resources AWS cannot tag do not get a tags argument (terraform validate would refuse it)
    for (const r of resources.filter((x) => !taggable(x.type))) expect(r.body.tags).toBeUndefined();
  });

  test("GIVEN examples/complete WHEN the module block is read THEN it passes a non-empty tags map", async () => {
    const example = (await parse("main.tf", read(name, "examples/complete/main.tf"))) as {
      module: Record<string, Record<string, unknown>[]>;
    };
    const [block] = Object.values(example.module)[0];
    expect(Object.keys(block.tags as Record<string, string>).length).toBeGreaterThan(0);
  });
});

test("GIVEN the network module WHEN a resource carries its own Name tag THEN the caller's tags are merged under it (Name wins)", async () => {
  const main = (await parse("main.tf", read("network", "main.tf"))) as { resource: Blocks };
  const [endpointSg] = main.resource.aws_security_group.endpoint;
  expect(endpointSg.tags).toMatch(/^\$\{merge\(var\.tags, \{ ?"Name" = /);
});
