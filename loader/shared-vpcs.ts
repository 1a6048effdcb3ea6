/**
 * Cross-environment check of adopted VPCs: two environments that adopt the same VPC (or attach to the same route
 * tables) in one account and region would both create endpoints with private DNS for the same services (the second
 * apply fails with a conflicting DNS domain) and both manage the VPC's S3 routes. Allowed only when one of them says
 * it shares the other's endpoints (`sharedEndpointsFrom`), and then it creates none.
 */
import type { LoadedEnvironment } from "./load";
import type { EnvironmentConfig, VpcConfig } from "./schema";

type Adopted = Extract<VpcConfig, { mode: "adopt" }>;

interface Entry {
  readonly env: LoadedEnvironment;
  readonly index: number;
  readonly vpc: Adopted;
}

const where = (c: EnvironmentConfig) => `account ${c.account} in ${c.region}`;

export function sharedVpcProblems(loaded: readonly LoadedEnvironment[]): string[] {
  const problems: string[] = [];
  const entries: Entry[] = loaded.flatMap((env) =>
    env.config.vpcs.flatMap((vpc, index) => (vpc.mode === "adopt" ? [{ env, index, vpc }] : [])),
  );
  const byName = new Map(loaded.map((e) => [e.config.name, e]));

  for (const e of entries) {
    const owner = e.vpc.sharedEndpointsFrom;
    if (owner === undefined) continue;
    const field = `vpcs[${e.index}].sharedEndpointsFrom`;
    const other = byName.get(owner);
    if (!other) {
      problems.push(
        `${e.env.file}: ${field}: ${JSON.stringify(owner)} is not an environment; allowed: ${[...byName.keys()].join(", ")}`,
      );
      continue;
    }
    const sameVpc = other.config.vpcs.some((v) => v.mode === "adopt" && v.vpcId === e.vpc.vpcId);
    if (other.config.account !== e.env.config.account || other.config.region !== e.env.config.region || !sameVpc) {
      problems.push(
        `${e.env.file}: ${field}: environment ${JSON.stringify(owner)} (${other.file}) does not adopt ${e.vpc.vpcId} in ${where(e.env.config)}; ` +
          `only an environment adopting the same VPC in the same account and region can share its endpoints`,
      );
    }
  }

  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [a, b] = [entries[i], entries[j]];
      if (a.env === b.env) continue;
      const ca = a.env.config;
      const cb = b.env.config;
      if (ca.account !== cb.account || ca.region !== cb.region) continue;
      const sharedTables = a.vpc.routeTableIds.filter((t) => b.vpc.routeTableIds.includes(t));
      if (a.vpc.vpcId !== b.vpc.vpcId && sharedTables.length === 0) continue;
      if (a.vpc.sharedEndpointsFrom === cb.name || b.vpc.sharedEndpointsFrom === ca.name) continue;
      const what =
        a.vpc.vpcId === b.vpc.vpcId
          ? `VPC ${a.vpc.vpcId}`
          : `route table${sharedTables.length > 1 ? "s" : ""} ${sharedTables.join(", ")}`;
      problems.push(
        `${b.env.file}: vpcs[${b.index}]: environment ${JSON.stringify(cb.name)} and environment ${JSON.stringify(ca.name)} (${a.env.file}) both adopt ${what} in ${where(cb)}; ` +
          `their endpoints would conflict (one private DNS name per service and VPC, one S3 route per route table). ` +
          `Set vpcs[${b.index}].sharedEndpointsFrom: ${ca.name} in ${b.env.file} (it then creates no endpoints), or adopt different VPCs`,
      );
    }
  }
  return problems;
}
