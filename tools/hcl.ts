/** HCL text helpers shared by the generated test files and the registry module generator. */

/** A string literal in HCL: JSON quoting, with template sequences (`${`, `%{`) escaped so they stay literal. */
export const hclString = (s: string) =>
  JSON.stringify(s)
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");

/** A `terraform test` assert block. */
export function assertion(condition: string, message: string): string {
  return `  assert {\n    condition     = ${condition}\n    error_message = ${hclString(message)}\n  }\n`;
}
