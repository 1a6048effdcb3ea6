// Preloaded by bench/synth.ts into every measured process: as the process exits, prints its own CPU time (user +
// system, microseconds), peak resident set size (KB; getrusage's ru_maxrss, what `time -f %M` prints) and minor page
// faults (pages it touched first: dear on a virtual machine), so the bench needs no /usr/bin/time. Written straight
// to stderr's file descriptor: creating process.stderr would cost every measured process about 10 ms.
"use strict";
process.on("exit", () => {
  const u = process.resourceUsage();
  // (a worker thread runs this hook too: its line has the same pid, and the process's figures so far)
  const usage = {
    pid: process.pid,
    cpuMicros: u.userCPUTime + u.systemCPUTime,
    maxRssKb: u.maxRSS,
    faults: u.minorPageFault,
  };
  require("fs").writeSync(2, `\nbastionless-bench-usage=${JSON.stringify(usage)}\n`);
});
