/**
 * The longest grant an environment allows (`maxGrantDays`): every `expires` of the environment may be at most that
 * many days after the synth's clock. (A grant without `expires` where the environment requires one is refused by
 * the schema, which needs no clock.) Each problem names the file, the field, the value, the limit and the line.
 */
import type { ParsedEnvironment } from "./cross-environment";
import { formatPath } from "./issues";

const DAY_MS = 24 * 60 * 60 * 1000;

export function grantLengthProblems(environments: readonly ParsedEnvironment[], now: Date): string[] {
  const problems: string[] = [];
  for (const { file, config, source } of environments) {
    const max = config.maxGrantDays;
    if (max === undefined) continue;
    const latest = new Date(now.getTime() + max * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z");
    const check = (path: (string | number)[], expires: string | undefined) => {
      if (expires === undefined || Date.parse(expires) - now.getTime() <= max * DAY_MS) return;
      const days = Math.ceil((Date.parse(expires) - now.getTime()) / DAY_MS);
      const pos = source?.locate(path)?.pos;
      problems.push(
        `${file}: ${formatPath(path)}: ${JSON.stringify(expires)} is ${days} days ahead; this environment allows grants of at most ${max} days (maxGrantDays): set it on or before ${latest}${pos ? ` (line ${pos.line}, column ${pos.col})` : ""}`,
      );
    };
    config.accessGroups.forEach((g, i) => {
      check(["accessGroups", i, "expires"], g.expires);
      g.capabilities.portForwarding.forEach((t, j) =>
        check(["accessGroups", i, "capabilities", "portForwarding", j, "expires"], t.expires),
      );
    });
  }
  return problems;
}
