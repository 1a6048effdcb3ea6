import { Fn, TerraformIterator, Token } from "../core/cdktf";
import { type AccountScope, type Conditions, PolicyVariable, type Statement } from "../core/iam";
import { DEFAULT_SESSION_INTERFACES } from "../core/defaults";
import { SESSION_INTERFACES, type SessionInterface } from "../core/limits";
import { SSH_DOCUMENT } from "../core/session-documents";

export { SESSION_INTERFACES, type SessionInterface } from "../core/limits";
export { DEFAULT_SESSION_INTERFACES } from "../core/defaults";

export { SSH_DOCUMENT } from "../core/session-documents";

/**
 * The one list of the AWS-owned session documents whose sessions Session Manager cannot log (SSH and port
 * forwarding are end-to-end tunnels, interactive commands skip the shell preferences). The operator policy denies
 * them, the access report lists the ones a principal may start, and the tests read this list.
 */
export const UNLOGGED_DOCUMENTS = [
  SSH_DOCUMENT,
  "AWS-StartPortForwardingSession",
  "AWS-StartPortForwardingSessionToRemoteHost",
  "AWS-StartInteractiveCommand",
  "AWS-StartNonInteractiveCommand",
] as const;

/**
 * What each interface needs beyond the session permissions every interface shares (StartSession on the group's
 * instances and documents, OpenDataChannel, Terminate/ResumeSession of the caller's own sessions), after AWS's
 * Session Manager quickstart end-user policies: read-only actions that take no resource (`Resource: "*"`), so no
 * interface widens which instances or documents a group reaches. The CLI needs none. The EC2 console's quickstart
 * policy also grants ssm:SendCommand (only to update an outdated agent through Run Command); it is left out: it
 * would run any command on the group's instances with no session transcript.
 */
export const INTERFACE_ACTIONS: Readonly<Record<SessionInterface, readonly string[]>> = {
  cli: [],
  "session-manager-console": [
    "ssm:DescribeSessions",
    "ssm:GetConnectionStatus",
    "ssm:DescribeInstanceProperties",
    "ec2:DescribeInstances",
  ],
  "ec2-console": ["ssm:GetConnectionStatus", "ssm:DescribeInstanceInformation", "ec2:DescribeInstances"],
};

/** The statement id of an interface's read permissions (the registry module makes each conditional on its input). */
export function interfaceStatementId(i: SessionInterface): string {
  return `${i.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase())}Reads`;
}

/** The interfaces as given (or the default), checked: at least one, each known, none twice. */
export function checkedInterfaces(interfaces: readonly string[] | undefined, who: string): SessionInterface[] {
  const list = [...(interfaces ?? DEFAULT_SESSION_INTERFACES)];
  if (list.length === 0)
    throw new Error(`${who}: interfaces is empty; name at least one of ${SESSION_INTERFACES.join(", ")}`);
  for (const [i, v] of list.entries()) {
    if (!(SESSION_INTERFACES as readonly string[]).includes(v))
      throw new Error(
        `${who}: interfaces[${i}] ${JSON.stringify(v)} is not an interface; allowed: ${SESSION_INTERFACES.join(", ")}`,
      );
    if (list.indexOf(v) !== i) throw new Error(`${who}: interfaces names ${JSON.stringify(v)} twice`);
  }
  return list as SessionInterface[];
}

export interface OperatorPolicyProps extends AccountScope {
  /**
   * Instance tags the group may reach: every key must match one of its values (StringEquals, never IfExists).
   * A map token (e.g. `Token.asAnyMap` of a Terraform map(list(string))) becomes a `for` expression.
   */
  readonly instanceTags: Record<string, readonly string[]>;
  /** Customer session documents the group may start, by name (the shell preferences document, port-forwarding documents). */
  readonly documents: readonly string[];
  /** Allow AWS-StartSSHSession (not logged). @default false */
  readonly ssh?: boolean;
  /** Deny StartSession/ResumeSession without MFA. @default false */
  readonly requireMfa?: boolean;
  /** Deny StartSession/ResumeSession from other source addresses. @default - no restriction */
  readonly sourceCidrs?: readonly string[];
  /**
   * The environment's VPCs, whose interface endpoints (its `ssm` endpoint) carry operators' calls: a call through an
   * endpoint has no `aws:SourceIp` (only `aws:SourceVpc`/`aws:SourceVpce`), so without them the `sourceCidrs` deny
   * would refuse every operator inside the network. Calls through an endpoint in one of these VPCs are not denied
   * by it; calls through any other VPC's endpoint still are. @default - none: every call through an endpoint is denied
   */
  readonly sourceVpcIds?: readonly string[];
  /**
   * The session key by alias (`alias/...`), when its ARN is not known where the policy is written (the identity
   * stack): kms:GenerateDataKey on the account's keys that carry this alias (`kms:ResourceAliases`).
   * @default - no statement by alias
   */
  readonly sessionKeyAlias?: string;
  /** Documents no operator may change (the preferences document and the group's own documents). */
  readonly protectedDocuments: readonly string[];
  /**
   * Instance tag keys no holder of this policy may create, change or delete on any instance (tags decide access, so
   * tagging is privilege). Denied explicitly, so it holds next to other broad EC2 policies the principal has.
   * @default - the keys of `instanceTags`
   */
  readonly protectedTagKeys?: readonly string[];
  /**
   * ISO-8601 UTC instant (`2026-12-31T18:00:00Z`) after which every permission of this policy ends: each Allow
   * statement gets `DateLessThan aws:CurrentTime`, so access stops on time without a deployment.
   * @default - no expiry
   */
  readonly expires?: string;
  /** Per-document expiry (document name → ISO-8601 UTC): that document gets its own, expiring, statement. @default - none */
  readonly documentExpiries?: Readonly<Record<string, string>>;
  /**
   * The interfaces members may start sessions from: each gets the read permissions of `INTERFACE_ACTIONS`, the
   * others nothing. IAM cannot tell a console request from a CLI one: this grants or withholds the consoles'
   * prerequisites; a member who holds them from another policy can still use a console.
   * @default ["cli"] (DEFAULT_SESSION_INTERFACES)
   */
  readonly interfaces?: readonly SessionInterface[];
}

/** `DateLessThan aws:CurrentTime` for an expiring grant (none without an expiry). */
export function expiryCondition(expires: string | undefined): Conditions {
  return expires ? { DateLessThan: { "aws:CurrentTime": expires } } : {};
}

/**
 * Explicit denies that keep the access tag keys out of reach of every holder of the policy, whatever else it may
 * do in EC2: no CreateTags/DeleteTags naming one of the keys (adding it to an untagged instance, changing its
 * value, removing it; keys compared case-insensitively), no RunInstances that tags a new instance with one, and
 * no DeleteTags without a key list (which removes every tag) on an instance that carries one. The same keys are
 * denied on the other front doors to instance tags: the Resource Groups Tagging API (`tag:TagResources`,
 * `tag:UntagResources`; it also calls ec2:CreateTags for the caller, denied above) and EC2 Auto Scaling group tags,
 * which the Auto Scaling service-linked role copies onto every instance it launches (PropagateAtLaunch), out of
 * reach of any deny on the operator. Other tags (e.g. `Name`) stay untouched.
 */
export function tagProtectionStatements(keys: readonly string[], partition: string = "aws"): Statement[] {
  const instances = [`arn:${partition}:ec2:*:*:instance/*`];
  const literal = !Token.isUnresolved(keys);
  if (literal && keys.length === 0) return [];
  const statements: Statement[] = [
    {
      sid: "DenyAccessTagChanges",
      effect: "Deny",
      actions: ["ec2:CreateTags", "ec2:DeleteTags", "ec2:RunInstances"],
      resources: instances,
      conditions: {
        "ForAnyValue:StringEqualsIgnoreCase": {
          "aws:TagKeys": [...keys],
        },
      },
    },
    {
      sid: "DenyAccessTagChangesThroughTaggingApiAndAutoScaling",
      effect: "Deny",
      actions: [
        "tag:TagResources",
        "tag:UntagResources",
        "autoscaling:CreateAutoScalingGroup",
        "autoscaling:CreateOrUpdateTags",
      ],
      resources: ["*"],
      conditions: { "ForAnyValue:StringEqualsIgnoreCase": { "aws:TagKeys": [...keys] } },
    },
  ];
  if (literal) {
    keys.forEach((key, i) =>
      statements.push({
        sid: `DenyRemovingAllTagsOfAccessTaggedInstances${i}`,
        effect: "Deny",
        actions: ["ec2:DeleteTags"],
        resources: instances,
        conditions: { Null: { "aws:TagKeys": "true", [`ec2:ResourceTag/${key}`]: "false" } },
      }),
    );
  } else {
    // Keys known only to Terraform: deny removing all tags (no key list) on any instance.
    statements.push({
      sid: "DenyRemovingAllTagsOfInstances",
      effect: "Deny",
      actions: ["ec2:DeleteTags"],
      resources: instances,
      conditions: { Null: { "aws:TagKeys": "true" } },
    });
  }
  return statements;
}

/** `ssm:resourceTag/<key>` → allowed values, from a literal map or a Terraform map(list(string)). */
export function tagCondition(tags: Record<string, readonly string[]>): Record<string, string[]> {
  if (Token.isUnresolved(tags)) {
    return TerraformIterator.fromMap(tags).forExpressionForMap('"ssm:resourceTag/${key}"', "val") as unknown as Record<
      string,
      string[]
    >;
  }
  const literal = tags as Record<string, readonly string[]>;
  return Object.fromEntries(Object.keys(literal).map((k) => [`ssm:resourceTag/${k}`, [...literal[k]]]));
}

const DOCUMENT_CHECK = { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } };

/**
 * The identity policy of an access group, as typed statements. The shape avoids the usual mistakes: the instance
 * tag condition and the document ARNs are in separate statements (together they deny everything); every
 * StartSession allow carries `BoolIfExists ssm:SessionDocumentAccessCheck`; tags use StringEquals (IfExists would
 * also match untagged instances); Terminate/Resume are limited to the caller's own sessions through the
 * `aws:ssmmessages:session-id` system tag, which works for IAM users, roles and Identity Center alike; MFA uses
 * BoolIfExists so long-term access keys (no MFA key at all) are denied too.
 */
export function operatorStatements(p: OperatorPolicyProps): Statement[] {
  const partition = p.partition ?? "aws";
  const ssm = (resource: string) => `arn:${partition}:ssm:${p.region}:${p.account}:${resource}`;
  if (!Token.isUnresolved(p.instanceTags) && Object.keys(p.instanceTags).length === 0) {
    throw new Error(
      "operatorStatements: instanceTags must name at least one tag; without one the group would reach every instance",
    );
  }
  const until = expiryCondition(p.expires);
  const statements: Statement[] = [
    {
      sid: "StartSessionOnTaggedInstances",
      effect: "Allow",
      actions: ["ssm:StartSession"],
      resources: [`arn:${partition}:ec2:${p.region}:${p.account}:instance/*`],
      conditions: {
        StringEquals: tagCondition(p.instanceTags),
        ...DOCUMENT_CHECK,
        ...until,
      },
    },
  ];
  const expiring = p.documentExpiries ?? {};
  const documents = [
    ...p.documents.filter((d) => !expiring[d]).map((d) => ssm(`document/${d}`)),
    // AWS-owned documents have no account in their ARN; `*` also matches the empty account field.
    ...(p.ssh ? [`arn:${partition}:ssm:${p.region}:*:document/${SSH_DOCUMENT}`] : []),
  ];
  if (documents.length > 0) {
    statements.push({
      sid: "StartSessionWithAllowedDocuments",
      effect: "Allow",
      actions: ["ssm:StartSession"],
      resources: documents,
      conditions: { ...DOCUMENT_CHECK, ...until },
    });
  }
  p.documents
    .filter((d) => expiring[d])
    .forEach((d, i) =>
      statements.push({
        sid: `StartSessionWithExpiringDocument${i}`,
        effect: "Allow",
        actions: ["ssm:StartSession"],
        resources: [ssm(`document/${d}`)],
        // The earlier of the group's and the document's expiry (ISO-8601 UTC strings order like instants).
        conditions: {
          ...DOCUMENT_CHECK,
          ...expiryCondition(p.expires && p.expires < expiring[d] ? p.expires : expiring[d]),
        },
      }),
    );
  const ownSession = { StringLike: { "ssm:resourceTag/aws:ssmmessages:session-id": [PolicyVariable.USER_ID] } };
  statements.push(
    {
      // As the current Session Manager quickstart shows: the caller's own sessions only. Session ids begin with the
      // caller's name; the quickstart keys them by user id, IAM users' sessions also carry the user name.
      sid: "OpenOwnSessionDataChannel",
      effect: "Allow",
      actions: ["ssmmessages:OpenDataChannel"],
      resources: [ssm(`session/${PolicyVariable.USER_ID}-*`), ssm(`session/${PolicyVariable.USERNAME}-*`)],
      conditions: until,
    },
    {
      sid: "TerminateResumeOwnSessions",
      effect: "Allow",
      actions: ["ssm:TerminateSession", "ssm:ResumeSession"],
      resources: [ssm("session/*")],
      conditions: { ...ownSession, ...until },
    },
  );
  for (const i of checkedInterfaces(p.interfaces, "operatorStatements")) {
    if (INTERFACE_ACTIONS[i].length === 0) continue;
    statements.push({
      sid: interfaceStatementId(i),
      effect: "Allow",
      actions: [...INTERFACE_ACTIONS[i]],
      resources: ["*"],
      conditions: until,
    });
  }
  if (p.sessionKeyAlias) {
    statements.push({
      sid: "SessionKeyDataKeyByAlias",
      effect: "Allow",
      actions: ["kms:GenerateDataKey"],
      resources: [`arn:${partition}:kms:${p.region}:${p.account}:key/*`],
      conditions: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [p.sessionKeyAlias] }, ...until },
    });
  }
  const denied = UNLOGGED_DOCUMENTS.filter((d) => !(p.ssh && d === SSH_DOCUMENT));
  statements.push({
    sid: "DenyUnloggedSessionDocuments",
    effect: "Deny",
    actions: ["ssm:StartSession"],
    resources: denied.map((d) => `arn:${partition}:ssm:*:*:document/${d}`),
  });
  if (p.requireMfa) {
    statements.push({
      sid: "DenySessionsWithoutMfa",
      effect: "Deny",
      actions: ["ssm:StartSession", "ssm:ResumeSession"],
      resources: ["*"],
      conditions: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
    });
  }
  if (p.sourceCidrs && p.sourceCidrs.length > 0) {
    statements.push({
      sid: "DenySessionsFromOtherAddresses",
      effect: "Deny",
      actions: ["ssm:StartSession", "ssm:ResumeSession"],
      resources: ["*"],
      conditions: {
        NotIpAddress: { "aws:SourceIp": [...p.sourceCidrs] },
        // Absent on calls from the internet (IfExists: the deny holds there); ours through our own endpoint: no deny.
        ...(p.sourceVpcIds && p.sourceVpcIds.length > 0
          ? { StringNotEqualsIfExists: { "aws:SourceVpc": [...p.sourceVpcIds] } }
          : {}),
      },
    });
  }
  statements.push({
    sid: "DenySessionDocumentChanges",
    effect: "Deny",
    actions: [
      "ssm:UpdateDocument",
      "ssm:DeleteDocument",
      "ssm:UpdateDocumentDefaultVersion",
      "ssm:UpdateDocumentMetadata",
    ],
    resources: p.protectedDocuments.map((d) => ssm(`document/${d}`)),
  });
  const tagKeys =
    p.protectedTagKeys ??
    (Token.isUnresolved(p.instanceTags)
      ? Token.asList(Fn.keys(p.instanceTags))
      : Object.keys(p.instanceTags as Record<string, readonly string[]>));
  statements.push(...tagProtectionStatements(tagKeys, partition));
  return statements;
}
