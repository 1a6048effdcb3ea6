/**
 * Time-bound access: grants with `expires` end by themselves (DateLessThan aws:CurrentTime in the policy); synth
 * warns while one expires within a week and once one has expired. An expired grant never fails the synth: the date
 * passes without any pull request, and every deploy of the repository would stop on it while the policy already
 * denies. The access-expiry workflow removes it in a pull request (ops/access-expiry.ts). `now` is a parameter (the
 * app passes the clock, or $BASTIONLESS_NOW), never read here.
 */
import { ConfigError, type LoadedEnvironment } from "./load";
import { isUtcInstant } from "./schema";

/** How far ahead an expiry is announced. */
export const EXPIRY_WARNING_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Expiry {
  readonly file: string;
  readonly environment: string;
  readonly group: string;
  /** `accessGroups[0].expires` or `accessGroups[0].capabilities.portForwarding[1].expires`. */
  readonly field: string;
  /** The group, or the port-forward target `host:port`. */
  readonly grant: string;
  readonly expires: string;
}

/** Every expiry in the environments, group-level and per grant. */
export function expiriesOf(environments: readonly LoadedEnvironment[]): Expiry[] {
  const out: Expiry[] = [];
  for (const { file, config } of environments) {
    config.accessGroups.forEach((g, i) => {
      const base = { file, environment: config.name, group: g.name };
      if (g.expires)
        out.push({ ...base, field: `accessGroups[${i}].expires`, grant: `access group ${g.name}`, expires: g.expires });
      g.capabilities.portForwarding.forEach((t, j) => {
        if (t.expires)
          out.push({
            ...base,
            field: `accessGroups[${i}].capabilities.portForwarding[${j}].expires`,
            grant: `port forwarding ${t.host}:${t.port} of ${g.name}`,
            expires: t.expires,
          });
      });
    });
  }
  return out;
}

/**
 * The clock the expiry checks read: `override` (the value of $BASTIONLESS_NOW, when set) or `fallback`. The
 * override must be an ISO-8601 UTC instant written like an `expires` value (`2026-12-31T18:00:00Z`): anything else
 * (unparseable, a date without a time, a local time, an offset such as +02:00, an empty string) is a ConfigError,
 * never silently replaced by the real clock, so a CI job that meant to test a date does test it.
 */
export function clockFrom(override: string | undefined, fallback: () => Date = () => new Date()): Date {
  if (override === undefined) return fallback();
  if (isUtcInstant(override)) return new Date(override);
  const offset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2})?$/.test(override);
  throw new ConfigError([
    `BASTIONLESS_NOW: ${JSON.stringify(override)} is not ${offset ? "in UTC" : "an ISO-8601 UTC instant"}; write it as YYYY-MM-DDThh:mm:ssZ, e.g. BASTIONLESS_NOW=2026-12-31T18:00:00Z, or unset it to use the clock`,
  ]);
}

/**
 * A warning naming file and field of every grant that has already expired at `now` (it grants nothing since) and of
 * each that expires within EXPIRY_WARNING_DAYS. Never throws for a date.
 */
export function checkExpiries(environments: readonly LoadedEnvironment[], now: Date): string[] {
  if (Number.isNaN(now.getTime())) throw new ConfigError([`now: not a date`]);
  const warnings: string[] = [];
  for (const e of expiriesOf(environments)) {
    const left = Date.parse(e.expires) - now.getTime();
    if (left <= 0) {
      warnings.push(
        `${e.file}: ${e.field}: ${JSON.stringify(e.expires)} has passed (now ${now.toISOString()}); ${e.grant} grants nothing since (the policy denies it): remove it (the access-expiry workflow opens a pull request that does), or set a new expiry`,
      );
    } else if (left < EXPIRY_WARNING_DAYS * DAY_MS) {
      const days = Math.floor(left / DAY_MS);
      const hours = Math.floor((left % DAY_MS) / 3600000);
      warnings.push(`${e.file}: ${e.field}: ${e.grant} expires ${e.expires} (in ${days}d ${hours}h)`);
    }
  }
  return warnings;
}
