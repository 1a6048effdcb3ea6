/** Physical names (resource `name` attributes, Name tags) are built here and nowhere else. */
export interface NamingContext {
  readonly project: string;
  readonly environment: string;
}

/** `<project>-<environment>-<purpose>`, e.g. `bastionless-dev-session-logs`. */
export function physicalName(ctx: NamingContext, purpose: string): string {
  return `${ctx.project}-${ctx.environment}-${purpose}`;
}

/** Log group names live under `/<project>/<environment>/…`. */
export function logGroupName(ctx: NamingContext, purpose: string): string {
  return `/${ctx.project}/${ctx.environment}/${purpose}`;
}

/** The session key's alias when the environment names none: `alias/<project>-<environment>-sessions`. */
export function defaultSessionKeyAlias(ctx: NamingContext): string {
  return `alias/${physicalName(ctx, "sessions")}`;
}

/** The session log bucket's name when the environment names none: `<project>-<environment>-session-logs-<account>`. */
export function defaultSessionLogBucket(ctx: NamingContext, account: string): string {
  return `${physicalName(ctx, "session-logs")}-${account}`;
}

/** The environment's break-glass role (issue 27): `<project>-<environment>-break-glass`. */
export function breakGlassRoleName(ctx: NamingContext): string {
  return physicalName(ctx, "break-glass");
}
