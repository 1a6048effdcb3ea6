import { IamInstanceProfile, IamRolePolicyAttachment } from "../core/aws";
import { conditional, Token, type Construct, type IResolvable } from "../core/cdktf";
import type { Statement } from "../core/iam";
import { ServiceRole } from "../core/service-role";
import { SSM_AGENT_CHANNEL_ACTIONS, SSM_AGENT_LEGACY_MESSAGE_ACTIONS } from "../core/ssm-agent";

/** What the agent needs to register and open session channels. `*`: these actions have no resource scoping. */
export const AGENT_CORE_STATEMENT: Statement = {
  sid: "SessionManagerAgent",
  effect: "Allow",
  actions: SSM_AGENT_CHANNEL_ACTIONS,
  resources: ["*"],
};

/** The Message Delivery Service actions, for SSM Agent < 3.3.40.0 only. */
export const LEGACY_AGENT_STATEMENT: Statement = {
  sid: "LegacyAgentMessages",
  effect: "Allow",
  actions: SSM_AGENT_LEGACY_MESSAGE_ACTIONS,
  resources: ["*"],
};

export const MANAGED_INSTANCE_CORE_ARN = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

export interface InstanceRoleProps {
  readonly roleName: string;
  /** Keep the ec2messages actions for agents older than 3.3.40.0 (a plain or Terraform boolean). @default true */
  readonly legacyAgentSupport?: boolean | IResolvable;
  /**
   * Also attach AmazonSSMManagedInstanceCore, for Run Command, Patch Manager and State Manager. It adds, among
   * others, `ssm:GetParameter(s)` on `*` (every String parameter of the account). @default false
   */
  readonly managedInstanceCore?: boolean | IResolvable;
  /** @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
}

/**
 * The instance role and profile for Session Manager: trusted by `ec2.amazonaws.com` (with no SourceAccount or
 * SourceArn condition: EC2 does not send them for instance profiles), and by default allowed only what the agent
 * needs. Logging permissions arrive through grants (`logGroup.grantSessionWrite(role)` and so on).
 */
export class InstanceRole extends ServiceRole {
  public readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: InstanceRoleProps) {
    super(scope, id, {
      roleName: props.roleName,
      description: "Session Manager instances: agent registration, session channels and session logging",
      trustedService: "ec2.amazonaws.com",
      policyName: "session-manager",
      permissionsBoundaryArn: props.permissionsBoundaryArn,
    });
    this.instanceProfile = new IamInstanceProfile(this, "InstanceProfile", {
      name: props.roleName,
      role: this.role.name,
    });
    this.addToPrincipalPolicy(AGENT_CORE_STATEMENT);
    const legacy = props.legacyAgentSupport ?? true;
    if (legacy !== false)
      this.addToPrincipalPolicy(legacy === true ? LEGACY_AGENT_STATEMENT : { ...LEGACY_AGENT_STATEMENT, when: legacy });
    const core = props.managedInstanceCore ?? false;
    if (core !== false) {
      new IamRolePolicyAttachment(this, "ManagedInstanceCore", {
        role: this.role.name,
        policyArn: MANAGED_INSTANCE_CORE_ARN,
        // A Terraform boolean (registry module variable) becomes count = 0 or 1.
        count: core === true ? undefined : Token.asNumber(conditional(core, 1, 0)),
      });
    }
  }
}
