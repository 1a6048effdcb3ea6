/** "Did you mean …?" for typos in names the config knows (keys, regions). */

/** Levenshtein distance, O(a·b) time and O(b) memory. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** A key as a person may have typed it in another convention: lower case, without `_`, `-` or spaces. */
const normalized = (v: string) => v.toLowerCase().replace(/[_\-\s]/g, "");

/**
 * The candidate closest to `input` (case-insensitive, and across naming conventions: `acount_id` is compared as
 * `acountid`, and also without a trailing `id` that the candidate lacks, so it finds `account`), when it is close
 * enough to be a plausible typo: at most a third of the longer string's length in edits (at least one).
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const x = normalized(input);
  let best: string | undefined;
  let bestD = Infinity;
  let bestLength = 0;
  for (const c of candidates) {
    const y = normalized(c);
    const forms = y.endsWith("id") || !x.endsWith("id") ? [x] : [x, x.slice(0, -2)];
    for (const form of forms) {
      const d = editDistance(form, y);
      if (d < bestD) [best, bestD, bestLength] = [c, d, Math.max(form.length, y.length)];
    }
  }
  if (best === undefined) return undefined;
  return bestD <= Math.max(1, Math.floor(bestLength / 3)) ? best : undefined;
}

/** `; did you mean "x"?` or nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const m = closestMatch(input, candidates);
  return m === undefined || m === input ? "" : `; did you mean ${JSON.stringify(m)}?`;
}
