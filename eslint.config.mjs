// Lint: typescript-eslint's recommended rules, plus two kinds of import boundaries:
// - synth speed and a cdktf → cdktn switch: never the root of @cdktf/provider-aws (≈2.3 s, 560 MB a process), and
//   cdktf / provider classes only through modules/core/{cdktf,aws}.ts;
// - the layers of README.md "Layers" (test/architecture/layers.integ.ts proves the table there and these rules agree):
//   modules/core imports nothing of the project, modules/** never config/stacks/scripts/test/bench, config/ only the
//   dependency-free limits, defaults, endpoint services and rule ids, library code (config, modules, stacks,
//   index.ts, main.ts) never scripts/test/bench, scripts never test/bench, bench never test.
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
const layer = (regex, message) => ({ regex, message: `Layer boundary: ${message} (README.md "Layers").` });

/** The no-restricted-imports rule for files of a layer: the package rules plus that layer's boundaries. */
const boundaries = (...layers) => ({
  "no-restricted-imports": ["error", { paths: packagePaths, patterns: [providerDeep, ...layers] }],
});

const notTestOrBench = layer(topLevel(["test", "bench"]), "only tests import test/ and bench/");
const libraryMessage =
  "library code (config, modules, stacks, index.ts, main.ts) never imports scripts/, test/ or bench/";
const library = layer(topLevel(["scripts", "test", "bench"]), libraryMessage);

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
    files: ["stacks/**/*.ts"],
    rules: boundaries(library, layer(topLevel(["index", "main"]), "stacks/ never imports the app (index.ts, main.ts)")),
  },
  {
    files: ["index.ts", "main.ts"],
    rules: boundaries(layer(fromRoot(["scripts", "test", "bench"]), libraryMessage)),
  },
  { files: ["scripts/**/*.ts"], rules: boundaries(notTestOrBench) },
  { files: ["bench/**/*.ts"], rules: boundaries(layer(topLevel(["test"]), "the bench never imports test/")) },
  {
    files: ["config/**/*.ts"],
    rules: boundaries(
      library,
      layer(topLevel(["stacks", "index", "main"]), "config/ is read by stacks and the app, never the reverse"),
      layer(
        "^(\\.\\./)+modules/(?!core/limits$|core/defaults$|core/endpoint-services$|guardrails/rule-ids$)",
        "config/ imports only the dependency-free modules/core/limits, modules/core/defaults, modules/core/endpoint-services and modules/guardrails/rule-ids",
      ),
    ),
  },
  {
    files: ["modules/**/*.ts"],
    rules: boundaries(
      library,
      layer(topLevel(["config", "stacks", "index", "main"]), "modules/** never imports config/, stacks/ or the app"),
    ),
  },
  {
    files: ["modules/core/**/*.ts"],
    rules: boundaries(
      library,
      layer(topLevel(["config", "stacks", "index", "main"]), "modules/** never imports config/, stacks/ or the app"),
      layer("^\\.\\./", "modules/core/ imports nothing of the project outside modules/core/"),
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
