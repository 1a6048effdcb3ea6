/**
 * Composition, not constructor-time overridable calls (aws-cdk's rule): no construct of the library declares a
 * protected method (a seam a subclass overrides, run before the subclass has set its fields), and the Terraform-module
 * generator subclasses none of the library's classes: it composes them through props (a `policyRenderer`) and public
 * methods (`addInterfaceEndpoint`, `addS3Gateway`), so a generator does not shape the library's classes.
 */
import * as path from "path";
import { readSource, tsFiles } from "../helpers/source-files";

const read = readSource;
/** Strips comments, so prose ("protected from destroy") is not read as code. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");

/** `protected foo(`, `protected abstract foo(`, `protected get foo(` … as a class member (a line of its own). */
const protectedMethods = (text: string): string[] =>
  [
    ...code(text).matchAll(
      /^[ \t]*protected\s+(?:abstract\s+|static\s+|override\s+|async\s+|get\s+|set\s+)*(\w+)\s*[(<]/gm,
    ),
  ].map((m) => m[1]);

/** The classes the library defines (not the framework classes its cdktf and provider facades re-export). */
const libraryClasses = new Set(
  tsFiles("modules").flatMap((f) => [...read(f).matchAll(/^export (?:abstract )?class (\w+)/gm)].map((m) => m[1])),
);

/** The names a file imports from the library (modules/). */
const libraryImports = (text: string): string[] =>
  [...text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"\.\.\/modules\/[^"]*"/g)].flatMap((m) =>
    m[1].split(",").map((n) =>
      n
        .replace(/\btype\b/, "")
        .trim()
        .split(/\s+as\s+/)
        .pop()!,
    ),
  );
const extended = (text: string): string[] => [...code(text).matchAll(/\bextends\s+([A-Za-z_]\w*)/g)].map((m) => m[1]);

describe("composition instead of overridable constructor calls", () => {
  test("the detector finds protected methods in code, not in comments or strings", () => {
    const seam = "class A {\n  protected renderPolicy(s: string) {}\n  protected get x() {\n    return 1;\n  }\n}";
    expect(protectedMethods(seam)).toEqual(["renderPolicy", "x"]);
    expect(protectedMethods("/** protected from destroy (a seam) */\nconst a = 1; // protected foo()")).toEqual([]);
    expect(protectedMethods('const d = "a protected environment (its plan role)";')).toEqual([]);
  });

  test("GIVEN the library WHEN scanned THEN no class declares a protected method", () => {
    const library = [...tsFiles("modules"), ...tsFiles("stacks"), ...tsFiles("synth"), ...tsFiles("loader")];
    const offenders = library.flatMap((f) => protectedMethods(read(f)).map((m) => `${f}: ${m}`));
    expect(offenders).toEqual([]);
    expect(library.length).toBeGreaterThan(40);
  });

  test("GIVEN the Terraform-module generator WHEN scanned THEN it extends no class of the library", () => {
    expect([...libraryClasses]).toEqual(
      expect.arrayContaining(["SessionManagerEndpoints", "ServiceRole", "InstanceRole", "AccessGroup"]),
    );
    expect(libraryClasses.has("TerraformStack")).toBe(false);
    const offenders = tsFiles("terraform-modules").flatMap((f) => {
      const text = read(f);
      const imported = new Set(libraryImports(text));
      return extended(text)
        .filter((c) => imported.has(c) && libraryClasses.has(c))
        .map((c) => `${f}: extends ${c}`);
    });
    expect(offenders).toEqual([]);
    // The generator does use the constructs it composes.
    expect(libraryImports(read(path.join("terraform-modules", "constructs.ts")))).toEqual(
      expect.arrayContaining(["SessionManagerEndpoints", "InstanceRole", "AccessGroup"]),
    );
  });
});
