/**
 * The saved CloudWatch Logs Insights queries of the audit kit, as text. Every field they read comes from
 * session-log-format.ts; test/modules/session-audit.test.ts reads each query back, checks every field it names
 * against the recorded samples and evaluates the working-hours arithmetic on sample instants.
 */
import { WEEKDAYS } from "../core/limits";
import { START_SESSION_FIELDS as START, STREAMED_FIELDS as S } from "./session-log-format";

/** 0 = Sunday … 6 = Saturday, as the query's arithmetic numbers them. */
export type Weekday = (typeof WEEKDAYS)[number];

/** When sessions are expected: local time of a fixed UTC offset (Logs Insights knows no time zones). */
export interface WorkingHours {
  /** Days sessions are expected on. */
  readonly days: readonly Weekday[];
  /** Start of the working day, `HH:MM` local time (inclusive). */
  readonly start: string;
  /** End of the working day, `HH:MM` local time (exclusive); earlier than `start` for a night shift. */
  readonly end: string;
  /** Offset of local time from UTC, `+HH:MM` or `-HH:MM` (no daylight saving). */
  readonly utcOffset: string;
}

/** A named set of literal phrases whose appearance in a session transcript is risky. */
export interface RiskyCommandSet {
  readonly name: string;
  readonly phrases: readonly string[];
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const OFFSET = /^([+-])(0\d|1[0-4]):([0-5]\d)$/;

/** Minutes since midnight of `HH:MM`. */
export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new Error(`working hours: ${JSON.stringify(hhmm)} is not a time of day HH:MM (00:00-23:59)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Milliseconds to add to UTC to get local time. */
export function offsetMillis(utcOffset: string): number {
  const m = OFFSET.exec(utcOffset);
  if (!m) throw new Error(`working hours: ${JSON.stringify(utcOffset)} is not a UTC offset +HH:MM or -HH:MM`);
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** The phrase as a Logs Insights string literal (the schema allows no `"` or `\` in phrases). */
const literal = (phrase: string) => `"${phrase}"`;

/** A Logs Insights condition true when the raw event text contains any phrase of any set. */
export function riskyCondition(sets: readonly RiskyCommandSet[]): string {
  const phrases = [...new Set(sets.flatMap((s) => s.phrases))];
  return phrases.map((p) => `@message like ${literal(p)}`).join(" or ");
}

/**
 * Local minute of the day and weekday of each event, from its timestamp: Logs Insights has arithmetic but no
 * calendar functions, so `toMillis(@timestamp)` shifted by the offset is cut into minutes and days.
 */
export function localTimeFields(hours: WorkingHours): { minuteOfDay: string; weekday: string } {
  const shifted = `(toMillis(@timestamp) + ${offsetMillis(hours.utcOffset)})`;
  return {
    minuteOfDay: `floor(${shifted} / 60000) % 1440`,
    weekday: `(floor(${shifted} / 86400000) + 4) % 7`,
  };
}

/** The condition (on `minuteOfDay` and `weekday`) that an event lies outside the working hours. */
export function outsideHoursCondition(hours: WorkingHours): string {
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start === end) throw new Error(`working hours: start and end are both ${hours.start}; give a working day`);
  const outsideDay =
    start < end
      ? `minuteOfDay < ${start} or minuteOfDay >= ${end}`
      : `minuteOfDay >= ${end} and minuteOfDay < ${start}`;
  const offDays = WEEKDAYS.map((d, i) => (hours.days.includes(d) ? -1 : i)).filter((i) => i >= 0);
  return offDays.length === 0 ? `(${outsideDay})` : `(${outsideDay}) or weekday in [${offDays.join(", ")}]`;
}

export interface SessionQueries {
  readonly sessionsByPerson: string;
  readonly commandsOfSession: string;
  readonly outsideHours: string;
  readonly riskyCommands: string;
}

/** The placeholder the "commands of a session" query filters on; replace it with a session id in the console. */
export const SESSION_ID_PLACEHOLDER = "REPLACE-WITH-SESSION-ID";

/**
 * Sessions, one row each, with who opened them, on which instance, when, and (when the StartSession records are
 * queried too) their reason. The StartSession record precedes every streamed event of its session, so the
 * earliest reason of a session is the one it was started with.
 */
function sessionsByPerson(withReasons: boolean): string {
  if (!withReasons)
    return [
      `filter ispresent(${S.session})`,
      `stats earliest(@timestamp) as started, latest(@timestamp) as lastActivity, count(*) as events by ${S.person}, ${S.session}, ${S.instance}, ${S.runAsUser}`,
      `sort ${S.person} asc, started desc`,
    ].join("\n| ");
  return [
    `filter ispresent(${S.session}) or (${START.eventName} = "StartSession" and ispresent(${START.session}))`,
    `fields coalesce(${S.session}, ${START.session}) as session, coalesce(${S.person}, ${START.person}) as person, coalesce(${S.instance}, ${START.instance}) as instance`,
    `stats earliest(@timestamp) as started, latest(@timestamp) as lastActivity, earliest(person) as owner, earliest(instance) as node, earliest(${START.reason}) as reason by session`,
    `sort owner asc, started desc`,
  ].join("\n| ");
}

/** The queries over the streamed session log group (and, `withReasons`, the StartSession records beside it). */
export function sessionQueries(props: {
  readonly workingHours: WorkingHours;
  readonly riskyCommands: readonly RiskyCommandSet[];
  readonly withReasons?: boolean;
}): SessionQueries {
  const local = localTimeFields(props.workingHours);
  const risky = riskyCondition(props.riskyCommands);
  return {
    sessionsByPerson: sessionsByPerson(props.withReasons ?? false),
    commandsOfSession: [
      `fields @timestamp, ${S.person}, ${S.instance}, ${S.runAsUser}, @message`,
      `filter ${S.session} = "${SESSION_ID_PLACEHOLDER}"`,
      `sort @timestamp asc`,
      `limit 10000`,
    ].join("\n| "),
    outsideHours: [
      `filter ispresent(${S.session})`,
      `fields ${local.minuteOfDay} as minuteOfDay, ${local.weekday} as weekday`,
      `filter ${outsideHoursCondition(props.workingHours)}`,
      `stats earliest(@timestamp) as firstOutsideHours, latest(@timestamp) as lastOutsideHours, count(*) as events by ${S.person}, ${S.session}, ${S.instance}`,
      `sort firstOutsideHours desc`,
    ].join("\n| "),
    riskyCommands: [
      `fields @timestamp, ${S.person}, ${S.instance}, ${S.session}, @message`,
      `filter ispresent(${S.session}) and (${risky})`,
      `sort @timestamp desc`,
      `limit 10000`,
    ].join("\n| "),
  };
}

/** A principal pattern of a group whose sessions are expected to carry a reason. */
export interface ReasonExpectedPrincipal {
  /** The access group (for the query's output). */
  readonly group: string;
  /** Regular expression (Logs Insights and JavaScript alike) the session owner's ARN matches. */
  readonly arnPattern: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * How a group's sessions are recognized in the StartSession record: a role by its assumed-role ARN, an Identity
 * Center permission set by the role it provisions (`AWSReservedSSO_<name>_<id>`). IAM users carry no group in the
 * record, so a group of IAM users matches every IAM user.
 */
export function reasonExpectedPrincipals(group: {
  readonly name: string;
  readonly iamGroup: boolean;
  readonly roleNames: readonly string[];
  readonly permissionSetName?: string;
}): ReasonExpectedPrincipal[] {
  return [
    ...group.roleNames.map((r) => ({ group: group.name, arnPattern: `:assumed-role\\/${escapeRegex(r)}\\/` })),
    ...(group.permissionSetName
      ? [
          {
            group: group.name,
            arnPattern: `:assumed-role\\/AWSReservedSSO_${escapeRegex(group.permissionSetName)}_[0-9a-f]+\\/`,
          },
        ]
      : []),
    ...(group.iamGroup ? [{ group: group.name, arnPattern: ":user\\/" }] : []),
  ];
}

/**
 * The queries over the StartSession records (the only place the Reason is kept): every start with its reason, and
 * (when some group expects one) the starts of reason-expected principals without a reason.
 */
export function reasonQueries(props: { readonly reasonExpected: readonly ReasonExpectedPrincipal[] }): {
  readonly sessionsWithReason: string;
  readonly withoutReason?: string;
} {
  const started = `filter ${START.eventName} = "StartSession" and ispresent(${START.session})`;
  const sessionsWithReason = [
    started,
    `fields @timestamp, ${START.person}, ${START.instance}, ${START.session}, ${START.document}, ${START.reason}`,
    `sort @timestamp desc`,
    `limit 10000`,
  ].join("\n| ");
  if (props.reasonExpected.length === 0) return { sessionsWithReason };
  const principals = props.reasonExpected.map((p) => `${START.person} like /${p.arnPattern}/`).join(" or ");
  return {
    sessionsWithReason,
    withoutReason: [
      started,
      `filter not ispresent(${START.reason}) or ${START.reason} = ""`,
      `filter ${principals}`,
      `fields @timestamp, ${START.person}, ${START.instance}, ${START.session}, ${START.document}`,
      `sort @timestamp desc`,
      `limit 10000`,
    ].join("\n| "),
  };
}
