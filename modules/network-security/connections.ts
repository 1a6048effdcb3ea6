import { VpcSecurityGroupEgressRule, VpcSecurityGroupIngressRule } from "../core/aws";
import { Construct } from "../core/cdktf";

/** A TCP port or range. */
export class Port {
  public static tcp(port: number): Port {
    return new Port(port, port);
  }
  public static tcpRange(from: number, to: number): Port {
    return new Port(from, to);
  }
  public static readonly HTTPS = Port.tcp(443);
  private constructor(
    public readonly from: number,
    public readonly to: number,
  ) {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65535 || from > to) {
      throw new Error(`Port: ${from}-${to} is not a TCP port range; allowed: 1-65535, from ≤ to`);
    }
  }
  public toString(): string {
    return this.from === this.to ? `${this.from}` : `${this.from}-${this.to}`;
  }
}

type RuleClass = typeof VpcSecurityGroupIngressRule | typeof VpcSecurityGroupEgressRule;
/** The other side of a rule: a security group, a CIDR or a managed prefix list. */
type RulePeer = { referencedSecurityGroupId: string } | { cidrIpv4: string } | { prefixListId: string };

/** Anything with security-group connections (an endpoint set, a group of instances, an imported SG). */
export interface IConnectable {
  readonly connections: Connections;
}

export interface ConnectionsProps {
  /** Where rule constructs are created (normally the security group's construct). */
  readonly scope: Construct;
  readonly securityGroupId: string;
  /** Port used by `allowDefaultPortFrom`. @default - none: callers must name the port */
  readonly defaultPort?: Port;
  /** False for a security group this project does not own: rules are only written on our side. @default true */
  readonly manageRules?: boolean;
}

/**
 * Security-group rules between groups, written from one call (aws-cdk's Connections, reduced to what Session
 * Manager needs): `endpoints.connections.allowDefaultPortFrom(app)` writes the ingress rule on the endpoint SG
 * and the matching egress rule on the app SG. Rules always reference security groups, never CIDRs, and each
 * carries a description.
 */
export class Connections implements IConnectable {
  public readonly securityGroupId: string;
  public readonly defaultPort?: Port;
  private readonly scope: Construct;
  private readonly manageRules: boolean;
  private readonly written = new Set<string>();

  constructor(props: ConnectionsProps) {
    this.scope = props.scope;
    this.securityGroupId = props.securityGroupId;
    this.defaultPort = props.defaultPort;
    this.manageRules = props.manageRules ?? true;
  }

  public get connections(): Connections {
    return this;
  }

  /** Allows `other` to connect to this group on `port`: ingress here, egress on `other` (when we own it). */
  public allowFrom(other: IConnectable, port: Port, description: string): void {
    this.addIngress(other.connections, port, description);
    other.connections.addEgress(this, port, description);
  }

  /** Allows this group to connect to `other` on `port`: egress here, ingress on `other` (when we own it). */
  public allowTo(other: IConnectable, port: Port, description: string): void {
    other.connections.allowFrom(this, port, description);
  }

  public allowDefaultPortFrom(other: IConnectable, description: string): void {
    if (!this.defaultPort)
      throw new Error("allowDefaultPortFrom: this connection has no default port; use allowFrom with a port");
    this.allowFrom(other, this.defaultPort, description);
  }

  /** Egress to an AWS-managed prefix list (e.g. S3 through the gateway endpoint). */
  public allowToPrefixList(id: string, prefixListId: string, port: Port, description: string): void {
    this.writeRule(VpcSecurityGroupEgressRule, id, { prefixListId }, port, description);
  }

  /** Ingress from a CIDR (our side only; a CIDR has no other side). */
  public allowFromCidr(id: string, cidr: string, port: Port, description: string): void {
    this.writeRule(VpcSecurityGroupIngressRule, id, { cidrIpv4: cidr }, port, description);
  }

  /** Egress to a CIDR (our side only). */
  public allowToCidr(id: string, cidr: string, port: Port, description: string): void {
    this.writeRule(VpcSecurityGroupEgressRule, id, { cidrIpv4: cidr }, port, description);
  }

  private ruleId(direction: string, peer: Connections, port: Port): string | undefined {
    const peerName = peer === this ? "Self" : peer.scope.node.path.split("/").slice(1).join("");
    const id =
      `${direction}${port.from === port.to ? port.from : `${port.from}to${port.to}`}${peer === this ? "Self" : `From${peerName}`}`.replace(
        /[^A-Za-z0-9]/g,
        "",
      );
    if (this.written.has(id)) return undefined; // the same rule asked for twice (e.g. allowFrom on a shared group)
    this.written.add(id);
    return id;
  }

  private addIngress(peer: Connections, port: Port, description: string): void {
    this.addRule("Ingress", VpcSecurityGroupIngressRule, peer, port, description);
  }

  private addEgress(peer: Connections, port: Port, description: string): void {
    this.addRule("Egress", VpcSecurityGroupEgressRule, peer, port, description);
  }

  private addRule(
    direction: "Ingress" | "Egress",
    Rule: RuleClass,
    peer: Connections,
    port: Port,
    description: string,
  ): void {
    if (!this.manageRules) return;
    const id = this.ruleId(direction, peer, port);
    if (!id) return;
    this.writeRule(Rule, id, { referencedSecurityGroupId: peer.securityGroupId }, port, description);
  }

  /** The one place a TCP rule on this group is written; nothing on a group we do not own. */
  private writeRule(Rule: RuleClass, id: string, peer: RulePeer, port: Port, description: string): void {
    if (!this.manageRules) return;
    new Rule(this.scope, id, {
      securityGroupId: this.securityGroupId,
      ...peer,
      ipProtocol: "tcp",
      fromPort: port.from,
      toPort: port.to,
      description,
    });
  }
}
