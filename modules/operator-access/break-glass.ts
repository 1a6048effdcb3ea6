/**
 * The break-glass role of an environment (docs/break-glass.md): named people, with MFA and a source identity, get
 * shell for at most an hour on every instance the environment's access groups select. Its trust and its policy are
 * plain typed statements, so the IAM engine evaluates exactly what is deployed.
 */
import { IamRole, IamRolePolicy } from "../core/aws";
import { Construct, type TerraformProvider } from "../core/cdktf";
import { PolicyVariable, renderPolicy, type AccountScope, type Statement } from "../core/iam";
import { operatorStatements, tagCondition } from "./operator-policy";

/** IAM's shortest maximum session for a role (MaxSessionDuration 3600-43200 seconds): the break-glass role's. */
export const BREAK_GLASS_MAX_SESSION_SECONDS = 3600;
/** The oldest MFA sign-in that may break the glass (aws:MultiFactorAuthAge, seconds). */
export const BREAK_GLASS_MFA_MAX_AGE_SECONDS = 3600;

/**
 * Who may assume the role: each named principal with MFA (`aws:MultiFactorAuthPresent` true, at most
 * `BREAK_GLASS_MFA_MAX_AGE_SECONDS` old) and a source identity (`sts:SetSourceIdentity`), which CloudTrail records on
 * every call of the role session and which no chained session can change. IAM users must give their own user name
 * (`${aws:username}`), so the alert names the person; roles have no user name, so for them it must only be set.
 */
export function breakGlassTrust(principals: readonly string[]): Statement[] {
  const users = principals.filter((p) => /:user\//.test(p));
  const roles = principals.filter((p) => /:role\//.test(p));
  const mfa = {
    Bool: { "aws:MultiFactorAuthPresent": "true" },
    NumericLessThanEquals: { "aws:MultiFactorAuthAge": String(BREAK_GLASS_MFA_MAX_AGE_SECONDS) },
  };
  const actions = ["sts:AssumeRole", "sts:SetSourceIdentity"];
  return [
    ...(users.length > 0
      ? [
          {
            sid: "NamedUsersWithMfaAsThemselves",
            effect: "Allow" as const,
            principals: { AWS: users },
            actions,
            conditions: { ...mfa, StringEquals: { "sts:SourceIdentity": PolicyVariable.USERNAME } },
          },
        ]
      : []),
    ...(roles.length > 0
      ? [
          {
            sid: "NamedRolesWithMfaAndSourceIdentity",
            effect: "Allow" as const,
            principals: { AWS: roles },
            actions,
            conditions: { ...mfa, Null: { "sts:SourceIdentity": "false" } },
          },
        ]
      : []),
  ];
}

export interface BreakGlassPolicyProps extends AccountScope {
  /** The environment's instance selectors (one per access group): the role reaches an instance any of them selects. */
  readonly instanceSelectors: readonly Record<string, readonly string[]>[];
  /** The environment's shell (preferences) document: the only document the role may start sessions with. */
  readonly shellDocumentName: string;
  /** Documents the role may not change. */
  readonly protectedDocuments: readonly string[];
  /** The environment's access tag keys: the role may not set them (it reaches instances by them). */
  readonly protectedTagKeys: readonly string[];
  /** The session key by alias (its ARN lives in the environment's state). @default - no KMS statement */
  readonly sessionKeyAlias?: string;
}

/**
 * The role's policy: the operator statements of a shell-only access group (the logged shell through the
 * environment's preferences document; SSH, port forwarding and interactive commands denied; only its own sessions
 * to terminate or resume; MFA required; no access tag changes), with one StartSession statement per selector, and
 * no session without a source identity.
 */
export function breakGlassStatements(p: BreakGlassPolicyProps): Statement[] {
  const [first, ...others] = p.instanceSelectors;
  if (!first) throw new Error("breakGlassStatements: no instance selector; the role would reach nothing");
  const [start, ...rest] = operatorStatements({
    account: p.account,
    region: p.region,
    partition: p.partition,
    instanceTags: first,
    documents: [p.shellDocumentName],
    ssh: false,
    requireMfa: true,
    sessionKeyAlias: p.sessionKeyAlias,
    protectedDocuments: p.protectedDocuments,
    protectedTagKeys: p.protectedTagKeys,
  });
  const more = others.map((tags, i) => ({
    ...start,
    sid: `${start.sid}${i + 2}`,
    conditions: { ...start.conditions, StringEquals: tagCondition(tags) },
  }));
  return [
    start,
    ...more,
    ...rest,
    {
      sid: "DenySessionsWithoutSourceIdentity",
      effect: "Deny",
      actions: ["ssm:StartSession", "ssm:ResumeSession"],
      resources: ["*"],
      conditions: { Null: { "aws:SourceIdentity": "true" } },
    },
  ];
}

export interface BreakGlassRoleProps {
  /** `<project>-<environment>-break-glass`. */
  readonly roleName: string;
  readonly description: string;
  /** Exact IAM user or role ARNs. */
  readonly principals: readonly string[];
  readonly policy: BreakGlassPolicyProps;
  /** The provider of the environment's account. @default - the stack's default provider */
  readonly provider?: TerraformProvider;
}

/** The role (one-hour sessions, trust of `breakGlassTrust`) and its inline policy (`breakGlassStatements`). */
export class BreakGlassRole extends Construct {
  public readonly role: IamRole;
  public readonly policy: IamRolePolicy;
  public readonly statements: Statement[];

  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id);
    this.statements = breakGlassStatements(props.policy);
    this.role = new IamRole(this, "Resource", {
      provider: props.provider,
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: renderPolicy(breakGlassTrust(props.principals)),
      maxSessionDuration: BREAK_GLASS_MAX_SESSION_SECONDS,
    });
    this.policy = new IamRolePolicy(this, "Policy", {
      provider: props.provider,
      role: this.role.name,
      name: "break-glass",
      policy: renderPolicy(this.statements),
    });
  }
}
