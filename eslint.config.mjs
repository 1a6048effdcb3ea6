// Lint: typescript-eslint's recommended rules, plus two kinds of import boundaries:
// - never the root of @cdktf/provider-aws (≈2.3 s, 560 MB a process), and cdktf / provider classes only through
//   modules/core/{cdktf,aws}.ts;
// - the layers of docs/architecture.md "Layers" (test/architecture/layers.integ.ts proves the table there and these
//   rules agree): each folder may import only the folders its row names.
import tseslint from "typescript-eslint";

const providerRoot = {
  name: "@cdktf/provider-aws",
  message:
    "The package root loads all 2,216 provider modules (≈2.3 s, 560 MB). Import the resource from modules/core/aws.ts (deep imports).",
};
const packagePaths = [providerRoot, { name: "cdktf", message: "Import cdktf through modules/core/cdktf.ts." }];
const providerDeep = {
  group: ["@cdktf/provider-aws/*"],
  message: "Import provider classes through modules/core/aws.ts.",
};

/** A relative import of a top-level folder or root file of the repository, from a file in a folder (any depth). */
const topLevel = (names) => `^(\\.\\./)+(${names.join("|")})(/|$)`;
/** The same, from a file at the root (index.ts, main.ts). */
const fromRoot = (names) => `^\\./(${names.join("|")})(/|$)`;
const layer = (regex, message) => ({ regex, message: `Layer boundary: ${message} (docs/architecture.md "Layers").` });

/** The no-restricted-imports rule for files of a layer: the package rules plus that layer's boundaries. */
const boundaries = (...layers) => ({
  "no-restricted-imports": ["error", { paths: packagePaths, patterns: [providerDeep, ...layers] }],
});

/** Every top-level part of the repository a relative import can reach. */
const PARTS = [
  "modules",
  "loader",
  "stacks",
  "synth",
  "index",
  "main",
  "cli",
  "ops",
  "tools",
  "terraform-modules",
  "bench",
  "test",
];
/** The boundary of a layer: it may import only `allowed` (besides itself and npm packages). */
const only = (self, allowed, message, root = false) => {
  const forbidden = PARTS.filter((p) => p !== self && !allowed.includes(p));
  return layer((root ? fromRoot : topLevel)(forbidden), message);
};
const LIBRARY = ["modules", "loader", "stacks", "synth", "index", "main"];

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "dist/", "coverage/", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      ...boundaries(),
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["modules/**/*.ts"],
    rules: boundaries(only("modules", [], "modules/** never imports loader/, stacks/, the synth or the app")),
  },
  {
    files: ["modules/core/**/*.ts"],
    rules: boundaries(
      only("modules", [], "modules/** never imports loader/, stacks/, the synth or the app"),
      layer("^\\.\\./", "modules/core/ imports nothing of the project outside modules/core/"),
    ),
  },
  {
    files: ["loader/**/*.ts"],
    rules: boundaries(
      only("loader", ["modules"], "loader/ is read by stacks, the synth and the app, never the reverse"),
      layer(
        "^(\\.\\./)+modules/(?!core/limits$|core/defaults$|core/naming$|core/endpoint-services$|guardrails/rule-ids$)",
        "loader/ imports only the dependency-free modules/core/limits, modules/core/defaults, modules/core/naming, modules/core/endpoint-services and modules/guardrails/rule-ids",
      ),
    ),
  },
  {
    files: ["stacks/**/*.ts"],
    rules: boundaries(only("stacks", ["modules", "loader"], "stacks/ imports only loader/ and modules/")),
  },
  {
    files: ["synth/**/*.ts"],
    rules: boundaries(
      only("synth", ["modules", "loader", "stacks"], "synth/ imports only loader/, modules/ and stacks/"),
    ),
  },
  {
    files: ["index.ts", "main.ts"],
    rules: boundaries(
      only(
        "index",
        LIBRARY,
        "the app (index.ts, main.ts) imports only the library: loader/, modules/, stacks/, synth/",
        true,
      ),
    ),
  },
  {
    files: ["cli/**/*.ts"],
    rules: boundaries(
      only("cli", ["modules", "loader"], "cli/ (the operator program) imports only loader/ and modules/"),
    ),
  },
  {
    files: ["tools/**/*.ts"],
    rules: boundaries(only("tools", LIBRARY, "tools/ imports only the library")),
  },
  {
    files: ["ops/**/*.ts"],
    // cli/access.ts: the access report's JSON format, which ops/access-report.ts writes and `bastionless can-i` reads.
    rules: boundaries(only("ops", [...LIBRARY, "tools", "cli"], "ops/ imports only the library, tools/ and cli/")),
  },
  {
    files: ["terraform-modules/**/*.ts"],
    rules: boundaries(
      only(
        "terraform-modules",
        ["modules", "loader", "stacks", "tools"],
        "terraform-modules/ imports only loader/, modules/, stacks/ and tools/",
      ),
    ),
  },
  {
    files: ["bench/**/*.ts"],
    rules: boundaries(
      only("bench", [...LIBRARY, "ops", "tools", "terraform-modules"], "the bench never imports test/ or cli/"),
    ),
  },
  {
    // Bad-input tests mutate raw YAML documents, which have no static type.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["modules/core/cdktf.ts", "modules/core/aws.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [providerRoot], patterns: [layer("^\\.\\./", "modules/core/ imports nothing outside modules/core/")] },
      ],
    },
  },
);
