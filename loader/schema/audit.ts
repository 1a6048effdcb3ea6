/**
 * The environment schema, section "audit": the session audit kit (modules/session-audit, docs/session-audit.md),
 * on unless waived in writing: saved queries, risky-command alarms, a dashboard, an Athena table over the
 * transcripts and the StartSession records with their reasons.
 * The schema is the single source of the `EnvironmentConfig` type, of the load-time validation and of the JSON
 * Schema editors use (`npm run schema` -> `config/environment.schema.json`). Conventions: every object is strict
 * (unknown keys are errors), every optional field has a described default, and every custom check writes its
 * message as `<value> <what is wrong>; <what is allowed>`.
 */
import { z } from "zod";
import { FILTER_PATTERN_MAX, RISKY_PHRASE, WEEKDAYS } from "../../modules/core/limits";
import { DEFAULT_RISKY_COMMANDS, DEFAULT_WORKING_HOURS } from "../../modules/core/defaults";
import { matching, name, show, strict } from "./primitives";

const timeOfDay = matching(
  /^([01]\d|2[0-3]):[0-5]\d$/,
  'is not a time of day; write it as "HH:MM" (00:00-23:59), quoted in YAML',
);
const utcOffset = matching(/^[+-](0\d|1[0-4]):[0-5]\d$/, 'is not a UTC offset; write it as "+HH:MM" or "-HH:MM"');

/** The longest metric filter pattern a set can make (`?"a" ?"b" …`; one phrase makes a shorter `"a"`). */
export const riskyPatternLength = (phrases: readonly string[]) =>
  phrases.reduce((n, p) => n + p.length + 3, 0) + Math.max(phrases.length - 1, 0);

const riskyCommandSet = strict({
  name: name.describe("Name of the set; the metric filter, metric and alarm are named after it."),
  phrases: z
    .array(
      matching(
        RISKY_PHRASE,
        "is not a usable phrase; allowed: 1-100 printable ASCII characters, not starting with a space, without \", \\, <, > or & (the agent's JSON encoder writes <, > and & as \\u003c, \\u003e and \\u0026, so they never appear in the raw event)",
      ),
    )
    .min(1)
    .describe("Literal phrases, matched case-sensitively anywhere in a session's terminal output."),
}).superRefine((set, ctx) => {
  const length = riskyPatternLength(set.phrases);
  if (length > FILTER_PATTERN_MAX)
    ctx.addIssue({
      code: "custom",
      path: ["phrases"],
      message: `make a metric filter pattern of ${length} characters; CloudWatch Logs allows ${FILTER_PATTERN_MAX}: split the set`,
    });
});

export const workingHoursSchema = strict({
  days: z
    .array(z.enum(WEEKDAYS))
    .min(1)
    .default([...DEFAULT_WORKING_HOURS.days])
    .describe("Days sessions are expected on (sun, mon, tue, wed, thu, fri, sat)."),
  start: timeOfDay.default(DEFAULT_WORKING_HOURS.start).describe("Start of the working day, local time (inclusive)."),
  end: timeOfDay
    .default(DEFAULT_WORKING_HOURS.end)
    .describe("End of the working day, local time (exclusive); earlier than start for a night shift."),
  utcOffset: utcOffset
    .default(DEFAULT_WORKING_HOURS.utcOffset)
    .describe("Offset of local time from UTC. A fixed offset: Logs Insights has no time zones, so no daylight saving."),
})
  .prefault({})
  .superRefine((h, ctx) => {
    if (h.start === h.end)
      ctx.addIssue({ code: "custom", path: ["end"], message: `${show(h.end)} equals start; give a working day` });
  });

export const auditSchema = strict({
  waive: z
    .string()
    .min(10, {
      error: "is too short; give the reason this environment needs no session audit (at least 10 characters)",
    })
    .optional()
    .describe(
      "A written reason to leave this environment without the session audit kit (queries, alarms, dashboard, Athena table, session starts).",
    ),
  workingHours: workingHoursSchema.describe(
    "When sessions are expected; the query 'Sessions outside working hours' lists the others.",
  ),
  riskyCommands: z
    .array(riskyCommandSet)
    .default(DEFAULT_RISKY_COMMANDS.map((s) => ({ name: s.name, phrases: [...s.phrases] })))
    .superRefine((sets, ctx) => {
      const seen = new Set<string>();
      sets.forEach((set, i) => {
        if (seen.has(set.name))
          ctx.addIssue({ code: "custom", path: [i, "name"], message: `${show(set.name)} is used by another set` });
        seen.add(set.name);
      });
    })
    .describe(
      "Risky-command sets: a metric filter and an alarm (to the alert topic) each; replaces the default sets. @default the sets of DEFAULT_RISKY_COMMANDS (modules/core/defaults.ts)",
    ),
  sessionStarts: z
    .boolean()
    .default(false)
    .describe(
      "Opt-in: record StartSession calls, with their reason, in the log group <log prefix>/session-starts (EventBridge, so it needs the logging.cloudTrail trail). It changes the account: one of the 10 CloudWatch Logs resource policies an account may have per region, and the apply role gets logs:PutResourcePolicy (no ARN to scope it to). Needed for reasons in the queries and for accessGroups[].reasonExpected.",
    ),
  transcriptsTable: z
    .boolean()
    .default(true)
    .describe("A Glue table (for Athena) over the S3 transcripts, when S3 logging is on."),
}).prefault({});

/** The kit reads the JSON events the agent streams: it needs CloudWatch streaming on (or a waiver). */
export function auditIssues(env: {
  readonly logging: { readonly cloudWatch: { readonly enabled: boolean; readonly streaming: boolean } };
  readonly audit: { readonly waive?: string; readonly sessionStarts: boolean };
  readonly accessGroups: readonly { readonly reasonExpected: boolean }[];
}): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const on = env.audit.waive === undefined;
  if (on && env.logging.cloudWatch.enabled && !env.logging.cloudWatch.streaming)
    issues.push({
      path: ["logging", "cloudWatch", "streaming"],
      message:
        "false makes the agent upload plain text at the end of each session, without the JSON fields the session audit kit reads (queries, risky-command alarms, dashboard); set it to true, or waive the kit (audit.waive)",
    });
  env.accessGroups.forEach((g, i) => {
    if (g.reasonExpected && !(on && env.audit.sessionStarts))
      issues.push({
        path: ["accessGroups", i, "reasonExpected"],
        message:
          "true needs audit.sessionStarts: true (a session's reason is only in its StartSession record, which the audit kit then keeps); IAM cannot require a reason",
      });
  });
  return issues;
}
