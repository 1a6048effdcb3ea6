import { IamInstanceProfile, IamRolePolicyAttachment } from "../core/aws";
import type { Construct } from "../core/cdktf";
import type { PolicyRenderer, Statement } from "../core/iam";
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
  /** Keep the ec2messages actions for agents older than 3.3.40.0. @default true */
  readonly legacyAgentSupport?: boolean;
  /**
   * Also attach AmazonSSMManagedInstanceCore, for Run Command, Patch Manager and State Manager. It adds, among
   * others, `ssm:GetParameter(s)` on `*` (every String parameter of the account). @default false
   */
  readonly managedInstanceCore?: boolean;
  /** @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
  /** How the inline policy is written. @default renderPolicy - JSON text, rendered at synth time */
  readonly policyRenderer?: PolicyRenderer;
}

/**
 * The instance role and profile for Session Manager: trusted by `ec2.amazonaws.com` (with no SourceAccount or
 * SourceArn condition: EC2 does not send them for instance profiles), and by default allowed only what the agent
 * needs. Logging permissions arrive through grants (`logGroup.grantSessionWrite(role)` and so on).
 */
export class InstanceRole extends ServiceRole {
  public readonly instanceProfile: IamInstanceProfile;
  /** The AmazonSSMManagedInstanceCore attachment, when opted in. */
  public readonly managedInstanceCore?: IamRolePolicyAttachment;

  constructor(scope: Construct, id: string, props: InstanceRoleProps) {
    super(scope, id, {
      roleName: props.roleName,
      description: "Session Manager instances: agent registration, session channels and session logging",
      trustedService: "ec2.amazonaws.com",
      policyName: "session-manager",
      permissionsBoundaryArn: props.permissionsBoundaryArn,
      policyRenderer: props.policyRenderer,
    });
    this.instanceProfile = new IamInstanceProfile(this, "InstanceProfile", {
      name: props.roleName,
      role: this.role.name,
    });
    this.addToPrincipalPolicy(AGENT_CORE_STATEMENT);
    if (props.legacyAgentSupport ?? true) this.addToPrincipalPolicy(LEGACY_AGENT_STATEMENT);
    if (props.managedInstanceCore)
      this.managedInstanceCore = new IamRolePolicyAttachment(this, "ManagedInstanceCore", {
        role: this.role.name,
        policyArn: MANAGED_INSTANCE_CORE_ARN,
      });
  }
}
