// Lint: typescript-eslint's recommended rules, plus the import boundaries that keep synth fast and a cdktf → cdktn
// switch small: never the root of @cdktf/provider-aws (≈2.3 s, 560 MB a process), and cdktf / provider classes
// only through modules/core/{cdktf,aws}.ts.
import tseslint from "typescript-eslint";

const providerRoot = {
  name: "@cdktf/provider-aws",
  message:
    "The package root loads all 2,216 provider modules (≈2.3 s, 560 MB). Import the resource from modules/core/aws.ts (deep imports).",
};

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "dist/", "coverage/", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [providerRoot, { name: "cdktf", message: "Import cdktf through modules/core/cdktf.ts." }],
          patterns: [
            { group: ["@cdktf/provider-aws/*"], message: "Import provider classes through modules/core/aws.ts." },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Bad-input tests mutate raw YAML documents, which have no static type.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["modules/core/cdktf.ts", "modules/core/aws.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [providerRoot] }] },
  },
);
