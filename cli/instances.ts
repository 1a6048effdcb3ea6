/**
 * Finding the instance to connect to: by instance id, by `Name` tag or by `key=value` tag, among the running
 * instances (EC2 DescribeInstances) whose SSM agent is online (Systems Manager DescribeInstanceInformation).
 */
import { DescribeInstancesCommand, type Filter } from "@aws-sdk/client-ec2";
import { DescribeInstanceInformationCommand } from "@aws-sdk/client-ssm";
import { isAccessDenied, type AwsClients } from "./aws";
import { usageError } from "./errors";

export type TargetSpec =
  | { readonly kind: "id"; readonly id: string; readonly text: string }
  | { readonly kind: "tag"; readonly key: string; readonly value: string; readonly text: string };

/** EC2 instance ids (`i-` and 8 or 17 hex digits) and hybrid managed nodes (`mi-`). */
const INSTANCE_ID = /^(i|mi)-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** `i-0123…` is an id, `key=value` a tag, anything else the `Name` tag. */
export function parseTarget(text: string): TargetSpec {
  if (INSTANCE_ID.test(text)) return { kind: "id", id: text, text };
  const eq = text.indexOf("=");
  if (eq === 0) throw usageError(`target ${JSON.stringify(text)}: the tag key before "=" is empty; expected key=value`);
  if (eq > 0) return { kind: "tag", key: text.slice(0, eq), value: text.slice(eq + 1), text };
  if (text.trim() === "") throw usageError("target: is empty; give an instance id, a Name tag value or key=value");
  return { kind: "tag", key: "Name", value: text, text };
}

export interface Instance {
  readonly id: string;
  readonly name?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly privateIp?: string;
  readonly launched?: Date;
  /**
   * Systems Manager's PingStatus (`Online`, `ConnectionLost`, `Inactive`), `PING_UNKNOWN` when the caller may not
   * read it (ssm:DescribeInstanceInformation), or undefined when the node is not registered.
   */
  readonly ping?: string;
  /** Known only by the id the operator gave: the caller may not list instances, so tags and state are unknown. */
  readonly unlisted?: boolean;
}

/** The ping status of an instance whose agent state the caller may not read: it may take a session; AWS decides. */
export const PING_UNKNOWN = "unknown (ssm:DescribeInstanceInformation not allowed)";

/** `i-0abc (web-1, 10.0.0.12)`. */
export function describeInstance(i: Instance): string {
  const extra = [i.name, i.privateIp].filter(Boolean).join(", ");
  return extra ? `${i.id} (${extra})` : i.id;
}

/** The running instances that pass the filters (all pages), with their SSM ping status. */
export async function runningInstances(aws: AwsClients, filters: Filter[]): Promise<Instance[]> {
  const found: Omit<Instance, "ping">[] = [];
  let NextToken: string | undefined;
  do {
    const page = await aws.ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: "instance-state-name", Values: ["running"] }, ...filters],
        NextToken,
      }),
    );
    for (const r of page.Reservations ?? [])
      for (const i of r.Instances ?? []) {
        if (!i.InstanceId) continue;
        const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
        found.push({
          id: i.InstanceId,
          name: tags.Name,
          tags,
          privateIp: i.PrivateIpAddress,
          launched: i.LaunchTime,
        });
      }
    NextToken = page.NextToken;
  } while (NextToken);
  const ping = await pingStatus(
    aws,
    found.map((i) => i.id),
  );
  return found.map((i) => ({ ...i, ping: ping === undefined ? PING_UNKNOWN : ping.get(i.id) })).sort(byName);
}

/** Named instances first, by name, then by id (plain code-unit order: the same on every machine). */
export function byName(a: Instance, b: Instance): number {
  const key = (i: Instance) => [i.name === undefined ? 1 : 0, i.name ?? "", i.id] as const;
  const [x, y] = [key(a), key(b)];
  for (let k = 0; k < 3; k++) if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
  return 0;
}

/**
 * PingStatus per instance id (DescribeInstanceInformation takes at most 50 ids per InstanceIds filter), or undefined
 * when the caller may not read it (an access group whose interfaces do not include the EC2 console).
 */
async function pingStatus(aws: AwsClients, ids: string[]): Promise<Map<string, string> | undefined> {
  try {
    return await pingStatusPages(aws, ids);
  } catch (e) {
    if (isAccessDenied(e)) return undefined;
    throw e;
  }
}

async function pingStatusPages(aws: AwsClients, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let at = 0; at < ids.length; at += 50) {
    let NextToken: string | undefined;
    do {
      const page = await aws.ssm.send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: "InstanceIds", Values: ids.slice(at, at + 50) }],
          NextToken,
        }),
      );
      for (const info of page.InstanceInformationList ?? [])
        if (info.InstanceId) out.set(info.InstanceId, info.PingStatus ?? "unknown");
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return out;
}

/** The DescribeInstances filters of a target. */
export function targetFilters(target: TargetSpec): Filter[] {
  return target.kind === "id"
    ? [{ Name: "instance-id", Values: [target.id] }]
    : [{ Name: `tag:${target.key}`, Values: [target.value] }];
}

/** The filters of a grant's tag condition: every key, any of its values (EC2 filters AND across names). */
export function tagFilters(tags: Readonly<Record<string, readonly string[]>>): Filter[] {
  return Object.entries(tags).map(([k, vs]) => ({ Name: `tag:${k}`, Values: [...vs] }));
}

/** Why an instance that is running cannot take a session. */
export function offlineReason(i: Instance): string {
  return i.ping === undefined
    ? "not registered with Systems Manager (is the SSM agent running, with an instance profile that allows it, and can it reach the ssm, ssmmessages and ec2messages endpoints?)"
    : `SSM agent ${i.ping} (the agent has not reported to Systems Manager recently: is the instance healthy and are the VPC endpoints reachable?)`;
}
