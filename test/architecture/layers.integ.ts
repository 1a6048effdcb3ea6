/**
 * The layer table of docs/architecture.md ("Layers") and the ESLint boundaries (eslint.config.mjs) say the same thing: from a
 * file of every layer, an import of every other layer is linted, and it fails exactly when the table forbids it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

interface Layer {
  name: string;
  files: string[];
  mayImport: string[] | "everything";
}

/** The rows of the docs/architecture.md table: `| layer | files | may import |`. */
function readmeLayers(): Layer[] {
  const readme = fs.readFileSync(path.join(ROOT, "docs", "architecture.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Layers"));
  const table = section.slice(section.indexOf("| layer |")).split("\n\n")[0].split("\n").slice(2);
  const ticks = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  return table.map((row) => {
    const [name, files, mayImport] = row
      .split("|")
      .slice(1, 4)
      .map((c) => c.trim());
    return { name, files: ticks(files), mayImport: mayImport === "everything" ? "everything" : ticks(mayImport) };
  });
}

/** A file that belongs to a layer entry: `modules/*\/` → `modules/some-concern/sample.ts`, `index.ts` → itself. */
function sampleFile(entry: string): string {
  if (entry.endsWith(".ts")) return entry;
  return `${entry.replace("*", "some-concern")}sample.ts`;
}

/** One module of each kind the table distinguishes (repository paths without `.ts`). */
const TARGETS = [
  "modules/core/iam",
  "modules/core/limits",
  "modules/core/defaults",
  "modules/core/endpoint-services",
  "modules/core/naming",
  "modules/guardrails/rule-ids",
  "modules/guardrails/catalog",
  "modules/network-security",
  "loader/schema",
  "synth/synth",
  "index",
  "main",
  "tools/hcl",
  "ops/lib/access-report",
  "terraform-modules/build",
  "cli/sample",
  "bench/synth",
  "test/helpers/synth",
];

function layerOf(layers: Layer[], target: string): Layer {
  const matches = layers.filter((l) =>
    l.files.some((f) =>
      f.endsWith(".ts") ? `${target}.ts` === f : new RegExp(`^${f.replace("*", "[^/]+")}`).test(target),
    ),
  );
  // The most specific entry wins (modules/core/ before modules/*/).
  return matches.sort(
    (a, b) => Math.max(...b.files.map((f) => f.length)) - Math.max(...a.files.map((f) => f.length)),
  )[0];
}

function allowedByTable(layers: Layer[], from: Layer, target: string): boolean {
  if (from.mayImport === "everything" || layerOf(layers, target) === from) return true;
  return from.mayImport.some((e) =>
    e.endsWith("/") ? target.startsWith(e) : e.endsWith(".ts") ? `${target}.ts` === e : target === e,
  );
}

interface Case {
  file: string;
  spec: string;
}

/** Lints each case (`import { x } from "<spec>"` in `<file>`) with the project's ESLint config, in one process. */
function lintImports(cases: Case[]): string[][] {
  const script = `
    const { ESLint } = require("eslint");
    const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const c of cases) {
        const [r] = await eslint.lintText(c.code, { filePath: c.file });
        out.push(r.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  const input = cases.map((c) => ({
    file: path.join(ROOT, c.file),
    code: `import { x } from "${c.spec}";\nexport const y = x;\n`,
  }));
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, input: JSON.stringify(input), encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[][];
}

function specifier(file: string, target: string): string {
  const rel = path.relative(path.dirname(file), target).split(path.sep).join("/");
  return rel.startsWith("..") ? rel : `./${rel}`;
}

describe("layer boundaries", () => {
  const layers = readmeLayers();
  const cases: (Case & { layer: string; target: string; allowed: boolean })[] = [];
  for (const layer of layers)
    for (const entry of layer.files)
      for (const target of TARGETS) {
        const file = sampleFile(entry);
        if (`${target}.ts` === file) continue;
        cases.push({
          file,
          spec: specifier(file, target),
          layer: layer.name,
          target,
          allowed: allowedByTable(layers, layer, target),
        });
      }
  let results: string[][] = [];
  beforeAll(() => {
    results = lintImports(cases);
  }, 120_000);

  test("GIVEN the docs/architecture.md table THEN it names every layer of the repository", () => {
    expect(layers.map((l) => l.name)).toEqual([
      "core",
      "modules",
      "loader",
      "stacks",
      "synth",
      "app",
      "cli",
      "tools",
      "ops",
      "terraform-modules",
      "bench",
      "test",
    ]);
    // Sanity of the table itself: it forbids the edges this project cares about.
    const find = (name: string) => layers.find((l) => l.name === name)!;
    expect(allowedByTable(layers, find("modules"), "loader/schema")).toBe(false);
    expect(allowedByTable(layers, find("loader"), "modules/guardrails/catalog")).toBe(false);
    expect(allowedByTable(layers, find("bench"), "test/helpers/synth")).toBe(false);
    expect(allowedByTable(layers, find("stacks"), "tools/hcl")).toBe(false);
  });

  test("GIVEN an import from every layer to every other WHEN linted THEN it fails exactly where the table forbids it", () => {
    const disagreements = cases
      .map((c, i) => ({ ...c, failed: results[i].length > 0, messages: results[i] }))
      .filter((c) => c.failed === c.allowed)
      .map(
        (c) =>
          `${c.file} imports ${c.spec}: table says ${c.allowed ? "allowed" : "forbidden"}, lint ${c.failed ? "fails" : "passes"} ${c.messages.join("; ")}`,
      );
    expect(disagreements).toEqual([]);
    expect(cases.filter((c) => !c.allowed).length).toBeGreaterThan(30);
  });

  test("GIVEN a forbidden import WHEN linted THEN the message names the layer rule and the README", () => {
    const i = cases.findIndex((c) => c.layer === "modules" && c.target === "loader/schema");
    expect(results[i].join("\n")).toMatch(
      /Layer boundary: modules\/\*\* never imports loader\/.*docs\/architecture\.md "Layers"/,
    );
  });

  test("GIVEN the type-only import of config that modules/network-security/vpc.ts once had WHEN linted THEN lint fails", () => {
    const [messages] = lintImports([{ file: "modules/network-security/vpc.ts", spec: "../../loader/schema" }]);
    expect(messages.length).toBe(1);
  });
});
