import { SecurityGroup as SecurityGroupResource } from "../core/aws";
import { Construct } from "../core/cdktf";
import { Connections, type IConnectable, type Port } from "./connections";

export interface SecurityGroupProps {
  readonly vpcId: string;
  readonly name: string;
  readonly description: string;
  /** @default - none */
  readonly defaultPort?: Port;
}

/**
 * A security group with no inline rules (Terraform also removes AWS's default allow-all egress rule), whose
 * rules are added through `connections` as separate, described rule resources.
 */
export class SecurityGroup extends Construct implements IConnectable {
  /** Wraps an existing security group: rules are written only on groups this project owns. */
  public static fromSecurityGroupId(scope: Construct, id: string, securityGroupId: string): IConnectable {
    const c = new Construct(scope, id);
    return { connections: new Connections({ scope: c, securityGroupId, manageRules: false }) };
  }

  public readonly resource: SecurityGroupResource;
  public readonly securityGroupId: string;
  public readonly connections: Connections;

  constructor(scope: Construct, id: string, props: SecurityGroupProps) {
    super(scope, id);
    this.resource = new SecurityGroupResource(this, "Resource", {
      vpcId: props.vpcId,
      name: props.name,
      description: props.description,
      revokeRulesOnDelete: true,
      tags: { Name: props.name },
    });
    this.securityGroupId = this.resource.id;
    this.connections = new Connections({
      scope: this,
      securityGroupId: this.securityGroupId,
      defaultPort: props.defaultPort,
    });
  }
}
