// Preloaded by bench/synth.ts: reports the process's peak resident set size (KB) on exit, so the bench needs no
// /usr/bin/time. resourceUsage().maxRSS is getrusage's ru_maxrss, the same figure `time -f %M` prints.
"use strict";
process.on("exit", () => process.stderr.write(`\nbastionless-bench-maxrss=${process.resourceUsage().maxRSS}\n`));
