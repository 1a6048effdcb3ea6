import { IamRolePolicyAttachment, SsmServiceSetting } from "../core/aws";
import type { Construct } from "../core/cdktf";
import { arn, type AccountScope, type Conditions } from "../core/iam";
import { ServiceRole } from "../core/service-role";

export const DHMC_MANAGED_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy";
export const DHMC_SETTING = "/ssm/managed-instance/default-ec2-instance-management-role";

export interface DefaultHostManagementProps extends AccountScope {
  readonly roleName: string;
  /** @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
}

/**
 * Systems Manager may assume the role only for this account, from this region (the confused-deputy conditions AWS
 * documents for Systems Manager service roles, "Cross-service confused deputy prevention": `aws:SourceAccount` and
 * `aws:SourceArn` = `arn:aws:ssm:<region>:<account>:*`): another account's Systems Manager cannot be made to use it.
 */
export function defaultHostManagementTrustConditions(scope: AccountScope): Conditions {
  return {
    StringEquals: { "aws:SourceAccount": scope.account },
    ArnLike: { "aws:SourceArn": arn(scope, "ssm", "*") },
  };
}

/**
 * Default Host Management Configuration for an account and region: a role trusted by `ssm.amazonaws.com` (not
 * EC2) with AmazonSSMManagedEC2InstanceDefaultPolicy plus the session-logging grants, and the service setting that
 * points at it. Needs IMDSv2 and SSM Agent >= 3.2.582.0; an instance profile that allows
 * `ssm:UpdateInstanceInformation` takes precedence over it.
 */
export class DefaultHostManagement extends ServiceRole {
  public readonly setting: SsmServiceSetting;

  constructor(scope: Construct, id: string, props: DefaultHostManagementProps) {
    super(scope, id, {
      roleName: props.roleName,
      path: "/service-role/",
      description:
        "Default Host Management Configuration: SSM agent identity for instances without an instance profile",
      trustedService: "ssm.amazonaws.com",
      trustConditions: defaultHostManagementTrustConditions(props),
      policyName: "session-logging",
      permissionsBoundaryArn: props.permissionsBoundaryArn,
    });
    const attachment = new IamRolePolicyAttachment(this, "DefaultInstancePolicy", {
      role: this.role.name,
      policyArn: DHMC_MANAGED_POLICY_ARN,
    });
    this.setting = new SsmServiceSetting(this, "Setting", {
      settingId: arn(props, "ssm", `servicesetting${DHMC_SETTING}`),
      settingValue: `service-role/${props.roleName}`,
      // The setting names the role by name only: without these, Terraform may set it before the role (or its
      // policies) exist, and instances without a profile register with a role that cannot act yet.
      dependsOn: [this.role, attachment, this.policy],
    });
  }
}
