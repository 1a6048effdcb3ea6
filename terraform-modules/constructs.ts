/**
 * The constructs as the registry modules need them, composed where a Terraform variable decides what the construct
 * decides at synth time: a policy renderer whose statements depend on variables (a statement only when
 * `var.require_mfa`), one `for_each` endpoint over `var.services` added through `addInterfaceEndpoint`, the managed
 * policy attached with `count` beside the role. No subclass: the exported constructs keep plain prop types and no
 * constructor calls an overridable method; only the generator knows about these.
 */
import { IamRolePolicyAttachment, VpcSecurityGroupIngressRule } from "../modules/core/aws";
import {
  conditional,
  Fn,
  Op,
  TerraformIterator,
  Token,
  type Construct,
  type IResolvable,
  type TerraformResource,
} from "../modules/core/cdktf";
import { InstanceRole, MANAGED_INSTANCE_CORE_ARN, type InstanceRoleProps } from "../modules/instance-access";
import {
  endpointSecurityGroupDescription,
  SessionManagerEndpoints,
  type SessionManagerEndpointsProps,
} from "../modules/network-endpoints";
import {
  AccessGroup,
  interfaceStatementId,
  SESSION_INTERFACES,
  type AccessGroupProps,
} from "../modules/operator-access";
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
 * and the restrictive policy only when the mode variable names it. Composed from the construct's public methods
 * after construction (it creates no endpoint itself).
 */
export function moduleEndpoints(
  scope: Construct,
  id: string,
  props: Omit<SessionManagerEndpointsProps, "services" | "clients" | "s3Gateway" | "endpointSecurityGroup">,
  vars: ModuleEndpointsVars,
): ModuleEndpoints {
  const endpoints = new SessionManagerEndpoints(scope, id, {
    ...props,
    services: [],
    endpointSecurityGroup: true,
    s3Gateway: { mode: "none" },
  });
  const group = endpoints.endpointSecurityGroup!;
  group.resource.description = endpointSecurityGroupDescription(true);
  const rule = {
    securityGroupId: endpoints.connections.securityGroupId,
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
  };
  const cidrs = TerraformIterator.fromList(vars.allowedCidrs);
  const groups = TerraformIterator.fromList(vars.allowedSecurityGroupIds);
  const fromVpc = new VpcSecurityGroupIngressRule(group, "IngressHttpsFromVpc", {
    ...rule,
    cidrIpv4: vars.vpcCidr,
    description: "HTTPS to the SSM endpoints from the VPC: private DNS sends every workload there to them",
  });
  const fromCidrs = new VpcSecurityGroupIngressRule(group, "IngressHttpsFromAllowedCidrs", {
    ...rule,
    forEach: cidrs,
    cidrIpv4: cidrs.value as string,
    description: "HTTPS to the SSM endpoints from endpoint_allowed_cidrs",
  });
  new VpcSecurityGroupIngressRule(group, "IngressHttpsFromAllowedSecurityGroups", {
    ...rule,
    forEach: groups,
    referencedSecurityGroupId: groups.value as string,
    description: "HTTPS to the SSM endpoints from endpoint_allowed_security_group_ids",
  });
  const each = TerraformIterator.fromList(vars.services);
  endpoints.addInterfaceEndpoint("Endpoint", each.value as string, { forEach: each });
  endpoints.addS3Gateway({
    count: Token.asNumber(conditional(Op.neq(vars.s3Gateway, "none"), 1, 0)),
    policy: Token.asString(
      conditional(
        Op.eq(vars.s3Gateway, vars.restrictiveMode),
        renderPolicyExpression(endpoints.s3RequiredStatements),
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
          condition: Op.or(Op.neq(vars.s3Gateway, vars.restrictiveMode), Op.neq(props.logBucket?.bucketArn ?? "", "")),
          errorMessage:
            "The restrictive S3 gateway admits the session-log bucket by ARN: give log_bucket_arn (the " +
            "session-logging module's log_bucket_arn output).",
        },
      ],
    },
  });
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
  props: Omit<InstanceRoleProps, "legacyAgentSupport" | "managedInstanceCore" | "policyRenderer">,
  vars: { legacyAgentSupport: IResolvable; managedInstanceCore: IResolvable; partition: string },
): InstanceRole {
  const role = new InstanceRole(scope, id, {
    ...props,
    legacyAgentSupport: true,
    policyRenderer: (statements) =>
      renderPolicyExpression(statements, { LegacyAgentMessages: vars.legacyAgentSupport }),
  });
  new IamRolePolicyAttachment(role, "ManagedInstanceCore", {
    role: role.role.name,
    policyArn: MANAGED_INSTANCE_CORE_ARN.replace(/^arn:aws:/, `arn:${vars.partition}:`),
    count: Token.asNumber(conditional(vars.managedInstanceCore, 1, 0)),
  });
  return role;
}

/**
 * An access group whose MFA deny exists only when `requireMfa` (a Terraform bool) is true, whose source-address
 * deny only when the source CIDR list is not empty, and whose read permissions of each interface only when the
 * `interfaces` list (a Terraform list of strings) names it.
 */
export function moduleAccessGroup(
  scope: Construct,
  id: string,
  props: Omit<AccessGroupProps, "requireMfa" | "policyRenderer" | "interfaces"> & { readonly sourceCidrs: string[] },
  vars: { requireMfa: IResolvable; interfaces: string[] },
): AccessGroup {
  const when: StatementConditions = {
    DenySessionsWithoutMfa: vars.requireMfa,
    DenySessionsFromOtherAddresses: Op.gte(Fn.lengthOf(props.sourceCidrs), 1),
    ...Object.fromEntries(
      SESSION_INTERFACES.map((i) => [interfaceStatementId(i), Fn.contains(vars.interfaces, i) as IResolvable]),
    ),
  };
  return new AccessGroup(scope, id, {
    ...props,
    requireMfa: true,
    interfaces: SESSION_INTERFACES,
    policyRenderer: (statements) => renderPolicyExpression(statements, when),
  });
}
