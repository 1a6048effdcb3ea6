/**
 * The public constructs have plain prop types: nothing in the library mentions IResolvable or a `terraformList`
 * escape hatch, and the Terraform-expression policy renderer is reachable only from the module generator.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT, tsFiles } from "../helpers/source-files";

const library = [
  ...tsFiles("modules"),
  ...tsFiles("stacks"),
  ...tsFiles("loader"),
  ...tsFiles("synth"),
  "index.ts",
  "main.ts",
];

describe("plain construct props", () => {
  test("GIVEN the library code WHEN scanned THEN no file but the cdktf facade mentions IResolvable or terraformList", () => {
    const offenders = library
      .filter((f) => f !== path.join("modules", "core", "cdktf.ts"))
      .filter((f) => /\bIResolvable\b|\bterraformList\b/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
    expect(offenders).toEqual([]);
    expect(library.length).toBeGreaterThan(40);
  });

  test("GIVEN the whole repository WHEN scanned THEN only the generator (and its tests) import the expression renderer", () => {
    const importers = [
      ...library,
      ...tsFiles("ops"),
      ...tsFiles("tools"),
      ...tsFiles("terraform-modules"),
      ...tsFiles("bench"),
    ].filter((f) =>
      /from "[./]*(terraform-modules\/)?policy-expression"/.test(fs.readFileSync(path.join(ROOT, f), "utf8")),
    );
    expect(importers.every((f) => f.startsWith("terraform-modules"))).toBe(true);
    expect(importers).toContain(path.join("terraform-modules", "constructs.ts"));
  });
});
