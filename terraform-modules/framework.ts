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
import {
  App,
  ref,
  resolveTokens,
  TerraformResource,
  TerraformStack,
  Token,
  type IResolvable,
} from "../modules/core/cdktf";
import { hclString } from "../tools/hcl";
import { ModuleStack, movedBlocks } from "./addresses";
import { terraformDocs, writePublishableFiles } from "./publishable";
import { applyTags } from "./tags";

export interface VariableValidation {
  /** HCL expression over `var.<name>`. */
  readonly condition: string;
  readonly errorMessage: string;
}

/**
 * The name an input had in an earlier release, kept working for one more release: declared as a variable with a
 * `null` default, coalesced into the input's value (`local.<name>`), and warned about at plan time (a `check`).
 */
export interface FormerName {
  readonly name: string;
  /** Type of the old input (default: the new one's). */
  readonly type?: string;
  /** HCL expression giving the new input's value from `var.<old>` (default: `var.<old>`). */
  readonly convert?: string;
  /** The old input's validations (default: the new one's, over `var.<old>`). */
  readonly validations?: readonly VariableValidation[];
  /** What differs from the old input, for the plan-time warning (e.g. "the bucket's ARN, not its name"). */
  readonly hint?: string;
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
  /**
   * Where the value comes from when every bastionless module is used together (an HCL expression over another
   * module's outputs, e.g. `module.session_logging.kms_key_arn`): the README's usage block and the root example
   * (examples/complete beside the modules) pass it instead of `example`.
   */
  readonly wiredFrom?: string;
  /** The input's earlier name, still accepted (deprecated); the variable's `default` must then be `null`. */
  readonly formerly?: FormerName;
  /** With `formerly`: the value used when neither name is given (omitted: one of the two is required). */
  readonly fallback?: unknown;
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
  /** The npm subpath CDK for Terraform users import those constructs from (`bastionless/modules/<it>`). */
  readonly npmSubpath: string;
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

/**
 * Typed references to the module's variables; asking for an undeclared one is an error. An input with a former
 * name is read through `local.<name>` (the new name's value, else the old one's).
 */
export class Vars {
  public readonly used = new Set<string>();
  constructor(private readonly specs: readonly VariableSpec[]) {}

  private ref(name: string): IResolvable {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) throw new Error(`variable ${name} is not declared`);
    this.used.add(name);
    return ref(spec.formerly ? `local.${name}` : `var.${name}`);
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
  /**
   * An HCL expression over the named inputs (each must be declared, and counts as used); write a renamed input as
   * `local.<name>`.
   */
  public expression(names: readonly string[], hcl: string): IResolvable {
    for (const n of names) this.ref(n);
    return ref(hcl);
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

/** `var.<from>` → `var.<to>` in an HCL expression. */
const renameVar = (expr: string, from: string, to: string) =>
  expr.replace(new RegExp(`\\bvar\\.${from}\\b`, "g"), `var.${to}`);

/** A validation that holds for null (an input with a former name defaults to null). */
const nullTolerant = (name: string, v: VariableValidation): VariableValidation => ({
  condition: `var.${name} == null || try(${v.condition}, false)`,
  errorMessage: v.errorMessage,
});

/** What a former name is declared as: a deprecated variable defaulting to null, with the new name's checks. */
export function formerVariable(v: VariableSpec): VariableSpec | undefined {
  const f = v.formerly;
  if (!f) return undefined;
  const validations =
    f.validations ??
    (f.type === undefined && f.convert === undefined
      ? (v.validations ?? []).map((x) => ({ ...x, condition: renameVar(x.condition, v.name, f.name) }))
      : []);
  return {
    name: f.name,
    type: f.type ?? v.type,
    description: `Deprecated: use ${v.name} (this name is removed in the next minor release). ${v.description}`,
    default: null,
    validations: validations.map((x) => nullTolerant(f.name, x)),
  };
}

/** Every variable a module declares: its inputs, then the deprecated former names. */
export function declaredVariables(specs: readonly VariableSpec[]): VariableSpec[] {
  for (const v of specs)
    if (v.formerly && v.default !== null)
      throw new Error(`variable ${v.name}: an input with a former name must default to null (give fallback)`);
  const current = specs.map((v) =>
    v.formerly ? { ...v, validations: (v.validations ?? []).map((x) => nullTolerant(v.name, x)) } : v,
  );
  return [...current, ...specs.flatMap((v) => formerVariable(v) ?? [])];
}

function variablesTf(specs: readonly VariableSpec[]): string {
  const blocks = declaredVariables(specs).map((v) => {
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

/**
 * aliases.tf of a module with renamed inputs: each input's value (`local.<name>`: the new name, else the old one,
 * else the fallback), and a `check` per old name that warns at plan time while it is still used.
 */
export function aliasesTf(specs: readonly VariableSpec[]): string {
  const renamed = specs.filter((v) => v.formerly);
  if (renamed.length === 0) return "";
  const width = Math.max(...renamed.map((v) => v.name.length));
  const value = (v: VariableSpec) => {
    const f = v.formerly!;
    const old = f.convert ?? `var.${f.name}`;
    const fromOld = "fallback" in v ? `(var.${f.name} != null ? (${old}) : ${hclLiteral(v.fallback)})` : old;
    return `var.${v.name} != null ? var.${v.name} : ${fromOld}`;
  };
  const checks = renamed.map((v) => {
    const f = v.formerly!;
    const message = `${f.name} is deprecated and is removed in the next minor release: use ${v.name}${f.hint ? ` (${f.hint})` : ""}.`;
    return `check "deprecated_${f.name}" {\n  assert {\n    condition     = var.${f.name} == null\n    error_message = ${hclString(message)}\n  }\n}`;
  });
  return `${GENERATED}
# Inputs renamed for one vocabulary across the bastionless modules (README: Renamed inputs): the old names keep
# working for one more release, with a warning at plan time.

locals {
${renamed.map((v) => `  ${v.name.padEnd(width)} = ${value(v)}`).join("\n")}
}

${checks.join("\n\n")}
`;
}

/**
 * A renamed input without a fallback is required under one of its names: every resource that reads it checks that
 * before it is planned (a precondition naming both names).
 */
function requireRenamedInputs(stack: TerraformStack, specs: readonly VariableSpec[]): void {
  const required = specs.filter((v) => v.formerly && !("fallback" in v));
  for (const node of stack.node.findAll()) {
    if (!(node instanceof TerraformResource)) continue;
    const body = JSON.stringify(resolveTokens(stack, node.toTerraform()));
    const conditions = required
      .filter((v) => new RegExp(`\\blocal\\.${v.name}\\b`).test(body))
      .map((v) => ({
        condition: ref(`local.${v.name} != null`),
        errorMessage: `${v.name} is required (or its former name ${v.formerly!.name}, deprecated).`,
      }));
    if (conditions.length === 0) continue;
    const lifecycle = node.lifecycle ?? {};
    node.lifecycle = { ...lifecycle, precondition: [...(lifecycle.precondition ?? []), ...conditions] };
  }
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

/**
 * A `module` block calling the module. `wired`: inputs that another bastionless module's output feeds are written
 * as that output (`wiredFrom`), as in the root example; otherwise every input gets its example value (a module
 * used on its own). `version`: the registry version constraint, for a registry source.
 */
export function usageBlock(
  d: ModuleDefinition,
  source: string,
  options: { wired?: boolean; version?: string } = {},
): string {
  const value = (v: VariableSpec) =>
    options.wired && v.wiredFrom !== undefined ? v.wiredFrom : hclLiteral(v.example, "  ");
  const inputs = d.variables.filter((v) => v.example !== undefined || (options.wired && v.wiredFrom !== undefined));
  const head: [string, string][] = [["source", hclString(source)]];
  if (options.version) head.push(["version", hclString(options.version)]);
  const width = Math.max(...head.map(([k]) => k.length), ...inputs.map((v) => v.name.length));
  const lines = [
    `module "${moduleLabel(d)}" {`,
    ...head.map(([k, x]) => `  ${k.padEnd(width)} = ${x}`),
    "",
    ...inputs.map((v) => `  ${v.name.padEnd(width)} = ${value(v)}`),
    "}",
  ];
  return lines.join("\n");
}

/** The registry version constraint of a release: `~> 0.M.0` before 1.0 (a 0.x minor may break), else `~> M.m`. */
export function versionConstraint(version: string): string {
  const [major, minor] = version.split(".");
  return major === "0" ? `~> 0.${minor}.0` : `~> ${major}.${minor}`;
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

function renamedInputs(d: ModuleDefinition): string {
  const renamed = d.variables.filter((v) => v.formerly);
  if (renamed.length === 0) return "";
  return `## Renamed inputs

These inputs were renamed for one vocabulary across the bastionless modules (above). The old names still work in
this release, with a warning at plan time (a \`check\`; \`terraform test\` reports it as a failure), and are removed in
the next minor release:

| Old name | New name |
|----------|----------|
${renamed.map((v) => `| \`${v.formerly!.name}\` | \`${v.name}\`${v.formerly!.hint ? ` (${v.formerly!.hint})` : ""} |`).join("\n")}

`;
}

function readme(
  d: ModuleDefinition,
  outputs: readonly OutputSpec[],
  version: string,
  mainTf: string,
  vocabulary: string,
): string {
  return `# ${moduleDir(d)}

${d.summary}

Generated from the ${d.constructs.map((c) => `\`${c}\``).join(", ")} construct${d.constructs.length > 1 ? "s" : ""} of
[bastionless](https://www.npmjs.com/package/bastionless) ${version} by \`npm run build:terraform-modules\`; the
CDK for Terraform constructs and this module synthesize the same resources. Do not edit the generated files.
CDK for Terraform users import the constructs from the npm subpath \`bastionless/modules/${d.npmSubpath}\`.

${d.notes.join("\n\n")}

## Usage

\`\`\`hcl
${usageBlock(d, `bastionless/bastionless-${d.name}/aws`, { wired: true, version: versionConstraint(version) })}
\`\`\`

Values written \`module.<name>.<output>\` come from the other bastionless modules, as in a root module that calls all
five (the usage blocks of their READMEs together are one): \`session_logging\`, \`session_preferences\`, \`network\`,
\`instance_access\` and \`operator_access\`. Without them, pass your own values. Your root module configures the
\`aws\` provider (region, credentials) and declares \`hashicorp/aws\` in \`required_providers\`.
[examples/complete](examples/complete) runs this module on its own; \`terraform test\` runs it against a mocked AWS
provider (tests/complete.tftest.hcl).

Inputs and outputs use one vocabulary across the bastionless modules:

${vocabulary}

${renamedInputs(d)}${TESTING_MARKER}

## Compatibility

AWS provider: \`${AWS_PROVIDER_VERSION}\` (5.100 and later 5.x, and 6.x; nothing the 6.0 upgrade guide deprecates is
used). The bastionless repository validates and tests this module on 5.100.0, the provider of its offline mirror.
Resource addresses are stable (\`this\`, or a short role name); a rename ships a \`moved\` block (moved.tf).

${terraformDocs(declaredVariables(d.variables), outputs, { terraform: TERRAFORM_VERSION, aws: AWS_PROVIDER_VERSION }, mainTf)}`;
}

/** Where each README's testing section goes (written once every module exists: ./consumer-testing.ts). */
export const TESTING_MARKER = "<!-- bastionless: testing -->";

/** Synthesizes one module into `outdir/terraform-aws-bastionless-<name>/`. Returns the module directory. */
export function writeModule(d: ModuleDefinition, outdir: string, version: string, vocabulary: string): string {
  const app = new App({ outdir: path.join(outdir, ".cdktf") });
  const stack = new ModuleStack(app, d.name, d.name);
  const vars = new Vars(d.variables);
  const outputs = d.build(stack, vars);
  const tags = d.variables.find((v) => v.name === "tags");
  if (tags) applyTags(stack, vars, tags);
  requireRenamedInputs(stack, d.variables);
  const moved = movedBlocks(stack, d.name);
  const unused = d.variables.filter((v) => !vars.used.has(v.name)).map((v) => v.name);
  if (unused.length > 0) throw new Error(`module ${d.name}: variables declared but never used: ${unused.join(", ")}`);
  const hcl = stack.toHclTerraform().hcl;
  const dir = path.join(outdir, moduleDir(d));
  fs.mkdirSync(path.join(dir, "examples", "complete"), { recursive: true });
  const mainTf = `${GENERATED}\n\n${prepareHcl(hcl)}`;
  fs.writeFileSync(path.join(dir, "main.tf"), mainTf);
  if (moved) fs.writeFileSync(path.join(dir, "moved.tf"), moved);
  const aliases = aliasesTf(d.variables);
  if (aliases) fs.writeFileSync(path.join(dir, "aliases.tf"), aliases);
  fs.writeFileSync(path.join(dir, "variables.tf"), variablesTf(d.variables));
  fs.writeFileSync(path.join(dir, "outputs.tf"), outputsTf(stack, outputs));
  fs.writeFileSync(path.join(dir, "versions.tf"), versionsTf());
  fs.writeFileSync(path.join(dir, "README.md"), readme(d, outputs, version, mainTf, vocabulary));
  writePublishableFiles(d, dir, mainTf);
  fs.writeFileSync(path.join(dir, "examples", "complete", "main.tf"), exampleMainTf(d, outputs));
  fs.writeFileSync(path.join(dir, "examples", "complete", "versions.tf"), versionsTf());
  fs.rmSync(path.join(outdir, ".cdktf"), { recursive: true, force: true });
  return dir;
}
