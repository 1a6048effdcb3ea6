// Preloaded by bench/synth.ts into every measured process: as the process exits, prints its own CPU time (user +
// system, microseconds) and peak resident set size (KB; getrusage's ru_maxrss, what `time -f %M` prints), so the
// bench needs no /usr/bin/time.
"use strict";
process.on("exit", () => {
  const u = process.resourceUsage();
  const usage = { cpuMicros: u.userCPUTime + u.systemCPUTime, maxRssKb: u.maxRSS };
  process.stderr.write(`\nbastionless-bench-usage=${JSON.stringify(usage)}\n`);
});
