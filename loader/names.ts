/**
 * The names an environment's resources get, derived from its configuration: the one place the loader, the stacks and
 * the ops programs take them from (the defaults themselves are modules/core/naming.ts).
 */
import { defaultSessionKeyAlias, defaultSessionLogBucket, type NamingContext } from "../modules/core/naming";
import type { EnvironmentConfig } from "./schema";

/** The naming context of an environment: its project and name. */
export function namingOf(c: Pick<EnvironmentConfig, "project" | "name">): NamingContext {
  return { project: c.project, environment: c.name };
}

/** The KMS alias the environment's session key gets. */
export function sessionKeyAlias(c: EnvironmentConfig): string {
  return c.logging.kms.alias ?? defaultSessionKeyAlias(namingOf(c));
}

/** The session log bucket's name, when S3 logging is on. */
export function sessionLogBucket(c: EnvironmentConfig): string | undefined {
  if (!c.logging.s3.enabled) return undefined;
  return c.logging.s3.bucketName ?? defaultSessionLogBucket(namingOf(c), c.account);
}
