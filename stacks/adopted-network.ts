/**
 * How an environment's config maps onto the network constructs for an adopted VPC: which endpoints are created or
 * reused, who reaches the created ones, the S3 gateway mode, the flows a managed NACL keeps, the port-forward
 * egress rules, and the one-line blast radius printed by the synth.
 */
import { NACL_OPT_IN, S3_RESTRICTIVE_OPT_IN, type EnvironmentConfig, type VpcConfig } from "../loader/schema";
import type { Construct } from "../modules/core/cdktf";
import type { EndpointService, ReusedEndpoint, S3Gateway, SessionManagerEndpoints } from "../modules/network-endpoints";
import { Port, SecurityGroup, type CreatedPrivateDnsEndpoints, type NaclFlow } from "../modules/network-security";

type Adopted = Extract<VpcConfig, { mode: "adopt" }>;

export interface EndpointPlan {
  readonly services: EndpointService[];
  readonly reuse: ReusedEndpoint[];
  readonly clients?: { cidrs: string[]; securityGroupIds: string[] };
  readonly s3Gateway?: S3Gateway;
}

/** Created VPC: every endpoint created, strict SG-to-SG, restrictive gateway on its own route tables (defaults). */
export function endpointPlan(vpc: VpcConfig, services: EndpointService[]): EndpointPlan {
  if (vpc.mode === "create") return { services, reuse: [] };
  const reuse: ReusedEndpoint[] = [];
  for (const service of services) {
    const choice = vpc.sharedEndpointsFrom ? "reuse" : (vpc.interfaceEndpoints[service.shortName] ?? "create");
    if (choice === "reuse") reuse.push({ service });
    else if (choice !== "create") reuse.push({ service, endpointId: choice });
  }
  return {
    services,
    reuse,
    // Private DNS answers the whole VPC: created endpoints admit it, not only our instances.
    clients: {
      cidrs: [vpc.cidr, ...vpc.endpointAccess.extraCidrs],
      securityGroupIds: vpc.endpointAccess.extraSecurityGroupIds,
    },
    s3Gateway: s3GatewayOf(vpc),
  };
}

/**
 * The interface endpoints an adopted VPC gets from this stack, for the plan-time check of its secondary CIDR blocks
 * (AdoptedVpc); undefined when every endpoint is reused (the VPC's DNS does not change).
 */
export function createdEndpoints(vpc: Adopted, plan: EndpointPlan): CreatedPrivateDnsEndpoints | undefined {
  const created = plan.services.filter((s) => !plan.reuse.some((r) => r.service.shortName === s.shortName));
  if (created.length === 0) return undefined;
  const field = `vpcs[${vpc.name}].endpointAccess`;
  return {
    services: created.map((s) => s.shortName),
    admittedCidrs: [vpc.cidr, ...vpc.endpointAccess.extraCidrs],
    cutOffCidrs: vpc.endpointAccess.cutOffCidrs,
    howToFix:
      `Fix: list each block in ${field}.extraCidrs of the environment file (a CIDR that contains it, e.g. ` +
      `10.0.0.0/8 for 10.1.0.0/16, also counts), or reuse existing endpoints instead (interfaceEndpoints). Only if ` +
      `its workloads reach the endpoints through ${field}.extraSecurityGroupIds, or are to lose these services, ` +
      `list it in the opt-in ${field}.cutOffCidrs.`,
  };
}

function s3GatewayOf(vpc: Adopted): S3Gateway {
  const g = vpc.s3Gateway;
  switch (g.mode) {
    case "reuse":
      return { mode: "reuse", endpointId: g.endpointId! };
    case "create-full-access":
      return { mode: "create-full-access" };
    case S3_RESTRICTIVE_OPT_IN:
      return { mode: "create-restrictive" };
    default:
      return { mode: "none" };
  }
}

/** Whether the VPC gets a managed NACL: on by default for a created VPC, only by the named opt-in for an adopted one. */
export function managesNacl(vpc: VpcConfig): boolean {
  return vpc.mode === "create" ? vpc.networkAcl : vpc.networkAcl === NACL_OPT_IN;
}

export interface ForwardTarget {
  readonly host: string;
  readonly port: number;
  readonly cidr?: string;
  readonly securityGroupId?: string;
}

/** The port-forward targets of every access group that instances in `vpcName` forward to, once each. */
export function forwardTargets(config: EnvironmentConfig, vpcName: string): ForwardTarget[] {
  const out = new Map<string, ForwardTarget>();
  for (const g of config.accessGroups)
    for (const t of g.capabilities.portForwarding) {
      if (t.vpc !== undefined && t.vpc !== vpcName) continue;
      const key = `${t.cidr ?? t.securityGroupId}:${t.port}`;
      if (!out.has(key)) out.set(key, { host: t.host, port: t.port, cidr: t.cidr, securityGroupId: t.securityGroupId });
    }
  return [...out.values()];
}

/** Egress on the instance SG to each target (rule ids keyed by destination and port, never by list position). */
export function allowForwarding(scope: Construct, endpoints: SessionManagerEndpoints, targets: ForwardTarget[]): void {
  const sg = endpoints.instanceSecurityGroup.connections;
  for (const t of targets) {
    const description = `Port forwarding to ${t.host}:${t.port} (accessGroups portForwarding)`;
    if (t.cidr)
      sg.allowToCidr(`EgressForward${t.port}To${t.cidr.replace(/[./]/g, "x")}`, t.cidr, Port.tcp(t.port), description);
    else if (t.securityGroupId)
      sg.allowTo(
        SecurityGroup.fromSecurityGroupId(scope, `ForwardTarget${t.securityGroupId}`, t.securityGroupId),
        Port.tcp(t.port),
        description,
      );
  }
}

/** The flows a managed NACL keeps besides endpoints and S3: forward targets (SG targets: the VPC CIDR), extra clients. */
export function naclFlows(vpc: VpcConfig, targets: ForwardTarget[]): NaclFlow[] {
  const flows: NaclFlow[] = targets.map((t) => ({ direction: "outbound", cidr: t.cidr ?? vpc.cidr, port: t.port }));
  // A target inside the VPC may sit in one of the managed subnets: its side needs the port inbound too.
  for (const t of targets)
    if (!t.cidr || t.cidr === vpc.cidr || inside(t.cidr, vpc.cidr))
      flows.push({ direction: "inbound", cidr: vpc.cidr, port: t.port });
  if (vpc.mode === "adopt")
    for (const c of vpc.endpointAccess.extraCidrs) flows.push({ direction: "inbound", cidr: c, port: 443 });
  return flows;
}

function inside(inner: string, outer: string): boolean {
  const parse = (c: string) => {
    const [ip, p] = c.split("/");
    return { n: ip.split(".").reduce((a, o) => a * 256 + Number(o), 0), p: Number(p) };
  };
  const i = parse(inner);
  const o = parse(outer);
  if (o.p > i.p) return false;
  const size = 2 ** (32 - o.p);
  return Math.floor(i.n / size) === Math.floor(o.n / size);
}

/** `adopts vpc-…: reuses 2 endpoints, creates 3 (private DNS for the whole VPC), S3 gateway: reuse` */
export function blastRadius(vpc: Adopted, endpoints: SessionManagerEndpoints, nacl: boolean): string {
  const created = endpoints.interfaceEndpoints.length;
  const reused = endpoints.reusedEndpoints.length;
  const parts = [
    ...(reused > 0 ? [`reuses ${reused} endpoint${reused === 1 ? "" : "s"} (+443 rule on their SG)`] : []),
    created > 0
      ? `creates ${created} (private DNS for the whole VPC, 443 from ${[vpc.cidr, ...vpc.endpointAccess.extraCidrs].join(", ")}${
          vpc.endpointAccess.cutOffCidrs.length > 0
            ? `; cut off (opt-in): ${vpc.endpointAccess.cutOffCidrs.join(", ")}`
            : ""
        })`
      : "creates no endpoints",
    `S3 gateway: ${endpoints.s3GatewayMode === "create-restrictive" ? `${S3_RESTRICTIVE_OPT_IN} (opt-in)` : endpoints.s3GatewayMode}`,
    nacl ? `NACL: replaced (${NACL_OPT_IN})` : "NACL: untouched",
  ];
  return `adopts ${vpc.vpcId}: ${parts.join(", ")}`;
}
