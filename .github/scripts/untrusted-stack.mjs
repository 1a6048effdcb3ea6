// Checks a synthesized stack (cdk.tf.json) that came from code under review - a fork's or Dependabot's pull request,
// synthesized in a job without credentials - before a job with the plan role runs `terraform plan` on it. A plan
// runs providers and data sources: an `external` data source runs any program, another provider can send the
// credentials anywhere, `terraform_remote_state` reads other states. So the stack may use only what the synth itself
// produces: the AWS provider from hashicorp, resources and data sources of it, `terraform_data`, no modules, no
// provisioners, and an S3 or cloud backend. Usage: untrusted-stack.mjs <cdk.tf.json>... Exit 1 listing every finding.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const TOP_LEVEL = new Set([
  "//",
  "terraform",
  "provider",
  "resource",
  "data",
  "output",
  "locals",
  "variable",
  "moved",
  "import",
  "check",
  "removed",
]);
const TERRAFORM_BLOCK = new Set(["required_providers", "backend", "cloud", "required_version"]);
const PROVIDER_SOURCES = new Set(["aws", "hashicorp/aws", "registry.terraform.io/hashicorp/aws"]);
const BUILT_IN_RESOURCES = new Set(["terraform_data"]);
/** Provider settings the synth writes; others (endpoints, proxies, CA bundles, credential files) could send requests elsewhere. */
const PROVIDER_SETTINGS = new Set([
  "alias",
  "region",
  "allowed_account_ids",
  "forbidden_account_ids",
  "default_tags",
  "ignore_tags",
  "skip_region_validation",
]);
/** Functions that read the runner's files (the plan job's environment holds the AWS session credentials). */
const FILE_FUNCTIONS =
  /\b(file|filebase64|filebase64sha256|filebase64sha512|filemd5|filesha1|filesha256|filesha512|fileexists|fileset|templatefile|abspath|pathexpand)\s*\(/;

/** The `${ ... }` interpolations of a Terraform JSON string (`$${` is a literal `${`), where functions can run. */
export function interpolations(text) {
  const out = [];
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] === "$" && text[i + 1] === "$") {
      i++;
      continue;
    }
    if (text[i] !== "$" || text[i + 1] !== "{") continue;
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === "{") depth++;
      else if (text[j] === "}" && --depth === 0) break;
    }
    out.push(text.slice(i + 2, j));
    i = j;
  }
  return out;
}

function strings(node, path, out) {
  if (typeof node === "string") out.push([path, node]);
  else if (Array.isArray(node)) node.forEach((n, i) => strings(n, `${path}[${i}]`, out));
  else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node)) strings(v, path ? `${path}.${k}` : k, out);
  return out;
}

function checkBlocks(kind, blocks, out) {
  for (const [type, byName] of Object.entries(blocks ?? {})) {
    if (!type.startsWith("aws_") && !(kind === "resource" && BUILT_IN_RESOURCES.has(type))) {
      out.push(`${kind}.${type}: only AWS provider ${kind === "data" ? "data sources" : "resources"}`);
      continue;
    }
    for (const [name, body] of Object.entries(byName ?? {})) {
      for (const bad of ["provisioner", "connection"])
        if (body && typeof body === "object" && bad in body) out.push(`${kind}.${type}.${name}.${bad}: not allowed`);
      const provider = body?.provider;
      if (provider !== undefined && !/^aws(\.[\w-]+)?$/.test(String(provider)))
        out.push(`${kind}.${type}.${name}.provider: ${JSON.stringify(provider)} is not an aws provider`);
    }
  }
}

/** The findings for one parsed stack, as `<path>: <what>` lines; empty when it may be planned. */
export function findings(stack) {
  const out = [];
  if (!stack || typeof stack !== "object" || Array.isArray(stack)) return ["not a JSON object"];
  for (const key of Object.keys(stack)) if (!TOP_LEVEL.has(key)) out.push(`${key}: a block the synth does not write`);
  const tf = stack.terraform ?? {};
  for (const key of Object.keys(tf)) if (!TERRAFORM_BLOCK.has(key)) out.push(`terraform.${key}: not allowed`);
  for (const [name, req] of Object.entries(tf.required_providers ?? {})) {
    const source = typeof req === "string" ? name : (req?.source ?? name);
    if (name !== "aws" || !PROVIDER_SOURCES.has(String(source).toLowerCase()))
      out.push(`terraform.required_providers.${name}: only hashicorp/aws (source ${JSON.stringify(source)})`);
  }
  const backends = Object.keys(tf.backend ?? {});
  for (const b of backends) if (b !== "s3") out.push(`terraform.backend.${b}: only the S3 backend (or cloud)`);
  for (const [name, configs] of Object.entries(stack.provider ?? {})) {
    if (name !== "aws") {
      out.push(`provider.${name}: only the aws provider`);
      continue;
    }
    for (const [i, config] of (Array.isArray(configs) ? configs : [configs]).entries())
      for (const key of Object.keys(config ?? {}))
        if (!PROVIDER_SETTINGS.has(key)) out.push(`provider.aws[${i}].${key}: a setting the synth does not write`);
  }
  checkBlocks("resource", stack.resource, out);
  checkBlocks("data", stack.data, out);
  for (const check of Object.values(stack.check ?? {})) checkBlocks("data", check?.data, out);
  for (const [path, value] of strings(stack, "", []))
    for (const expr of interpolations(value))
      if (FILE_FUNCTIONS.test(expr))
        out.push(`${path}: reads a file of the runner (${expr.match(FILE_FUNCTIONS)[1]}())`);
  return out;
}

function main(files) {
  if (files.length === 0) {
    console.error("usage: untrusted-stack.mjs <cdk.tf.json>...");
    return 2;
  }
  let bad = 0;
  for (const file of files) {
    let stack;
    try {
      stack = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      console.error(`${file}: ${e.code === "ENOENT" ? "does not exist" : `not JSON (${e.message})`}`);
      bad++;
      continue;
    }
    const found = findings(stack);
    for (const f of found) console.error(`${file}: ${f}`);
    if (found.length > 0) bad++;
    else console.log(`${file}: only the AWS provider and blocks the synth produces`);
  }
  if (bad > 0) console.error("refusing to plan: the synthesized stack uses more than the synth produces (see above)");
  return bad > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exitCode = main(process.argv.slice(2));
