/**
 * Turns a construct composition into a Terraform registry module. A module definition declares its variables
 * (type, description, default, validation, example value) and builds constructs in a cdktf stack whose inputs are
 * references to those variables (unresolved tokens, exactly what the constructs get when Terraform decides the
 * value). The stack's resources become main.tf (cdktf's HCL synthesis); variables.tf, outputs.tf, versions.tf,
 * the README tables and examples/complete are rendered from the same metadata; every file is then put in canonical
 * style by a real HCL formatter (./hcl-format.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { App, ref, resolveTokens, TerraformStack, Token, type IResolvable } from "../modules/core/cdktf";
import { hclString } from "../tools/hcl";
import { ModuleStack, movedBlocks } from "./addresses";
import { terraformDocs, writePublishableFiles } from "./publishable";
import { applyTags } from "./tags";

export interface VariableValidation {
  /** HCL expression over `var.<name>`. */
  readonly condition: string;
  readonly errorMessage: string;
}

export interface VariableSpec {
  readonly name: string;
  /** HCL type constraint, e.g. `list(string)`. */
  readonly type: string;
  readonly description: string;
  /** Omitted: the variable is required. */
  readonly default?: unknown;
  readonly validations?: readonly VariableValidation[];
  /** The value examples/complete passes (required variables need one). */
  readonly example?: unknown;
}

export interface OutputSpec {
  readonly name: string;
  readonly description: string;
  /** A token (or structure of tokens) from the constructs. */
  readonly value: unknown;
}

export interface ModuleDefinition {
  /** `network` → terraform-aws-bastionless-network. */
  readonly name: string;
  /** The constructs the module is generated from (for the README). */
  readonly constructs: readonly string[];
  readonly summary: string;
  /** Further README paragraphs (what is fixed, what is construct-only). */
  readonly notes: readonly string[];
  readonly variables: readonly VariableSpec[];
  build(stack: TerraformStack, vars: Vars): OutputSpec[];
  /** Further `tests/<file>` shipped with the module (e.g. bad inputs refused at plan time). */
  readonly tests?: Readonly<Record<string, string>>;
  /** Assertions over `output.<name>` after a mock apply of examples/complete (terraform-modules/validate.ts). */
  readonly checks: readonly { readonly condition: string; readonly message: string }[];
}

/** Typed references to the module's variables; asking for an undeclared one is an error. */
export class Vars {
  public readonly used = new Set<string>();
  constructor(private readonly specs: readonly VariableSpec[]) {}

  private ref(name: string): IResolvable {
    if (!this.specs.some((s) => s.name === name)) throw new Error(`variable ${name} is not declared`);
    this.used.add(name);
    return ref(`var.${name}`);
  }
  public string(name: string): string {
    return Token.asString(this.ref(name));
  }
  public number(name: string): number {
    return Token.asNumber(this.ref(name));
  }
  public list(name: string): string[] {
    return Token.asList(this.ref(name));
  }
  /** A map(string) variable. */
  public stringMap(name: string): Record<string, string> {
    return Token.asStringMap(this.ref(name));
  }
  /** A map(list(string)) variable. */
  public listMap(name: string): Record<string, string[]> {
    return Token.asAnyMap(this.ref(name)) as Record<string, string[]>;
  }
  /** A bool variable, as an expression (a boolean has no token form). */
  public bool(name: string): IResolvable {
    return this.ref(name);
  }
}

// --- HCL rendering -------------------------------------------------------------------------------------------

const identifier = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : hclString(k));

/** A literal value as HCL. */
export function hclLiteral(v: unknown, indent = ""): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return hclString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const inner = `${indent}  `;
  if (Array.isArray(v))
    return v.length === 0 ? "[]" : `[\n${v.map((x) => `${inner}${hclLiteral(x, inner)},`).join("\n")}\n${indent}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  const width = Math.max(...entries.map(([k]) => identifier(k).length));
  return `{\n${entries.map(([k, x]) => `${inner}${identifier(k).padEnd(width)} = ${hclLiteral(x, inner)}`).join("\n")}\n${indent}}`;
}

/**
 * The expression inside `${...}` when `text` is exactly one interpolation (brackets balanced, strings inside
 * skipped), else undefined.
 */
export function soleInterpolation(text: string): string | undefined {
  if (!text.startsWith("${") || !text.endsWith("}")) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i === text.length - 1 ? text.slice(2, -1) : undefined;
  }
  return undefined;
}

/** A resolved value (with `${...}` references) as an HCL expression. */
function hclExpression(v: unknown, indent = ""): string {
  if (typeof v === "string") return soleInterpolation(v) ?? JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => hclExpression(x, indent)).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    const inner = `${indent}  `;
    return `{\n${Object.entries(v)
      .map(([k, x]) => `${inner}${identifier(k)} = ${hclExpression(x, inner)}`)
      .join("\n")}\n${indent}}`;
  }
  return hclLiteral(v);
}

/** `attr = "${expr}"` → `attr = expr` (an interpolation-only string is just the expression). */
function unwrapped(line: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*) = "(\$\{.*\})"$/.exec(line);
  // Inside ${...} HCL does not escape quotes, so the raw text between the outer quotes is the template.
  const inner = m ? soleInterpolation(m[2]) : undefined;
  return inner === undefined ? line : `${m![1]} = ${inner}`;
}

const TOP_LEVEL_BLOCK =
  /^(resource|data) "[^"]+" "[^"]+" \{$|^(provider|output|variable|module) "[^"]+" \{$|^(terraform|locals) \{$/;

/**
 * The passes a formatter cannot do on cdktf's HCL (one attribute or block delimiter per line), before it is
 * formatted (formatHclFiles: indentation and alignment are the formatter's): an interpolation-only string becomes
 * its expression (`a = "${x}"` → `a = x`, as `terraform fmt` writes it); depends_on / ignore_changes references lose
 * their quotes (quoted references are deprecated); cdktf's `precondition = [{ ... }]` list becomes one
 * `precondition { ... }` block per condition, as Terraform wants (likewise postcondition); top-level blocks are
 * separated by one blank line. Heredoc bodies stay exactly as written.
 */
export function prepareHcl(hcl: string): string {
  const out: string[] = [];
  let heredoc: string | undefined;
  let references = false;
  let conditions: string | undefined;
  for (const raw of hcl.split("\n")) {
    if (heredoc !== undefined) {
      out.push(raw);
      if (raw.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const line = raw.trim();
    if (line === "") continue;
    heredoc = /<<-?([A-Z]+)$/.exec(line)?.[1];
    const list = /^(depends_on|ignore_changes|precondition|postcondition) = \[$/.exec(line)?.[1];
    if (references || conditions !== undefined) {
      if (line === "]") {
        if (references) out.push(line);
        references = false;
        conditions = undefined;
      } else if (references) out.push(line.replace(/^"([^"]+)"(,?)$/, "$1$2"));
      else if (line === "{") out.push(`${conditions} {`);
      else if (line === "}" || line === "},") out.push("}");
      else out.push(unwrapped(line));
    } else if (list === "depends_on" || list === "ignore_changes") {
      references = true;
      out.push(line);
    } else if (list !== undefined) {
      conditions = list;
    } else {
      if (TOP_LEVEL_BLOCK.test(line) && out.length > 0) out.push("");
      out.push(unwrapped(line));
    }
  }
  return `${out.join("\n")}\n`;
}

// --- files ---------------------------------------------------------------------------------------------------

export const TERRAFORM_VERSION = ">= 1.5.0";
export const AWS_PROVIDER_VERSION = ">= 5.100, < 7";

const GENERATED = "# Generated by `npm run build:terraform-modules` from the bastionless constructs. Do not edit.";

function versionsTf(): string {
  return `${GENERATED}
terraform {
  required_version = "${TERRAFORM_VERSION}"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "${AWS_PROVIDER_VERSION}"
    }
  }
}
`;
}

function variablesTf(specs: readonly VariableSpec[]): string {
  const blocks = specs.map((v) => {
    const lines = [
      `variable "${v.name}" {`,
      `  description = ${hclString(v.description)}`,
      `  type        = ${v.type}`,
    ];
    if ("default" in v) lines.push(`  default     = ${hclLiteral(v.default, "  ")}`);
    if (v.default !== null) lines.push("  nullable    = false");
    for (const val of v.validations ?? []) {
      lines.push(
        "",
        "  validation {",
        `    condition     = ${val.condition}`,
        `    error_message = ${hclString(val.errorMessage)}`,
        "  }",
      );
    }
    lines.push("}");
    return lines.join("\n");
  });
  return `${GENERATED}\n\n${blocks.join("\n\n")}\n`;
}

function outputsTf(stack: TerraformStack, outputs: readonly OutputSpec[]): string {
  const blocks = outputs.map(
    (o) =>
      `output "${o.name}" {\n  description = ${hclString(o.description)}\n  value       = ${hclExpression(resolveTokens(stack, o.value), "  ")}\n}`,
  );
  return `${GENERATED}\n\n${blocks.join("\n\n")}\n`;
}

const moduleDir = (d: ModuleDefinition) => `terraform-aws-bastionless-${d.name}`;
const moduleLabel = (d: ModuleDefinition) => d.name.replace(/-/g, "_");

function usageBlock(d: ModuleDefinition, source: string, extraIndent = ""): string {
  const inputs = d.variables.filter((v) => v.example !== undefined);
  const width = Math.max("source".length, ...inputs.map((v) => v.name.length));
  const lines = [`module "${moduleLabel(d)}" {`, `  ${"source".padEnd(width)} = ${hclString(source)}`, ""];
  for (const v of inputs) lines.push(`  ${v.name.padEnd(width)} = ${hclLiteral(v.example, "  ")}`);
  lines.push("}");
  return lines.map((l) => (l ? `${extraIndent}${l}` : l)).join("\n");
}

function exampleMainTf(d: ModuleDefinition, outputs: readonly OutputSpec[]): string {
  const forwarded = outputs.map(
    (o) =>
      `output "${o.name}" {\n  description = ${hclString(o.description)}\n  value       = module.${moduleLabel(d)}.${o.name}\n}`,
  );
  return `${GENERATED}
# A complete example: every input that has no default, and the optional ones worth showing.

provider "aws" {
  region = "eu-west-1"
}

${usageBlock(d, "../../")}

${forwarded.join("\n\n")}
`;
}

function readme(d: ModuleDefinition, outputs: readonly OutputSpec[], version: string, mainTf: string): string {
  return `# ${moduleDir(d)}

${d.summary}

Generated from the ${d.constructs.map((c) => `\`${c}\``).join(", ")} construct${d.constructs.length > 1 ? "s" : ""} of
[bastionless](https://www.npmjs.com/package/bastionless) ${version} by \`npm run build:terraform-modules\`; the
CDK for Terraform constructs and this module synthesize the same resources. Do not edit the generated files.

${d.notes.join("\n\n")}

## Usage

\`\`\`hcl
${usageBlock(d, `bastionless/bastionless-${d.name}/aws`)}
\`\`\`

A runnable version is in [examples/complete](examples/complete); \`terraform test\` runs it against a mocked AWS
provider (tests/complete.tftest.hcl).

AWS provider: \`${AWS_PROVIDER_VERSION}\` (5.100 and later 5.x, and 6.x; nothing the 6.0 upgrade guide deprecates is
used). The bastionless repository validates and tests this module on 5.100.0, the provider of its offline mirror.
Resource addresses are stable (\`this\`, or a short role name); a rename ships a \`moved\` block (moved.tf).

${terraformDocs(d.variables, outputs, { terraform: TERRAFORM_VERSION, aws: AWS_PROVIDER_VERSION }, mainTf)}`;
}

/** Synthesizes one module into `outdir/terraform-aws-bastionless-<name>/`. Returns the module directory. */
export function writeModule(d: ModuleDefinition, outdir: string, version: string): string {
  const app = new App({ outdir: path.join(outdir, ".cdktf") });
  const stack = new ModuleStack(app, d.name, d.name);
  const vars = new Vars(d.variables);
  const outputs = d.build(stack, vars);
  const tags = d.variables.find((v) => v.name === "tags");
  if (tags) applyTags(stack, vars, tags);
  const moved = movedBlocks(stack, d.name);
  const unused = d.variables.filter((v) => !vars.used.has(v.name)).map((v) => v.name);
  if (unused.length > 0) throw new Error(`module ${d.name}: variables declared but never used: ${unused.join(", ")}`);
  const hcl = stack.toHclTerraform().hcl;
  const dir = path.join(outdir, moduleDir(d));
  fs.mkdirSync(path.join(dir, "examples", "complete"), { recursive: true });
  const mainTf = `${GENERATED}\n\n${prepareHcl(hcl)}`;
  fs.writeFileSync(path.join(dir, "main.tf"), mainTf);
  if (moved) fs.writeFileSync(path.join(dir, "moved.tf"), moved);
  fs.writeFileSync(path.join(dir, "variables.tf"), variablesTf(d.variables));
  fs.writeFileSync(path.join(dir, "outputs.tf"), outputsTf(stack, outputs));
  fs.writeFileSync(path.join(dir, "versions.tf"), versionsTf());
  fs.writeFileSync(path.join(dir, "README.md"), readme(d, outputs, version, mainTf));
  writePublishableFiles(d, dir, mainTf);
  fs.writeFileSync(path.join(dir, "examples", "complete", "main.tf"), exampleMainTf(d, outputs));
  fs.writeFileSync(path.join(dir, "examples", "complete", "versions.tf"), versionsTf());
  fs.rmSync(path.join(outdir, ".cdktf"), { recursive: true, force: true });
  return dir;
}
