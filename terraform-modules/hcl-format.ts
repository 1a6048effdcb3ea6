/**
 * Canonical HCL style for the generated files from a real formatter: @cdktn/hcl-tools, HashiCorp's hclwrite
 * formatter (the one `terraform fmt` is built on) compiled to WebAssembly. Its Go runtime is started in a child
 * process (hcl-format-child.js), so it never shares a process with another WebAssembly Go runtime such as
 * @cdktf/hcl2json's (two in one process hang) and its event loop cannot keep the caller alive.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const CHILD = path.join(__dirname, "hcl-format-child.js");

/** Formats the files in place (one child process for all of them). */
export function formatHclFiles(files: readonly string[]): void {
  if (files.length === 0) return;
  const r = spawnSync(process.execPath, [CHILD], {
    input: JSON.stringify(files),
    encoding: "utf8",
    timeout: 180_000,
  });
  if (r.status !== 0)
    throw new Error(
      `the HCL formatter (@cdktn/hcl-tools) failed${r.error ? `: ${r.error.message}` : ""}:\n${r.stderr}`,
    );
}
