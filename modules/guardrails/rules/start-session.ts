/** Which Allow statements grant ssm:StartSession, and on what, for the StartSession rules. */
import type { StackModel } from "../model";
import { coversAction, wildcardMatch, type PolicyStatement } from "../policy";
import { allowStatements, type LocatedStatement } from "./identity-statements";

/** Example ARNs of a session target: an EC2 instance and a hybrid managed node. */
const TARGETS = ["arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", "arn:aws:ssm:us-east-1:111122223333:managed-instance/mi-0123456789abcdef0"];

/** A Resource entry can name a session target; Terraform references (unknown until apply) count as "can". */
function canBeTarget(resource: string): boolean {
  const pattern = resource.replace(/\$\{[^}]*\}/g, "*");
  return TARGETS.some((t) => wildcardMatch(pattern, t, false));
}

/** The statement allows StartSession on instances or managed nodes (not only on documents or sessions). */
export function allowsSessionsOnTargets(s: PolicyStatement): boolean {
  if (s.notResources) return !s.notResources.some((r) => r === "*");
  return (s.resources ?? []).some(canBeTarget);
}

export function startSessionAllows(model: StackModel): LocatedStatement[] {
  return allowStatements(model).filter(({ statement }) => coversAction(statement, "ssm:StartSession"));
}
