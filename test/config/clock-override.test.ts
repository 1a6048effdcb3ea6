/**
 * BASTIONLESS_NOW, the clock override of the expiry checks (synth and access report): an ISO-8601 UTC instant or
 * a clear error, never silently the real clock.
 */
import { clockFrom } from "../../loader/expiry";
import { ConfigError } from "../../loader/load";

const problemOf = (value: string): string => {
  try {
    clockFrom(value);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.join("\n");
    throw e;
  }
  throw new Error(`expected ${value} to be rejected`);
};

describe("clockFrom (BASTIONLESS_NOW)", () => {
  test("GIVEN no override WHEN the clock is read THEN it is the fallback clock", () => {
    const real = new Date("2030-01-02T03:04:05Z");
    expect(clockFrom(undefined, () => real)).toBe(real);
  });

  test("GIVEN a UTC instant WHEN the clock is read THEN it is exactly that instant", () => {
    expect(clockFrom("2026-12-31T18:00:00Z").toISOString()).toBe("2026-12-31T18:00:00.000Z");
  });

  test.each([
    ["tomorrow", /"tomorrow" is not an ISO-8601 UTC instant/],
    ["", /"" is not an ISO-8601 UTC instant/],
    ["2026-12-31", /"2026-12-31" is not an ISO-8601 UTC instant/],
    ["2026-02-30T10:00:00Z", /"2026-02-30T10:00:00Z" is not an ISO-8601 UTC instant/],
    ["2026-12-31T18:00:00", /"2026-12-31T18:00:00" is not in UTC/],
    ["2026-12-31T18:00:00+02:00", /"2026-12-31T18:00:00\+02:00" is not in UTC/],
    ["2026-12-31T18:00:00-0500", /"2026-12-31T18:00:00-0500" is not in UTC/],
  ])(
    "GIVEN BASTIONLESS_NOW=%j WHEN the clock is read THEN it is rejected, naming the variable and the form",
    (value, why) => {
      const problem = problemOf(value);
      expect(problem).toMatch(/^BASTIONLESS_NOW: /);
      expect(problem).toMatch(why);
      expect(problem).toMatch(/write it as YYYY-MM-DDThh:mm:ssZ, e\.g\. BASTIONLESS_NOW=2026-12-31T18:00:00Z/);
    },
  );
});
