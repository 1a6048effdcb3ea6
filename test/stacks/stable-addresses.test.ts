/**
 * Construct ids are keyed by value (subnet CIDR, role name, host:port, email, rule), never by list position:
 * reordering a list in an environment file must not move (replace) any resource.
 */
import { IamRolePolicy, RouteTableAssociation, SnsTopicSubscription, Subnet } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { EnvironmentStack } from "../../stacks/environment-stack";
import type { EnvironmentInput } from "../../loader/schema";
import { addressOf, exampleConfig, synthJson, type ProviderClass, type TfJson } from "../helpers/synth";

/** Every resource address (`type.name`) with the physical name it carries, if any. */
function addresses(tf: TfJson): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [type, byName] of Object.entries(tf.resource ?? {}))
    for (const [name, body] of Object.entries(byName)) out[`${type}.${name}`] = body.name ?? body.tags ?? null;
  return out;
}

const build = (name: string, patch: (e: EnvironmentInput) => void) =>
  new EnvironmentStack(Testing.app(), name, { config: exampleConfig(name, patch) });
const synth = (name: string, patch: (e: EnvironmentInput) => void) => addresses(synthJson(build(name, patch)));

/** dev with more than one entry in every list whose entries become resources. */
function longLists(e: EnvironmentInput): void {
  e.logging = {
    ...e.logging,
    alertEmails: [...(e.logging?.alertEmails ?? []), "oncall@example.com", "security@example.com", "audit@example.com"],
  };
  const tunnel = e.accessGroups!.find((g) => g.name === "db-tunnel")!;
  tunnel.principals = { ...tunnel.principals, roleNames: ["developer", "data-engineer", "analyst"] };
  tunnel.capabilities = {
    ...tunnel.capabilities,
    portForwarding: [
      { host: "dev-db.internal.example.com", port: 5432, cidr: "10.10.16.0/20" },
      { host: "dev-cache.internal.example.com", port: 6379, cidr: "10.10.16.0/20" },
      { host: "10.10.0.10", port: 8443, cidr: "10.10.0.0/20" },
    ],
  } as typeof tunnel.capabilities;
  const vpc = e.vpcs[0] as { privateSubnets: { cidr: string; availabilityZone: string }[] };
  vpc.privateSubnets = [...vpc.privateSubnets, { cidr: "10.10.32.0/20", availabilityZone: "eu-west-1a" }];
}

/** The same lists, each reversed. */
function reversed(e: EnvironmentInput): void {
  longLists(e);
  e.logging!.alertEmails = [...e.logging!.alertEmails!].reverse();
  for (const g of e.accessGroups as any[]) {
    if (g.principals.roleNames) g.principals = { ...g.principals, roleNames: [...g.principals.roleNames].reverse() };
    const pf = g.capabilities.portForwarding;
    if (pf) g.capabilities = { ...g.capabilities, portForwarding: [...pf].reverse() } as typeof g.capabilities;
  }
  e.accessGroups!.reverse();
  const vpc = e.vpcs[0] as { privateSubnets: unknown[] };
  vpc.privateSubnets = [...vpc.privateSubnets].reverse();
}

describe("resource addresses are keyed by value", () => {
  test("GIVEN dev with several subnets, roles, port-forward targets, emails and groups WHEN every list is reversed THEN every resource keeps its address and name", () => {
    const stack = build("dev", longLists);
    const before = addresses(synthJson(stack));
    const after = synth("dev", reversed);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after).toEqual(before);
    // The lists really produced one resource per entry (the comparison is not vacuous).
    const count = (type: ProviderClass) =>
      Object.keys(before).filter((a) => a.startsWith(`${type.tfResourceType}.`)).length;
    expect(count(SnsTopicSubscription)).toBe(4);
    expect(count(Subnet)).toBe(3);
    expect(count(RouteTableAssociation)).toBe(3);
    const tunnel = stack.accessGroups.find((g) => g.node.id === "db-tunnel")!;
    const rolePolicies = tunnel.node.findChild("Roles").node.children.map((c) => addressOf(c as IamRolePolicy));
    expect(rolePolicies).toHaveLength(3);
    for (const address of rolePolicies) expect(Object.keys(before)).toContain(address);
    expect(Object.values(before).filter((n) => typeof n === "string" && n.includes("-port-"))).toEqual(
      expect.arrayContaining([
        "bastionless-dev-db-tunnel-port-dev-db.internal.example.com-5432",
        "bastionless-dev-db-tunnel-port-10.10.0.10-8443",
      ]),
    );
  });

  test("GIVEN a new entry appended to a list WHEN synthesized THEN the existing entries keep their addresses", () => {
    const before = synth("dev", () => undefined);
    const after = synth("dev", longLists);
    for (const address of Object.keys(before)) expect(Object.keys(after)).toContain(address);
  });
});
