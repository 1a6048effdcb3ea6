// Minimal require hook: transpiles each .ts file with @swc/core when it is loaded, so `cdktf synth` and
// `npm run synth` always run the current sources (nothing is cached, nothing can be stale) at ~1 ms a file.
"use strict";
const fs = require("fs");
const Module = require("module");
const { transformSync } = require("@swc/core");

const options = {
  jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  module: { type: "commonjs" },
  sourceMaps: "inline",
  swcrc: false,
  configFile: false,
};

Module._extensions[".ts"] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const { code } = transformSync(source, { ...options, filename });
  module._compile(code, filename);
};
process.setSourceMapsEnabled?.(true);
