import { IamRole, IamRolePolicy, IamRolePolicyAttachment, SsmServiceSetting } from "../core/aws";
import { Construct } from "../core/cdktf";
import { arn, renderPolicy, StatementCollector, type AccountScope, type IGrantable, type Statement } from "../core/iam";

export const DHMC_MANAGED_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy";
export const DHMC_SETTING = "/ssm/managed-instance/default-ec2-instance-management-role";

export interface DefaultHostManagementProps extends AccountScope {
  readonly roleName: string;
  /** @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
}

/**
 * Default Host Management Configuration for an account and region: a role trusted by `ssm.amazonaws.com` (not
 * EC2) with AmazonSSMManagedEC2InstanceDefaultPolicy plus the session-logging grants, and the service setting that
 * points at it. Needs IMDSv2 and SSM Agent >= 3.2.582.0; an instance profile that allows
 * `ssm:UpdateInstanceInformation` takes precedence over it.
 */
export class DefaultHostManagement extends Construct implements IGrantable {
  public readonly role: IamRole;
  public readonly setting: SsmServiceSetting;
  private readonly policy = new StatementCollector();

  constructor(scope: Construct, id: string, props: DefaultHostManagementProps) {
    super(scope, id);
    this.role = new IamRole(this, "Resource", {
      name: props.roleName,
      path: "/service-role/",
      description: "Default Host Management Configuration: SSM agent identity for instances without an instance profile",
      assumeRolePolicy: renderPolicy([{ effect: "Allow", principals: { Service: ["ssm.amazonaws.com"] }, actions: ["sts:AssumeRole"] }]),
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    new IamRolePolicyAttachment(this, "DefaultInstancePolicy", { role: this.role.name, policyArn: DHMC_MANAGED_POLICY_ARN });
    new IamRolePolicy(this, "Policy", {
      name: "session-logging",
      role: this.role.id,
      policy: this.policy.lazyDocument(),
    });
    this.setting = new SsmServiceSetting(this, "Setting", {
      settingId: arn(props, "ssm", `servicesetting${DHMC_SETTING}`),
      settingValue: `service-role/${props.roleName}`,
    });
  }

  public addToPrincipalPolicy(statement: Statement): void {
    this.policy.addToPrincipalPolicy(statement);
  }
}
