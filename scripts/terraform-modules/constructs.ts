/**
 * The constructs as the registry modules need them: subclasses that override the constructs' seams where a
 * Terraform variable decides what the construct decides at synth time (a statement only when `var.require_mfa`,
 * one `for_each` endpoint over `var.services`, the managed policy attached with `count`). The exported constructs
 * keep plain prop types; only the generator knows about these.
 */
import { IamRolePolicyAttachment, type VpcEndpoint } from "../../modules/core/aws";
import {
  conditional,
  Fn,
  Op,
  TerraformIterator,
  Token,
  type Construct,
  type IResolvable,
  type ITerraformIterator,
} from "../../modules/core/cdktf";
import type { Statement } from "../../modules/core/iam";
import { InstanceRole, MANAGED_INSTANCE_CORE_ARN, type InstanceRoleProps } from "../../modules/instance-access";
import {
  EndpointService,
  SessionManagerEndpoints,
  type SessionManagerEndpointsProps,
} from "../../modules/network-endpoints";
import { AccessGroup, type AccessGroupProps } from "../../modules/operator-access";
import { renderPolicyExpression, type StatementConditions } from "./policy-expression";

/**
 * Interface endpoints as one resource with `for_each` over a list of service short names. (A class expression:
 * the seam runs during the base constructor, before a subclass could set fields.)
 */
export function moduleEndpoints(
  scope: Construct,
  id: string,
  props: Omit<SessionManagerEndpointsProps, "services">,
  services: string[],
): SessionManagerEndpoints {
  const Endpoints = class extends SessionManagerEndpoints {
    protected createInterfaceEndpoints(
      _services: unknown,
      endpoint: (id: string, shortName: string, forEach?: ITerraformIterator) => VpcEndpoint,
    ): VpcEndpoint[] {
      const each = TerraformIterator.fromList(services);
      return [endpoint("Endpoint", each.value as string, each)];
    }
  };
  // Every service the variable may name: the override creates the ones it does name.
  return new Endpoints(scope, id, { ...props, services: EndpointService.ALL });
}

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
