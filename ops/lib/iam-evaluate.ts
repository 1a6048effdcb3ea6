/**
 * Evaluates synthesized policies with an independent IAM engine (@cloud-copilot/iam-simulate). Development tooling
 * only (tests and `npm run access-report`): the engine is AGPL-3.0 and a devDependency, so nothing the package
 * publishes may import this file.
 *
 * Terraform references in the policy JSON are replaced by concrete example ARNs built from the synthesized
 * resources, and Terraform's `$${` escape is turned back into the `${` IAM receives.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";

type Body = Record<string, unknown>;
/** The synthesized configuration of `type.name`, if the stack has it. */
export type ResourceLookup = (type: string, name: string) => Body | undefined;

/** A lookup over a parsed cdk.tf.json. */
export const lookupIn =
  (tf: { resource?: Record<string, Record<string, Body>> }): ResourceLookup =>
  (type, name) =>
    tf.resource?.[type]?.[name];

export const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";

/** Concrete ARN for a `${type.name.attr}` reference, derived from the resource's synthesized body. */
function concreteArn(lookup: ResourceLookup, account: string, region: string, type: string, name: string): string {
  const body: Body = lookup(type, name) ?? {};
  switch (type) {
    case "aws_kms_key":
      return `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;
    case "aws_s3_bucket":
      return `arn:aws:s3:::${String(body.bucket)}`;
    case "aws_cloudwatch_log_group":
      return `arn:aws:logs:${region}:${account}:log-group:${String(body.name)}`;
    case "aws_sns_topic":
      return `arn:aws:sns:${region}:${account}:${String(body.name)}`;
    case "aws_cloudwatch_event_rule":
      return `arn:aws:events:${region}:${account}:rule/${String(body.name)}`;
    default:
      throw new Error(`no example ARN for ${type}.${name}`);
  }
}

/**
 * Example id of a VPC the stack creates (`${aws_vpc.NAME.id}`): the same for the same resource name, so a test can
 * send it as `aws:SourceVpc`.
 */
export function exampleVpcId(resourceName: string): string {
  let h = 0;
  for (const c of resourceName) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `vpc-0${h.toString(16).padStart(8, "0")}00000000`;
}

export function concretePolicy(resources: ResourceLookup, policy: string, account: string, region: string): object {
  const text = policy
    .replace(/\$\{aws_vpc\.([A-Za-z0-9_-]+)\.id\}/g, (_m, name: string) => exampleVpcId(name))
    .replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.arn\}/g, (_m, type: string, name: string) =>
      concreteArn(resources, account, region, type, name),
    )
    .replace(/\$\$\{/g, () => "${");
  if (/\$\{(?!aws:)/.test(text)) throw new Error(`unresolved Terraform reference left in policy: ${text}`);
  return JSON.parse(text) as object;
}

export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  /** Account that owns the resource. @default the principal's */
  readonly resourceAccount?: string;
}

export type Outcome = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export async function evaluate(req: Request, identityPolicies: object[], resourcePolicy?: object): Promise<Outcome> {
  const account = req.resourceAccount ?? /::(\d{12}):/.exec(req.principal)?.[1] ?? "";
  const response = await runSimulation(
    {
      identityPolicies: identityPolicies.map((policy, i) => ({ name: `policy${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
      request: {
        principal: req.principal,
        action: req.action,
        resource: { accountId: account, resource: req.resource },
        contextVariables: { "aws:SecureTransport": "true", ...req.context },
      },
    } as Parameters<typeof runSimulation>[0],
    {},
  );
  if (response.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(response.errors)}`);
  return response.overallResult as Outcome;
}
