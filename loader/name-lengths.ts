/**
 * Physical names the stacks generate from `project` and `name` (and the account), checked against their AWS
 * limits at config time: a name that is too long otherwise fails the apply halfway. Each problem names the field
 * that made it too long and the way out.
 */
import { PHYSICAL_NAME_LIMITS as LIMITS } from "../modules/core/limits";
import { defaultSessionLogBucket, physicalName } from "../modules/core/naming";

export interface NameLengthInput {
  readonly project: string;
  readonly name: string;
  readonly account: string;
  readonly logging: { readonly s3: { readonly enabled: boolean; readonly bucketName?: string } };
  readonly instanceAccess: { readonly defaultHostManagement: boolean };
  readonly vpcs: readonly { readonly name: string; readonly mode: string }[];
}

export interface NameLengthIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Every generated name over its limit, as issues on `name` (or the field that overrides the name). */
export function nameLengthIssues(env: NameLengthInput): NameLengthIssue[] {
  const naming = { project: env.project, environment: env.name };
  const generated: { what: string; value: string; limit: number; fix: string; path?: (string | number)[] }[] = [
    {
      what: "the instance role (and instance profile)",
      value: physicalName(naming, "session-instance"),
      limit: LIMITS.iamRole,
      fix: "shorten project or name",
    },
    {
      what: "the audit EventBridge rule",
      value: `${physicalName(naming, "session")}-preferences-changes`,
      limit: LIMITS.eventRule,
      fix: "shorten project or name",
    },
  ];
  if (env.logging.s3.enabled && env.logging.s3.bucketName === undefined) {
    generated.push({
      what: "the session-log bucket",
      value: defaultSessionLogBucket(naming, env.account),
      limit: LIMITS.s3Bucket,
      fix: "shorten project or name, or set logging.s3.bucketName",
    });
  }
  if (env.instanceAccess.defaultHostManagement) {
    generated.push({
      what: "the Default Host Management role",
      value: physicalName(naming, "dhmc"),
      limit: LIMITS.iamRole,
      fix: "shorten project or name",
    });
  }
  env.vpcs.forEach((vpc, i) => {
    if (vpc.mode === "create")
      generated.push({
        what: `the flow-log role of VPC ${vpc.name}`,
        value: physicalName(naming, `${vpc.name}-flow-logs`),
        limit: LIMITS.iamRole,
        fix: "shorten project, name or the VPC's name",
        path: ["vpcs", i, "name"],
      });
  });
  return generated
    .filter((g) => g.value.length > g.limit)
    .map((g) => ({
      path: g.path ?? ["name"],
      message: `${JSON.stringify(env.name)} (with project ${JSON.stringify(env.project)}) makes the name of ${g.what} ${JSON.stringify(g.value)} ${g.value.length} characters; AWS allows ${g.limit}: ${g.fix}`,
    }));
}
