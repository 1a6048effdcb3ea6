import { IamGroup, IamGroupPolicy, IamRolePolicy, SsmDocument } from "../core/aws";
import { Construct, Lazy, TerraformIterator, Token } from "../core/cdktf";
import { renderPolicy, type AccountScope, type IGrantable, type PolicyRenderer, type Statement } from "../core/iam";
import {
  portForwardDocumentExpiries,
  portForwardDocumentName,
  type PortForwardTarget,
} from "../core/session-documents";
import { expiryCondition, operatorStatements, type SessionInterface } from "./operator-policy";

export {
  portForwardDocumentExpiries,
  portForwardDocumentName,
  type PortForwardTarget,
} from "../core/session-documents";

export interface AccessGroupProps extends AccountScope {
  /** Physical name of the group, e.g. `bastionless-dev-platform-shell`. */
  readonly name: string;
  readonly description: string;
  /** Tag key → allowed values. */
  readonly instanceTags: Record<string, readonly string[]>;
  /** The logged shell through this preferences document. @default - no shell */
  readonly shellDocumentName?: string;
  /** Remote host:port pairs, each through its own Port document that accepts only that pair. @default - none */
  readonly portForwarding?: readonly PortForwardTarget[];
  /** @default false */
  readonly ssh?: boolean;
  /** Create an IAM group with the policy. @default false */
  readonly iamGroup?: boolean;
  /** Existing IAM roles that get the policy inline; may be a Terraform list. @default - none */
  readonly roleNames?: readonly string[];
  /**
   * Deny sessions without MFA on the IAM group's policy (IAM users). Role policies never carry it: federated role
   * sessions (SAML, OIDC, Identity Center) have no `aws:MultiFactorAuthPresent`, so MFA for them is enforced by the
   * identity provider, and for roles assumed by IAM users in the role's trust policy. @default true
   */
  readonly requireMfa?: boolean;
  /** Instance tag keys no member may create, change or delete. @default - the keys of `instanceTags` */
  readonly protectedTagKeys?: readonly string[];
  /** ISO-8601 UTC instant after which the whole group's access ends (`DateLessThan aws:CurrentTime`). @default - no expiry */
  readonly expires?: string;
  /** @default - no restriction */
  readonly sourceCidrs?: readonly string[];
  /** See `OperatorPolicyProps.sourceVpcIds`. @default - none */
  readonly sourceVpcIds?: readonly string[];
  /** The environment's preferences document (no operator may change it). */
  readonly preferencesDocumentName: string;
  /** How the group's policies are written. @default renderPolicy - JSON text, rendered at synth time */
  readonly policyRenderer?: PolicyRenderer;
  /**
   * The interfaces members may start sessions from (`cli`, `session-manager-console`, `ec2-console`): each console
   * adds its read prerequisites, the CLI needs none (operator-policy.ts `INTERFACE_ACTIONS`).
   * @default ["cli"]
   */
  readonly interfaces?: readonly SessionInterface[];
}

/** Content of a Port session document whose parameters accept exactly one remote host and port. */
export function portForwardDocument(target: PortForwardTarget, description: string): object {
  return {
    schemaVersion: "1.0",
    description,
    sessionType: "Port",
    parameters: {
      host: { type: "String", description: "Remote host", allowedValues: [target.host] },
      portNumber: { type: "String", description: "Remote port", allowedValues: [String(target.port)] },
      localPortNumber: {
        type: "String",
        description: "Local port (0: any free port)",
        allowedPattern:
          "^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$",
        default: "0",
      },
    },
    properties: {
      type: "LocalPortForwarding",
      host: "{{ host }}",
      portNumber: "{{ portNumber }}",
      localPortNumber: "{{ localPortNumber }}",
    },
  };
}

/**
 * One access group: who (an IAM group, existing roles) may open which kind of session (shell, port forwarding to
 * listed targets, SSH) on instances with which tags. Identity Center permission sets are not created here: they
 * belong to the management (or delegated-admin) account, see `PermissionSetAccess` and the IdentityCenterStack;
 * give them `rolePolicyStatements`.
 */
export class AccessGroup extends Construct implements IGrantable {
  /** The IAM group's policy (with the MFA deny unless requireMfa is false). */
  public readonly iamPolicyStatements: Statement[];
  /** The policy of roles and permission sets: no MFA deny (federated sessions carry no MFA key). */
  public readonly rolePolicyStatements: Statement[];
  public readonly documentNames: string[] = [];
  public readonly iamGroup?: IamGroup;
  /** The IAM group's inline policy (with `iamGroup`). */
  public readonly groupPolicy?: IamGroupPolicy;
  /** The inline policies on the roles (`roleNames`): one per role, or one `for_each` over a Terraform list. */
  public readonly rolePolicies: IamRolePolicy[] = [];
  private readonly expires?: string;

  constructor(scope: Construct, id: string, props: AccessGroupProps) {
    super(scope, id);
    const docs = new Construct(this, "PortForwarding");
    // Keyed by host:port, not list position: reordering the targets neither renames nor replaces a document.
    for (const target of props.portForwarding ?? []) {
      const name = portForwardDocumentName(props.name, target);
      if (this.documentNames.includes(name)) continue;
      new SsmDocument(docs, `${target.host}:${target.port}`, {
        name,
        documentType: "Session",
        documentFormat: "JSON",
        content: JSON.stringify(
          portForwardDocument(target, `Port forwarding to ${target.host}:${target.port} for ${props.name}`),
          null,
          2,
        ),
      });
      this.documentNames.push(name);
    }
    const documents = [...(props.shellDocumentName ? [props.shellDocumentName] : []), ...this.documentNames];
    if (documents.length === 0 && !props.ssh)
      throw new Error(
        `AccessGroup ${props.name}: grants no session type; give shellDocumentName, portForwarding or ssh`,
      );
    const base = {
      account: props.account,
      region: props.region,
      partition: props.partition,
      instanceTags: props.instanceTags,
      documents,
      ssh: props.ssh,
      sourceCidrs: props.sourceCidrs,
      sourceVpcIds: props.sourceVpcIds,
      protectedDocuments: [props.preferencesDocumentName, ...this.documentNames],
      protectedTagKeys: props.protectedTagKeys,
      expires: props.expires,
      interfaces: props.interfaces,
      documentExpiries: portForwardDocumentExpiries(props.name, props.portForwarding ?? []),
    };
    this.iamPolicyStatements = operatorStatements({ ...base, requireMfa: props.requireMfa ?? true });
    this.rolePolicyStatements = operatorStatements({ ...base, requireMfa: false });
    this.expires = props.expires;
    // Rendered at synth time, so grants made after construction (sessionKey.grantSessionStart(group)) reach them.
    const render = props.policyRenderer ?? renderPolicy;
    const iamPolicy = Lazy.stringValue({ produce: () => render(this.iamPolicyStatements) });
    const rolePolicy = Lazy.stringValue({ produce: () => render(this.rolePolicyStatements) });

    if (props.iamGroup) {
      this.iamGroup = new IamGroup(this, "Group", { name: props.name });
      this.groupPolicy = new IamGroupPolicy(this, "GroupPolicy", {
        name: "session-manager",
        group: this.iamGroup.name,
        policy: iamPolicy,
      });
    }
    const roles = new Construct(this, "Roles");
    const roleNames = props.roleNames ?? [];
    if (Token.isUnresolved(roleNames)) {
      const each = TerraformIterator.fromList(roleNames as string[]);
      const policy = new IamRolePolicy(roles, "Policy", {
        forEach: each,
        name: props.name,
        role: each.value as string,
        policy: rolePolicy,
      });
      this.rolePolicies.push(policy);
    } else {
      // Keyed by role name, not list position.
      for (const role of new Set(roleNames))
        this.rolePolicies.push(new IamRolePolicy(roles, role, { name: props.name, role, policy: rolePolicy }));
    }
  }

  /**
   * Adds an Allow statement (a grant) to every policy of the group: after the group's own allows and before its
   * denies, and ending with the group's expiry like every other permission of the group.
   */
  public addToPrincipalPolicy(statement: Statement): void {
    const expiring: Statement =
      statement.effect === "Allow" && this.expires
        ? { ...statement, conditions: { ...statement.conditions, ...expiryCondition(this.expires) } }
        : statement;
    for (const statements of new Set([this.iamPolicyStatements, this.rolePolicyStatements])) {
      const firstDeny = statements.findIndex((s) => s.effect === "Deny");
      statements.splice(firstDeny < 0 ? statements.length : firstDeny, 0, expiring);
    }
  }
}
