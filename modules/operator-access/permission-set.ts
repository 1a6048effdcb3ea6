import {
  DataAwsIdentitystoreGroup,
  SsoadminAccountAssignment,
  SsoadminPermissionSet,
  SsoadminPermissionSetInlinePolicy,
} from "../core/aws";
import { Construct } from "../core/cdktf";
import { renderPolicy, type Statement } from "../core/iam";

/**
 * Identity Center groups of one identity store, looked up by display name (`aws_identitystore_group` with the
 * `DisplayName` unique attribute), one data source per name however many permission sets use it. A name that
 * does not exist fails the plan, before anything is assigned.
 */
export class IdentityStoreGroups extends Construct {
  private readonly byName = new Map<string, DataAwsIdentitystoreGroup>();

  constructor(
    scope: Construct,
    id: string,
    private readonly identityStoreId: string,
  ) {
    super(scope, id);
  }

  /** The group id of the group with this display name. */
  public groupId(displayName: string): string {
    let group = this.byName.get(displayName);
    if (!group) {
      group = new DataAwsIdentitystoreGroup(this, displayName.replace(/\//g, "_"), {
        identityStoreId: this.identityStoreId,
        alternateIdentifier: {
          uniqueAttribute: { attributePath: "DisplayName", attributeValue: displayName },
        },
      });
      this.byName.set(displayName, group);
    }
    return group.groupId;
  }

  public get displayNames(): string[] {
    return [...this.byName.keys()];
  }
}

export interface PermissionSetAccessProps {
  /** The Identity Center instance. */
  readonly instanceArn: string;
  /** Permission set name, 1-32 characters, unique in the instance. */
  readonly name: string;
  readonly description: string;
  /** ISO-8601 duration of the portal session. @default PT1H */
  readonly sessionDuration?: string;
  /** The inline policy (the access group's operator statements, without an MFA deny: MFA is enforced at sign-in). */
  readonly statements: readonly Statement[];
  /** The account the permission set is assigned in. */
  readonly accountId: string;
  /** Identity Center groups (display names) assigned the permission set in `accountId`. */
  readonly groups: readonly string[];
  readonly groupLookup: IdentityStoreGroups;
}

/**
 * One permission set with its inline policy and an account assignment per (group, account): a permission set
 * alone grants nothing. Must be created with a provider of the organization's management account or Identity
 * Center's delegated administrator, in Identity Center's home region (ssoadmin and identitystore work nowhere else).
 */
export class PermissionSetAccess extends Construct {
  public readonly permissionSet: SsoadminPermissionSet;
  public readonly inlinePolicy: SsoadminPermissionSetInlinePolicy;
  public readonly assignments: SsoadminAccountAssignment[] = [];

  constructor(scope: Construct, id: string, props: PermissionSetAccessProps) {
    super(scope, id);
    if (props.groups.length === 0) {
      throw new Error(
        `PermissionSetAccess ${props.name}: name at least one Identity Center group; otherwise it grants nothing`,
      );
    }
    this.permissionSet = new SsoadminPermissionSet(this, "Resource", {
      instanceArn: props.instanceArn,
      name: props.name,
      description: props.description.slice(0, 700),
      sessionDuration: props.sessionDuration ?? "PT1H",
    });
    this.inlinePolicy = new SsoadminPermissionSetInlinePolicy(this, "Policy", {
      instanceArn: props.instanceArn,
      permissionSetArn: this.permissionSet.arn,
      inlinePolicy: renderPolicy(props.statements),
    });
    const assignments = new Construct(this, "Assignments");
    for (const group of props.groups) {
      this.assignments.push(
        new SsoadminAccountAssignment(assignments, group.replace(/\//g, "_"), {
          instanceArn: props.instanceArn,
          permissionSetArn: this.permissionSet.arn,
          principalType: "GROUP",
          principalId: props.groupLookup.groupId(group),
          targetType: "AWS_ACCOUNT",
          targetId: props.accountId,
          // The inline policy must exist before anyone can use the assignment.
          dependsOn: [this.inlinePolicy],
        }),
      );
    }
  }
}
