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
