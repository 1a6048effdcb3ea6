/**
 * The environment schema, section "access": preferences, instanceAccess and accessGroups: who may open which session, with which document.
 * The schema is the single source of the `EnvironmentConfig` type, of the load-time validation and of the JSON
 * Schema editors use (`npm run schema` -> `config/environment.schema.json`). Conventions: every object is strict
 * (unknown keys are errors), every optional field has a described default, and every custom check writes its
 * message as `<value> <what is wrong>; <what is allowed>`.
 */
import { z } from "zod";
import { parseCidr } from "../cidr";
import {
  IAM_POLICY_ARN,
  IAM_ROLE_NAME,
  IDLE_SESSION_TIMEOUT_MINUTES as IDLE,
  INSTANCE_TYPE,
  LINUX_USER,
  MAX_SESSION_DURATION_MINUTES as MAX_DURATION,
  SESSION_INTERFACES,
} from "../../modules/core/limits";
import {
  DEFAULT_ACCESS_TAG_PREFIX,
  DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_MANAGED_INSTANCE_CORE,
  DEFAULT_MAX_SESSION_DURATION_MINUTES,
  DEFAULT_SESSION_INTERFACES,
} from "../../modules/core/defaults";
import { cidr, matching, name, securityGroupId, show, strict, tagKey, tagValue, tags, text } from "./primitives";

/** The access tag prefix: a tag-key start (letters, digits and _.:/=+-@, not aws:). */
export const accessTagPrefix = matching(
  /^(?!aws:)[\p{L}\p{N}_.:/=+\-@]{1,64}$/u,
  "is not an access tag prefix; allowed: 1-64 letters, digits and _.:/=+-@ (no spaces), not starting with aws:",
)
  .default(DEFAULT_ACCESS_TAG_PREFIX)
  .describe(
    "Every access group's instanceTags key starts with this prefix (e.g. bastionless:team). The operator policies and the organization's tag-protection SCP reserve exactly these keys, so they must be keys nobody else sets: never Environment or Team, which most Terraform sets through default_tags.",
  );

/** The access-tag-prefix check of one environment: every access group's instanceTags key carries the prefix. */
export function accessTagKeyIssues(env: {
  accessTagPrefix: string;
  accessGroups: readonly { instanceTags: Record<string, unknown> }[];
}): { path: (string | number)[]; message: string }[] {
  const prefix = env.accessTagPrefix;
  return env.accessGroups.flatMap((g, i) =>
    Object.keys(g.instanceTags)
      .filter((key) => !key.startsWith(prefix))
      .map((key) => ({
        path: ["accessGroups", i, "instanceTags", key],
        message: `${show(key)} is not an access tag key; access tag keys start with accessTagPrefix ${show(prefix)} (e.g. ${show(`${prefix}${key.toLowerCase().replace(/[^\p{L}\p{N}_.:/=+\-@]/gu, "-")}`)}): the operator policies and the organization's SCP reserve every access tag key, and a key other teams set (Environment, Team) would be taken from them. Rename the key on the instances and here, or set accessTagPrefix`,
      })),
  );
}

/**
 * The named opt-in to own the account-wide session preferences in an account other teams use: every session there
 * that names no document is then encrypted with this environment's key (granted to the account's principals for
 * Session Manager only) and logged to its destinations (docs/shared-accounts.md).
 */
export const SHARED_ACCOUNT_OPT_IN = "take-over-every-session-in-the-account";

export const preferencesSchema = strict({
  document: z
    .enum(["create", "adopt", "none"])
    .default("create")
    .describe(
      "create: this environment owns SSM-SessionManagerRunShell in its account+region. adopt: it already exists (the console created it); import it, then own it. none: another environment owns it.",
    ),
  idleTimeoutMinutes: z
    .number()
    .int()
    .min(IDLE.min)
    .max(IDLE.max)
    .default(DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES)
    .describe(`Idle session timeout in minutes (${IDLE.min}-${IDLE.max}).`),
  maxDurationMinutes: z
    .number()
    .int()
    .min(MAX_DURATION.min)
    .max(MAX_DURATION.max)
    .default(DEFAULT_MAX_SESSION_DURATION_MINUTES)
    .describe(`Maximum session duration in minutes (${MAX_DURATION.min}-${MAX_DURATION.max}).`),
  runAs: strict({
    enabled: z.boolean().default(false),
    defaultUser: matching(LINUX_USER, "is not a Linux user name")
      .optional()
      .describe("OS user sessions run as; required when enabled."),
  })
    .prefault({})
    .superRefine((r, ctx) => {
      if (r.enabled && !r.defaultUser)
        ctx.addIssue({
          code: "custom",
          path: ["defaultUser"],
          message: "is required when runAs.enabled is true (otherwise every session fails)",
        });
      if (r.defaultUser === "root")
        ctx.addIssue({
          code: "custom",
          path: ["defaultUser"],
          message: `"root" is not supported by Session Manager run-as`,
        });
    }),
  shellProfile: strict({ linux: z.string().default(""), windows: z.string().default("") }).prefault({}),
  waiveKmsEncryption: z
    .string()
    .min(10)
    .optional()
    .describe("A written reason to leave session data without a customer KMS key (not recommended)."),
  sharedAccount: z
    .enum([SHARED_ACCOUNT_OPT_IN])
    .optional()
    .describe(
      `The named opt-in to own SSM-SessionManagerRunShell in an account other teams use (required when the environment owns the document and adopts a VPC or the document): every session in the account+region that names no document then uses this environment's key and log destinations. ${SHARED_ACCOUNT_OPT_IN}: the key policy lets every principal of the account use the key for Session Manager sessions only (encryption context aws:ssm:SessionId/TargetId), and the agent's destination-encryption checks are off so other teams' instances need no access to the log bucket or group (docs/shared-accounts.md). @default - refused in such an environment; elsewhere the account is taken as the project's own`,
    ),
}).prefault({});

/**
 * The shared-account check of one environment: owning the account-wide preferences document where other teams
 * work (an adopted VPC, or a document the console already created) needs the named opt-in; the opt-in means
 * nothing without the document.
 */
export function sharedAccountIssues(env: {
  account: string;
  region: string;
  vpcs: readonly { name: string; mode: string }[];
  sessionPreferences: { document: string; sharedAccount?: string };
}): { path: (string | number)[]; message: string }[] {
  const prefs = env.sessionPreferences;
  const path = ["sessionPreferences", "sharedAccount"];
  if (prefs.document === "none")
    return prefs.sharedAccount === undefined
      ? []
      : [
          {
            path,
            message: `${show(prefs.sharedAccount)} has no effect with document: none (this environment does not own SSM-SessionManagerRunShell); remove it`,
          },
        ];
  if (prefs.sharedAccount !== undefined) return [];
  const adopted = env.vpcs.filter((v) => v.mode === "adopt").map((v) => v.name);
  if (adopted.length === 0 && prefs.document !== "adopt") return [];
  const why =
    adopted.length > 0
      ? `this environment adopts VPC ${adopted.map(show).join(", ")}, so other teams work in account ${env.account}`
      : "the document already exists in the account (document: adopt), so someone else uses Session Manager there";
  return [
    {
      path,
      message: `is required: ${why}, and SSM-SessionManagerRunShell applies to every session in ${env.account}/${env.region} that names no document: their users and instances would need this environment's KMS key. Set sharedAccount: ${show(SHARED_ACCOUNT_OPT_IN)} (the key is granted to the account's principals for Session Manager sessions only, docs/shared-accounts.md), or document: none to leave the document to its owner`,
    },
  ];
}

export const instanceAccessSchema = strict({
  managedInstanceCore: z
    .boolean()
    .default(DEFAULT_MANAGED_INSTANCE_CORE)
    .describe(
      "Also attach AmazonSSMManagedInstanceCore (Run Command, Patch Manager; adds ssm:GetParameter* on *). Off: least privilege.",
    ),
  permissionsBoundaryArn: matching(IAM_POLICY_ARN, "is not an IAM policy ARN")
    .optional()
    .describe("Permissions boundary for the roles this environment creates."),
  defaultHostManagement: z
    .boolean()
    .default(false)
    .describe("Turn on Default Host Management Configuration for the account+region (one owner per account+region)."),
  exampleInstance: z
    .boolean()
    .default(false)
    .describe("Launch one t4g.nano Amazon Linux 2023 instance from the hardened template, to open a session on."),
  instanceType: matching(INSTANCE_TYPE, "is not an EC2 instance type").default(DEFAULT_INSTANCE_TYPE),
  instanceTags: tags
    .default({})
    .describe("Tags the launch template puts on instances, e.g. the ones access groups match."),
}).prefault({});

/** An instant as IAM's DateLessThan reads it: ISO-8601 in UTC, to the second (`2026-12-31T18:00:00Z`). */
export const UTC_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
export const isUtcInstant = (v: string) => {
  const m = UTC_INSTANT.exec(v);
  return !!m && new Date(v).toISOString() === `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
};
export const expires = z
  .string()
  .refine(isUtcInstant, {
    error: (iss) =>
      `${show(iss.input)} is not an ISO-8601 UTC instant; write it as YYYY-MM-DDThh:mm:ssZ, e.g. "2026-12-31T18:00:00Z"`,
  })
  .describe(
    "ISO-8601 UTC instant (YYYY-MM-DDThh:mm:ssZ) after which this access ends: the policy statements get DateLessThan aws:CurrentTime, so it stops on time without a deployment. Synth warns 7 days ahead and again once it has passed (it never fails on a date); the access-expiry workflow opens a pull request that removes it.",
  );

export const portForward = strict({
  host: matching(/^[A-Za-z0-9.-]{1,253}$/, "is not a host name or IPv4 address"),
  port: z.number().int().min(1).max(65535),
  expires: expires.optional(),
  cidr: cidr
    .optional()
    .describe("Where the target is: a CIDR that holds its address. The instance SG gets egress to it on port."),
  securityGroupId: securityGroupId
    .optional()
    .describe("Where the target is: its security group (in the VPC). The instance SG gets egress to it on port."),
  vpc: name
    .optional()
    .describe("The VPC (vpcs[].name) whose instances forward to the target. @default every VPC of the environment"),
}).superRefine((t, ctx) => {
  if ((t.cidr === undefined) === (t.securityGroupId === undefined))
    ctx.addIssue({
      code: "custom",
      path: [],
      message: `${t.host}:${t.port} must say where it is with exactly one of cidr or securityGroupId (the instance security group needs an egress rule to it)`,
    });
  if (t.cidr !== undefined && parseCidr(t.cidr)?.prefix === 0)
    ctx.addIssue({
      code: "custom",
      path: ["cidr"],
      message: `${show(t.cidr)} is every address; name the network the target is in`,
    });
});

export const accessGroupSchema = strict({
  name: name.describe("Group name; used for the IAM group and document names."),
  description: text(1, 200),
  instanceTags: z
    .record(tagKey, z.array(tagValue).min(1))
    .refine((t) => Object.keys(t).length > 0, {
      error: "must name at least one tag key; an access group without a tag condition would reach every instance",
    })
    .describe("Instance tags the group may reach: tag key → allowed values (all keys must match)."),
  capabilities: strict({
    shell: z
      .boolean()
      .default(true)
      .describe("Interactive shell through the environment's logged preferences document."),
    portForwarding: z
      .array(portForward)
      .default([])
      .describe("Remote host:port pairs the group may forward to (not logged)."),
    ssh: z.boolean().default(false).describe("SSH through AWS-StartSSHSession (not logged)."),
  }).prefault({}),
  principals: strict({
    iamGroup: z
      .boolean()
      .default(false)
      .describe("Create an IAM group <project>-<environment>-<name> with the policy."),
    roleNames: z
      .array(matching(IAM_ROLE_NAME, "is not an IAM role name"))
      .default([])
      .describe("Existing IAM roles that get the policy."),
    identityCenter: strict({
      permissionSetName: matching(/^[\w+=,.@-]{1,32}$/, "is not a permission set name (1-32 chars)").describe(
        "Permission set created by the identity stack (loader/identity.yaml) for this group in this environment; unique across environments.",
      ),
      sessionDuration: matching(/^PT([1-9]|1[0-2])H$/, "is not an ISO-8601 duration between PT1H and PT12H").default(
        "PT1H",
      ),
      groups: z
        .array(matching(/^[^\x00-\x1f]{1,1024}$/, "is not an Identity Center group display name (1-1024 characters)"))
        .min(1)
        .describe(
          "Identity Center groups, by display name, assigned the permission set in this environment's account.",
        ),
    })
      .optional()
      .describe(
        "An Identity Center permission set, owned by the identity stack (loader/identity.yaml: management or delegated-admin account, home region), assigned to these groups in this environment's account.",
      ),
  }).prefault({}),
  requireMfa: z
    .boolean()
    .optional()
    .describe(
      "Deny StartSession/ResumeSession without MFA on the IAM group (IAM users). Roles and Identity Center never get this deny: federated sessions carry no aws:MultiFactorAuthPresent; enforce MFA at the identity provider (or in the trust policy of roles assumed by IAM users). @default true when iamGroup is set",
    ),
  sourceCidrs: z
    .array(cidr)
    .default([])
    .describe("Only allow sessions from these source addresses. @default no restriction"),
  expires: expires.optional(),
  interfaces: z
    .array(z.enum(SESSION_INTERFACES))
    .min(1)
    .default([...DEFAULT_SESSION_INTERFACES])
    .describe(
      `Where members may start sessions from: cli (AWS CLI/SDK with the Session Manager plugin, bastionless connect/forward), session-manager-console (Session Manager and Fleet Manager consoles), ec2-console (the EC2 console's Connect page); any combination. Each console adds its read-only prerequisites (ssm:DescribeSessions, ssm:GetConnectionStatus, ssm:DescribeInstanceProperties, ssm:DescribeInstanceInformation, ec2:DescribeInstances); none widens which instances or documents are reachable. IAM cannot tell a console request from a CLI one: a member who holds those read permissions from another policy can still use a console (docs/interfaces.md). @default ${JSON.stringify(DEFAULT_SESSION_INTERFACES)}`,
    ),
  reasonExpected: z
    .boolean()
    .default(false)
    .describe(
      "Members are expected to give a reason when they start a session (StartSession --reason). IAM cannot require one; the session audit kit lists this group's sessions started without one (audit.sessionStarts).",
    ),
}).superRefine((g, ctx) => {
  const p = g.principals;
  if (!p.iamGroup && p.roleNames.length === 0 && !p.identityCenter) {
    ctx.addIssue({
      code: "custom",
      path: ["principals"],
      message: "names no principal; set iamGroup, roleNames or identityCenter",
    });
  }
  if (g.requireMfa === true && !p.iamGroup) {
    ctx.addIssue({
      code: "custom",
      path: ["requireMfa"],
      message:
        "true applies only to an IAM group (IAM users), and this group has none; role and Identity Center sessions carry no aws:MultiFactorAuthPresent, so enforce MFA at the identity provider or in the role's trust policy, and remove requireMfa",
    });
  }
  if (!g.capabilities.shell && g.capabilities.portForwarding.length === 0 && !g.capabilities.ssh) {
    ctx.addIssue({
      code: "custom",
      path: ["capabilities"],
      message: "grants nothing; enable shell, portForwarding or ssh",
    });
  }
  g.interfaces.forEach((v, i) => {
    if (g.interfaces.indexOf(v) !== i)
      ctx.addIssue({
        code: "custom",
        path: ["interfaces", i],
        message: `${show(v)} is listed twice; name each interface once`,
      });
  });
  for (const c of g.sourceCidrs) {
    if (parseCidr(c)?.prefix === 0)
      ctx.addIssue({
        code: "custom",
        path: ["sourceCidrs"],
        message: `${show(c)} allows every address; omit sourceCidrs instead`,
      });
  }
});
