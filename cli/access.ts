/**
 * `can-i`: which access groups would let you in, and why not, answered offline from the access report
 * (`npm run access-report -- --json <file>` in the platform repository: the IAM engine's verdicts on the synthesized
 * policies, saved as JSON). The report is the authority; this file only reads it: an instance is reachable by a
 * principal when it carries every tag key of the principal's reachable tags with one of that key's values, and a
 * session type is allowed when the report lists it for the principal.
 */
import * as fs from "fs";
import { z } from "zod";
import { CliError, usageError } from "./errors";

/** The `format` of the JSON the access report writes. */
export const ACCESS_REPORT_FORMAT = "bastionless-access-report/1";

const principalSchema = z.object({
  principal: z.string(),
  reachableTags: z.array(z.string()),
  untaggedDenied: z.boolean(),
  shell: z.boolean(),
  portForwarding: z.array(z.string()),
  awsDocuments: z.array(z.string()),
  mfa: z.string(),
  sourceIp: z.string(),
  expires: z.array(z.string()).optional(),
  /** The interfaces the principal may start sessions from (reports written before issue 29 have none). */
  interfaces: z.array(z.string()).optional(),
});

const reportSchema = z.object({
  format: z.literal(ACCESS_REPORT_FORMAT),
  generatedAt: z.string(),
  environments: z.record(
    z.string(),
    z.object({
      account: z.string(),
      region: z.string(),
      groups: z.array(z.object({ group: z.string(), principals: z.array(principalSchema) })),
    }),
  ),
});

export type AccessReportFile = z.infer<typeof reportSchema>;
export type ReportedEnvironment = AccessReportFile["environments"][string];
export type ReportedPrincipal = z.infer<typeof principalSchema>;

/** Where the report is read from: --access-report, else BASTIONLESS_ACCESS_REPORT, else ./access-report.json. */
export function accessReportPath(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option ?? env.BASTIONLESS_ACCESS_REPORT ?? "access-report.json";
}

export const HOW_TO_GENERATE =
  "generate it in the platform repository with `npm run access-report -- --json access-report.json` (or pass --access-report FILE)";

/** Reads and checks the report; a missing or malformed file is a clear error naming the file. */
export function readAccessReport(file: string): AccessReportFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: cannot read the access report (${code ?? String(e)}); ${HOW_TO_GENERATE}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file}: is not JSON (${(e as Error).message}); ${HOW_TO_GENERATE}`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `${file}: is not a bastionless access report (${issue.path.join(".") || "(top)"}: ${issue.message}; expected format ${ACCESS_REPORT_FORMAT}); ${HOW_TO_GENERATE}`,
    );
  }
  return parsed.data;
}

export function reportedEnvironment(report: AccessReportFile, file: string, env: string): ReportedEnvironment {
  const found = report.environments[env];
  if (!found)
    throw usageError(
      `${file}: has no environment ${JSON.stringify(env)} (it has ${Object.keys(report.environments).join(", ") || "none"})`,
    );
  return found;
}

/** What is asked: any session, a shell, SSH, or port forwarding to one host:port. */
export type SessionKind =
  | { readonly kind: "any" }
  | { readonly kind: "shell" }
  | { readonly kind: "ssh" }
  | { readonly kind: "forward"; readonly host: string; readonly port: number };

export interface Verdict {
  readonly group: string;
  readonly principal: string;
  readonly allowed: boolean;
  /** Why not (when denied), or what applies (when allowed: MFA, source network, expiry). */
  readonly reasons: string[];
  /** The session types the principal has on a reachable instance. */
  readonly sessions: string[];
}

/** `Team=platform|web` → ["Team", ["platform", "web"]]. */
function parseReachable(entry: string): [string, string[]] {
  const eq = entry.indexOf("=");
  return [entry.slice(0, eq), entry.slice(eq + 1).split("|")];
}

export const SSH_DOCUMENT_NAME = "AWS-StartSSHSession";

function sessionsOf(p: ReportedPrincipal): string[] {
  return [
    ...(p.shell ? ["shell"] : []),
    ...p.portForwarding.map((t) => `port-forward ${t.split(" ")[0]}`),
    ...p.awsDocuments.map((d) => (d === SSH_DOCUMENT_NAME ? "ssh" : d)),
  ];
}

function describeKind(k: SessionKind): string {
  return k.kind === "forward" ? `port forwarding to ${k.host}:${k.port}` : k.kind === "any" ? "a session" : k.kind;
}

/** Every principal of the report's environment, judged for an instance with these tags and this session kind. */
export function canI(
  environment: ReportedEnvironment,
  tags: Readonly<Record<string, string>>,
  kind: SessionKind,
  now: Date,
): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const g of environment.groups)
    for (const p of g.principals) {
      const why: string[] = [];
      if (p.untaggedDenied) {
        if (p.reachableTags.length === 0)
          why.push("reaches no instance (the report found no tag value its policy allows: expired or not granted)");
        for (const [key, values] of p.reachableTags.map(parseReachable)) {
          const have = tags[key];
          if (have === undefined) why.push(`needs tag ${key}=${values.join("|")}; the instance has no ${key} tag`);
          else if (!values.includes(have))
            why.push(`needs tag ${key}=${values.join("|")}; the instance has ${key}=${have}`);
        }
      }
      const sessions = sessionsOf(p);
      const granted =
        kind.kind === "any"
          ? sessions.length > 0
          : kind.kind === "shell"
            ? p.shell
            : kind.kind === "ssh"
              ? p.awsDocuments.includes(SSH_DOCUMENT_NAME)
              : p.portForwarding.some((t) => t.split(" ")[0] === `${kind.host}:${kind.port}`);
      if (!granted)
        why.push(
          `grants no ${describeKind(kind)} (it grants ${sessions.length > 0 ? sessions.join(", ") : "nothing"})`,
        );
      const ended = (p.expires ?? [])
        .map((e) => ({ label: e, at: /(\d{4}-\d\d-\d\dT[\d:]+Z)$/.exec(e)?.[1] }))
        .filter((e) => e.at !== undefined && e.label === e.at && new Date(e.at) <= now);
      for (const e of ended) why.push(`its access ended at ${e.at}`);
      const notes = [
        ...(p.mfa === "required" ? ["MFA required"] : []),
        ...(p.sourceIp !== "any" ? [`only from ${p.sourceIp}`] : []),
        ...(p.interfaces ? [`interfaces: ${p.interfaces.join(", ") || "none"}`] : []),
        ...(p.expires ?? []).map((e) => `expires ${e}`),
        ...(p.untaggedDenied ? [] : ["WARNING: the report found untagged instances reachable"]),
      ];
      verdicts.push({
        group: g.group,
        principal: p.principal,
        allowed: why.length === 0,
        reasons: why.length === 0 ? notes : why,
        sessions,
      });
    }
  return verdicts;
}

/** Keeps the verdicts of "your" principals: `--as` matches a group name or part of a principal label. */
export function forPrincipal(verdicts: Verdict[], as: string | undefined): Verdict[] {
  if (!as) return verdicts;
  const needle = as.toLowerCase();
  const mine = verdicts.filter((v) => v.group === as || v.principal.toLowerCase().includes(needle));
  if (mine.length === 0)
    throw usageError(
      `--as ${JSON.stringify(as)} matches no group or principal of the report; it has:\n${verdicts.map((v) => `  ${v.group}: ${v.principal}`).join("\n")}`,
    );
  return mine;
}

/** Who was denied, as the report labels principals. */
export interface Caller {
  /** `role developer`, `permission set SessionManagerSRE`, or `an IAM user` (whose groups AWS's message does not say). */
  readonly label: string;
  /** The report rows that are this caller's. */
  readonly matches: (principal: string) => boolean;
}

/**
 * The caller from the ARN in an AccessDenied message: an Identity Center permission set (its own row and the rows of
 * the Identity Center groups assigned it), a role, or an IAM user (every IAM group row may be theirs).
 */
export function deniedCaller(message: string): Caller | undefined {
  const arn = /(arn:aws[\w-]*:(?:sts|iam)::\d{12}:[^\s]+)/.exec(message)?.[1];
  if (!arn) return undefined;
  const sso = /:assumed-role\/AWSReservedSSO_(.+)_[0-9a-f]{16}\//.exec(arn);
  if (sso)
    return {
      label: `permission set ${sso[1]}`,
      matches: (p) => p === `Identity Center permission set ${sso[1]}` || p.includes(`(permission set ${sso[1]},`),
    };
  const role = /:assumed-role\/([^/]+)\//.exec(arn);
  if (role) return { label: `role ${role[1]}`, matches: (p) => p === `role ${role[1]}` };
  if (/:user\//.test(arn)) return { label: "an IAM user", matches: (p) => p.startsWith("IAM group ") };
  return undefined;
}

/** `yes  platform-shell  IAM group …: shell (MFA required)` lines. */
export function renderVerdicts(verdicts: Verdict[]): string[] {
  const gw = Math.max(0, ...verdicts.map((v) => v.group.length));
  return verdicts.map((v) => {
    const head = `${v.allowed ? "yes" : "no "}  ${v.group.padEnd(gw)}  ${v.principal}`;
    if (v.allowed) {
      const notes = v.reasons.length > 0 ? ` (${v.reasons.join("; ")})` : "";
      return `${head}: ${v.sessions.join(", ")}${notes}`;
    }
    return `${head}: ${v.reasons.join("; ")}`;
  });
}
