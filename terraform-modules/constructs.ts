/**
 * The constructs as the registry modules need them: subclasses that override the constructs' seams where a
 * Terraform variable decides what the construct decides at synth time (a statement only when `var.require_mfa`,
 * one `for_each` endpoint over `var.services`, the managed policy attached with `count`). The exported constructs
 * keep plain prop types; only the generator knows about these.
 */
import {
  IamRolePolicyAttachment,
  VpcSecurityGroupIngressRule,
  type VpcEndpoint,
  type VpcEndpointConfig,
} from "../modules/core/aws";
import {
  conditional,
  Fn,
  Op,
  TerraformIterator,
  Token,
  type Construct,
  type IResolvable,
  type TerraformResource,
  type ITerraformIterator,
} from "../modules/core/cdktf";
import type { Statement } from "../modules/core/iam";
import { InstanceRole, MANAGED_INSTANCE_CORE_ARN, type InstanceRoleProps } from "../modules/instance-access";
import {
  EndpointService,
  SessionManagerEndpoints,
  type SessionManagerEndpointsProps,
} from "../modules/network-endpoints";
import { AccessGroup, type AccessGroupProps } from "../modules/operator-access";
import { renderPolicyExpression, type StatementConditions } from "./policy-expression";

/** What the network module's variables decide (Terraform values: list variables, a mode string). */
export interface ModuleEndpointsVars {
  /** Short names of the interface endpoints (`for_each`). */
  readonly services: string[];
  /** The VPC's CIDR (data.aws_vpc): private DNS sends every workload in the VPC to the endpoints. */
  readonly vpcCidr: string;
  /** Further CIDRs and security groups that reach the endpoints on 443 (`for_each`). */
  readonly allowedCidrs: string[];
  readonly allowedSecurityGroupIds: string[];
  /** `none`, `create-full-access` or the restrictive opt-in: the gateway gets `count` and the policy from it. */
  readonly s3Gateway: string;
  /** The mode value that makes the gateway restrictive. */
  readonly restrictiveMode: string;
}

/**
 * The endpoints as a registry module builds them: interface endpoints as one resource with `for_each` over a list of
 * service short names, 443 from the VPC CIDR and from list variables (`for_each`), and the S3 gateway with `count`
 * and the restrictive policy only when the mode variable names it. (A class expression: the seams run during the
 * base constructor, before a subclass could set fields.)
 */
export function moduleEndpoints(
  scope: Construct,
  id: string,
  props: Omit<SessionManagerEndpointsProps, "services" | "clients" | "s3Gateway">,
  vars: ModuleEndpointsVars,
): ModuleEndpoints {
  const ingress: VpcSecurityGroupIngressRule[] = [];
  const Endpoints = class extends SessionManagerEndpoints {
    protected createInterfaceEndpoints(
      _services: unknown,
      endpoint: (id: string, shortName: string, forEach?: ITerraformIterator) => VpcEndpoint,
    ): VpcEndpoint[] {
      const each = TerraformIterator.fromList(vars.services);
      return [endpoint("Endpoint", each.value as string, each)];
    }
    protected admitClients(): void {
      const scope = this.endpointSecurityGroup!;
      const rule = { securityGroupId: this.connections.securityGroupId, ipProtocol: "tcp", fromPort: 443, toPort: 443 };
      const cidrs = TerraformIterator.fromList(vars.allowedCidrs);
      const groups = TerraformIterator.fromList(vars.allowedSecurityGroupIds);
      ingress.push(
        new VpcSecurityGroupIngressRule(scope, "IngressHttpsFromVpc", {
          ...rule,
          cidrIpv4: vars.vpcCidr,
          description: "HTTPS to the SSM endpoints from the VPC: private DNS sends every workload there to them",
        }),
        new VpcSecurityGroupIngressRule(scope, "IngressHttpsFromAllowedCidrs", {
          ...rule,
          forEach: cidrs,
          cidrIpv4: cidrs.value as string,
          description: "HTTPS to the SSM endpoints from endpoint_allowed_cidrs",
        }),
        new VpcSecurityGroupIngressRule(scope, "IngressHttpsFromAllowedSecurityGroups", {
          ...rule,
          forEach: groups,
          referencedSecurityGroupId: groups.value as string,
          description: "HTTPS to the SSM endpoints from endpoint_allowed_security_group_ids",
        }),
      );
    }
    protected createS3Gateway(
      restrictTo: readonly Statement[],
      gateway: (config?: Pick<VpcEndpointConfig, "policy" | "count" | "lifecycle">) => VpcEndpoint,
    ): VpcEndpoint {
      return gateway({
        count: Token.asNumber(conditional(Op.neq(vars.s3Gateway, "none"), 1, 0)),
        policy: Token.asString(
          conditional(
            Op.eq(vars.s3Gateway, vars.restrictiveMode),
            renderPolicyExpression(restrictTo),
            Token.nullValue(),
          ),
        ),
        lifecycle: {
          precondition: [
            {
              condition: Op.gte(Fn.lengthOf(props.network.routeTableIds), 1),
              errorMessage: "s3_gateway creates a gateway endpoint on route_table_ids: list the private route tables.",
            },
            {
              condition: Op.or(Op.neq(vars.s3Gateway, vars.restrictiveMode), Op.neq(props.logBucketArn ?? "", "")),
              errorMessage:
                "The restrictive S3 gateway admits the session-log bucket by ARN: give log_bucket_arn (the " +
                "session-logging module's log_bucket_arn output).",
            },
          ],
        },
      });
    }
  };
  // Every service the variable may name (the override creates the ones it does name); the restrictive mode, so that
  // the override gets the statements and decides with `count` and the variable.
  const endpoints = new Endpoints(scope, id, {
    ...props,
    services: EndpointService.ALL,
    clients: { cidrs: [vars.vpcCidr] },
    s3Gateway: { mode: "create-restrictive" },
  });
  const [fromVpc, fromCidrs] = ingress;
  return {
    endpoints,
    endpointIngressCidrs: `\${concat([${address(fromVpc)}.cidr_ipv4], [for r in ${address(fromCidrs)} : r.cidr_ipv4])}`,
  };
}

/** The network module's endpoints, and an expression for every CIDR their security group admits on 443. */
export interface ModuleEndpoints {
  readonly endpoints: SessionManagerEndpoints;
  readonly endpointIngressCidrs: string;
}

/** `<type>.<name>` of a resource in the module (for expressions over `for_each` / `count` resources). */
export const address = (r: TerraformResource) => `${r.terraformResourceType}.${r.friendlyUniqueId}`;

/**
 * The instance role with the legacy-agent statement only when `legacyAgentSupport` (a Terraform bool) is true,
 * and AmazonSSMManagedInstanceCore attached with `count` from `managedInstanceCore`.
 */
export function moduleInstanceRole(
  scope: Construct,
  id: string,
  props: Omit<InstanceRoleProps, "legacyAgentSupport" | "managedInstanceCore">,
  vars: { legacyAgentSupport: IResolvable; managedInstanceCore: IResolvable; partition: string },
): InstanceRole {
  const Role = class extends InstanceRole {
    protected renderPolicy(statements: readonly Statement[]): string {
      return renderPolicyExpression(statements, { LegacyAgentMessages: vars.legacyAgentSupport });
    }
    protected attachManagedInstanceCore(): IamRolePolicyAttachment {
      return new IamRolePolicyAttachment(this, "ManagedInstanceCore", {
        role: this.role.name,
        policyArn: MANAGED_INSTANCE_CORE_ARN.replace(/^arn:aws:/, `arn:${vars.partition}:`),
        count: Token.asNumber(conditional(vars.managedInstanceCore, 1, 0)),
      });
    }
  };
  return new Role(scope, id, { ...props, legacyAgentSupport: true, managedInstanceCore: true });
}

/**
 * An access group whose MFA deny exists only when `requireMfa` (a Terraform bool) is true, and whose source-address
 * deny only when the source CIDR list is not empty.
 */
export function moduleAccessGroup(
  scope: Construct,
  id: string,
  props: Omit<AccessGroupProps, "requireMfa"> & { readonly sourceCidrs: string[] },
  vars: { requireMfa: IResolvable },
): AccessGroup {
  const when: StatementConditions = {
    DenySessionsWithoutMfa: vars.requireMfa,
    DenySessionsFromOtherAddresses: Op.gte(Fn.lengthOf(props.sourceCidrs), 1),
  };
  const Group = class extends AccessGroup {
    protected renderPolicy(statements: readonly Statement[]): string {
      return renderPolicyExpression(statements, when);
    }
  };
  return new Group(scope, id, { ...props, requireMfa: true });
}
