#!/usr/bin/env node
/** The `bastionless` executable of the npm package (package.json `bin`). */
import { run } from "./program";

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bastionless: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
