/**
 * The environment schema, section "breakGlass": the environment's break-glass role (docs/break-glass.md), off unless
 * configured. The schema is the single source of the `EnvironmentConfig` type, of the load-time validation and of
 * the JSON Schema editors use (`npm run schema` -> `config/environment.schema.json`). Conventions: every object is
 * strict (unknown keys are errors), every optional field has a described default, and every custom check writes
 * its message as `<value> <what is wrong>; <what is allowed>`.
 */
import { z } from "zod";
import { PHYSICAL_NAME_LIMITS } from "../../modules/core/limits";
import { breakGlassRoleName } from "../../modules/core/naming";
import { show, strict } from "./primitives";

/** An exact IAM user or role ARN (path allowed, no wildcard, no account root). */
export const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(user|role)\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

const principal = z
  .string()
  .refine((v) => IAM_PRINCIPAL_ARN.test(v), {
    error: (iss) =>
      `${show(iss.input)} is not an exact IAM user or role ARN; allowed: arn:aws:iam::<12-digit account>:user/<name> or arn:aws:iam::<12-digit account>:role/<path/name>, no wildcards, no account root (every principal of that account could then assume it)`,
  })
  .refine((v) => !/:role\/(?:.*\/)?[^/]*-ci-(plan|apply)$/.test(v), {
    error: (iss) =>
      `${show(iss.input)} is a CI role: the pipeline must never be able to break the glass; name the people (their IAM users, or roles only they can assume)`,
  });

export const breakGlassSchema = strict({
  principals: z
    .array(principal)
    .min(1)
    .describe(
      "Who may assume the break-glass role: exact IAM user or role ARNs (any account). Each assumption needs MFA (aws:MultiFactorAuthPresent, at most an hour old) and a source identity (an IAM user's own user name), which CloudTrail then records on every call of the session.",
    ),
})
  .optional()
  .describe(
    "The environment's break-glass role (docs/break-glass.md): shell, for one hour at most, on every instance the environment's access groups select, for the named principals with MFA. The ci stack creates it where it serves the environment (applied by administrators; the pipeline can neither change nor assume it), else the environment stack; assuming it and every session it starts alert the environment's audit topic, naming the person. @default off: no break-glass role",
  );

export type BreakGlassConfig = z.output<typeof breakGlassSchema>;

/** Cross-field checks of breakGlass: something to reach, alerts that fire, a role name that fits. */
export function breakGlassIssues(env: {
  readonly project: string;
  readonly name: string;
  readonly breakGlass?: { readonly principals: readonly string[] };
  readonly accessGroups: readonly unknown[];
  readonly logging: { readonly cloudTrail?: { readonly waive?: string } };
}): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const bg = env.breakGlass;
  if (!bg) return issues;
  if (env.accessGroups.length === 0)
    issues.push({
      path: ["breakGlass"],
      message:
        "needs at least one access group: the break-glass role reaches the instances the environment's access groups select (every instance of the environment), and there are none",
    });
  if (env.logging.cloudTrail?.waive !== undefined)
    issues.push({
      path: ["breakGlass"],
      message:
        "needs a CloudTrail trail: its alerts (assumption, every session) are CloudTrail events, and logging.cloudTrail is waived; name the trail (logging.cloudTrail.existing) or create one (logging.cloudTrail.create: true)",
    });
  const seen = new Set<string>();
  bg.principals.forEach((p, i) => {
    if (seen.has(p)) issues.push({ path: ["breakGlass", "principals", i], message: `${show(p)} is listed twice` });
    seen.add(p);
  });
  const role = breakGlassRoleName({ project: env.project, environment: env.name });
  if (role.length > PHYSICAL_NAME_LIMITS.iamRole)
    issues.push({
      path: ["breakGlass"],
      message: `makes the role name ${show(role)} (${role.length} characters), over IAM's ${PHYSICAL_NAME_LIMITS.iamRole}; shorten project or name`,
    });
  bg.principals.forEach((p, i) => {
    if (p.endsWith(`:role/${role}`))
      issues.push({
        path: ["breakGlass", "principals", i],
        message: `${show(p)} is the break-glass role itself; name the people who may assume it`,
      });
  });
  return issues;
}
