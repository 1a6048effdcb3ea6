/** Which Allow statements grant ssm:StartSession, and on what, for the StartSession rules. */
import type { StackModel } from "../model";
import { coversAction, wildcardMatch, type PolicyStatement } from "../policy";
import { allowStatements, type LocatedStatement } from "./identity-statements";

const sample = (segment: string | undefined, fallback: string) =>
  segment === undefined || segment === "" ? fallback : segment.replace(/[*?]/g, "x");

/**
 * A Resource entry can name a session target (an EC2 instance or a hybrid managed node) in the partition, region
 * and account the entry itself names. Terraform references, unknown until apply, count as "can".
 */
function canBeTarget(resource: string): boolean {
  const pattern = resource.replace(/\$\{[^}]*\}/g, "*");
  const [, partition, , region, account] = pattern.split(":");
  const p = sample(partition, "aws");
  const r = sample(region, "us-east-1");
  const a = sample(account, "111122223333");
  return [
    `arn:${p}:ec2:${r}:${a}:instance/i-0123456789abcdef0`,
    `arn:${p}:ssm:${r}:${a}:managed-instance/mi-0123456789abcdef0`,
  ].some((target) => wildcardMatch(pattern, target, false));
}

/** The statement allows StartSession on instances or managed nodes (not only on documents or sessions). */
export function allowsSessionsOnTargets(s: PolicyStatement): boolean {
  if (s.notResources) return !s.notResources.some((r) => r === "*");
  return (s.resources ?? []).some(canBeTarget);
}

export function startSessionAllows(model: StackModel): LocatedStatement[] {
  return allowStatements(model).filter(({ statement }) => coversAction(statement, "ssm:StartSession"));
}
