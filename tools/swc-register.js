// Minimal require hook for .ts files. Each file is transpiled with @swc/core and the result is cached on disk under
// node_modules/.cache/bastionless-ts, keyed by a hash of the file's path, its exact source text, the options and
// the swc version: an edited file hashes differently and is transpiled again, so the development tools that run
// .ts directly (npm run validate, docs, schema, access-report, bench) never run stale code. On a warm cache
// @swc/core (a ~20 MB native binding) is not even loaded. The main job (npm run synth, cdktn synth) does not use
// this hook: synth/launcher.js runs one precompiled bundle.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");

const options = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs" },
  sourceMaps: "inline",
  swcrc: false,
  configFile: false,
};
const swcVersion = require("@swc/core/package.json").version;
const salt = JSON.stringify({ options, swcVersion, hook: 1 });
const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "bastionless-ts");

let swc;
function transpile(source, filename) {
  swc ??= require("@swc/core");
  return swc.transformSync(source, { ...options, filename }).code;
}

function cached(source, filename) {
  const key = crypto
    .createHash("sha256")
    .update(salt)
    .update("\0")
    .update(filename)
    .update("\0")
    .update(source)
    .digest("hex");
  const file = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    const code = transpile(source, filename);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, file); // atomic: a concurrent reader sees the whole file or none
    } catch {
      // a read-only tree still works, just without the cache
    }
    return code;
  }
}

Module._extensions[".ts"] = function compileTs(module, filename) {
  module._compile(cached(fs.readFileSync(filename, "utf8"), filename), filename);
};
process.setSourceMapsEnabled?.(true);
