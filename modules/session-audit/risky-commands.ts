/**
 * Risky-command phrases as CloudWatch Logs metric filter patterns. A phrase is matched as a quoted term against
 * the raw event text (the streamed JSON), the same text the Logs Insights query matches with `@message like`, so
 * the alarm and the query agree. Phrases are literal (no regular expressions: filter-pattern regexes allow no
 * spaces or parentheses and at most five per log group) and may not contain what the agent's JSON encoder
 * escapes or what would end the quoted term: `"`, `\`, `<`, `>`, `&`, control characters (RISKY_PHRASE).
 */
import { FILTER_PATTERN_MAX, RISKY_PHRASE } from "../core/limits";
import type { RiskyCommandSet } from "./queries";

/** The metric filter pattern matching an event that contains any phrase of the set. */
export function riskyFilterPattern(set: RiskyCommandSet): string {
  for (const p of set.phrases)
    if (!RISKY_PHRASE.test(p))
      throw new Error(
        `risky command set ${set.name}: phrase ${JSON.stringify(p)} must be 1-100 printable ASCII characters without ", \\, <, > or &`,
      );
  if (set.phrases.length === 0) throw new Error(`risky command set ${set.name}: no phrases`);
  const terms = [...new Set(set.phrases)].map((p) => `"${p}"`);
  const pattern = terms.length === 1 ? terms[0] : terms.map((t) => `?${t}`).join(" ");
  if (pattern.length > FILTER_PATTERN_MAX)
    throw new Error(
      `risky command set ${set.name}: its filter pattern is ${pattern.length} characters; CloudWatch Logs allows ${FILTER_PATTERN_MAX}: split the set`,
    );
  return pattern;
}
