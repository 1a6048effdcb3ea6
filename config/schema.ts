/**
 * The environment schema: the single source of the `EnvironmentConfig` type, of the load-time validation and
 * of the JSON Schema editors use (`npm run schema` → `config/environment.schema.json`).
 *
 * Conventions: every object is strict (unknown keys are errors), every optional field has a described default,
 * and every custom check writes its message as `<value> <what is wrong>; <what is allowed>`.
 */
import { z } from "zod";
import { AWS_REGIONS, availabilityZones, closestRegion, isRegion, REGIONS } from "./regions";
import { didYouMean } from "./suggest";
import { tagIssues } from "./tags";
import { nameLengthIssues } from "./name-lengths";
import { CLOUD_TRAIL_REQUIRED, cloudTrailSchema } from "./cloud-trail";
import { canonical, contains, isCanonical, overlaps, parseCidr } from "./cidr";
import {
  BUCKET_NAME,
  ec2Id,
  IAM_POLICY_ARN,
  IAM_ROLE_NAME,
  IDLE_SESSION_TIMEOUT_MINUTES as IDLE,
  INSTANCE_TYPE,
  KMS_ALIAS,
  KMS_DELETION_WINDOW_DAYS as KMS_WINDOW,
  LINUX_USER,
  LOG_RETENTION_DAYS,
  MAX_SESSION_DURATION_MINUTES as MAX_DURATION,
  TAG_KEY,
  TAG_VALUE,
} from "../modules/core/limits";
import { RULE_IDS } from "../modules/guardrails/rule-ids";
import { INTERFACE_SERVICES, neededInterfaceServices, type InterfaceService } from "../modules/core/endpoint-services";
import {
  DEFAULT_CLOUDWATCH_STREAMING,
  DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_KMS_DELETION_WINDOW_DAYS,
  DEFAULT_LEGACY_AGENT_SUPPORT,
  DEFAULT_LOG_EXPIRE_DAYS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_MANAGED_INSTANCE_CORE,
  DEFAULT_MAX_SESSION_DURATION_MINUTES,
  DEFAULT_NONCURRENT_EXPIRE_DAYS,
} from "../modules/core/defaults";

/** A strict object whose unknown-key error lists the keys that are allowed. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (allowed: ${allowed})${issue.keys.length === 1 ? didYouMean(String(issue.keys[0]), Object.keys(shape)) : ""}`
        : undefined,
  });
}

const show = (value: unknown) => JSON.stringify(value);

export function matching(pattern: RegExp, what: string) {
  return z.string().refine((v) => pattern.test(v), { error: (iss) => `${show(iss.input)} ${what}` });
}

export const accountId = matching(
  /^\d{12}$/,
  "is not an AWS account id; expected exactly 12 digits, quoted in YAML",
).describe("AWS account id, 12 digits. Quote it in YAML so leading zeros survive.");

export const region = z
  .string()
  .refine(isRegion, {
    error: (iss) => {
      const near = typeof iss.input === "string" ? closestRegion(iss.input) : undefined;
      return `${show(iss.input)} is not a known AWS region${near ? `; did you mean ${show(near)}?` : ""} (known: ${REGIONS.join(", ")}; a library user can add one with registerRegion)`;
    },
  })
  .meta({ enum: Object.keys(AWS_REGIONS) })
  .describe("AWS region code, e.g. eu-west-1 (config/aws-regions.ts lists the known ones).");

const cidr = z
  .string()
  .refine((v) => parseCidr(v) !== undefined, {
    error: (iss) => `${show(iss.input)} is not an IPv4 CIDR (a.b.c.d/n, n ≤ 32)`,
    abort: true,
  })
  .refine(
    (v) => {
      const c = parseCidr(v);
      return c === undefined || isCanonical(c);
    },
    {
      error: (iss) =>
        `${show(iss.input)} has host bits set; did you mean ${show(canonical(parseCidr(iss.input as string)!))}?`,
      abort: true,
    },
  )
  .describe("IPv4 CIDR block in canonical form, e.g. 10.20.0.0/16.");

const awsCidr = cidr.refine(
  (v) => {
    const p = parseCidr(v)?.prefix ?? 16;
    return p >= 16 && p <= 28;
  },
  {
    error: (iss) =>
      `${show(iss.input)} has a prefix length AWS does not allow for a VPC or subnet; allowed: /16 to /28`,
  },
);

export const bucketName = matching(
  BUCKET_NAME,
  "is not a valid S3 bucket name; allowed: 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, " +
    "no prefix xn--, sthree- or amzn-s3-demo-, no suffix -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3",
).describe("S3 bucket name (3-63 chars, lowercase letters, digits, hyphens).");

const tagKey = matching(
  TAG_KEY,
  "is not a valid tag key; 1-128 letters, digits, spaces and _.:/=+-@, not starting with aws:",
);
const tagValue = matching(TAG_VALUE, "is not a valid tag value; up to 256 letters, digits, spaces and _.:/=+-@");
const tags = z.record(tagKey, tagValue);

export const name = matching(
  /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/,
  "is not a valid name; allowed: 2-24 lowercase letters, digits and hyphens, starting with a letter",
);

const subnetId = matching(ec2Id("subnet"), "is not a subnet id (subnet- followed by 8 or 17 hex digits)");
const routeTableId = matching(ec2Id("rtb"), "is not a route table id (rtb- followed by 8 or 17 hex digits)");
const vpcId = matching(ec2Id("vpc"), "is not a VPC id (vpc- followed by 8 or 17 hex digits)");
const vpcEndpointId = matching(ec2Id("vpce"), "is not a VPC endpoint id (vpce- followed by 8 or 17 hex digits)");
const securityGroupId = matching(ec2Id("sg"), "is not a security group id (sg- followed by 8 or 17 hex digits)");
const azName = matching(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "is not an availability-zone name like eu-west-1a");

const cloudSchema = strict({
  organization: matching(
    /^[A-Za-z0-9_-]{1,64}$/,
    "is not an HCP Terraform organization name (letters, digits, _ and -)",
  ),
  workspace: matching(/^[A-Za-z0-9_-]{1,90}$/, "is not a workspace name (letters, digits, _ and -, at most 90)"),
  hostname: matching(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, "is not a host name")
    .default("app.terraform.io")
    .describe("app.terraform.io for HCP Terraform, your host name for Terraform Enterprise."),
  project: z
    .string()
    .min(1)
    .optional()
    .describe("HCP Terraform project of the workspace. @default the organization's default project"),
}).describe("Keep this environment's state in HCP Terraform / Terraform Enterprise (a `cloud` block) instead of S3.");

export const stateSchema = strict({
  bucket: bucketName
    .optional()
    .describe(
      "S3 bucket that holds this environment's Terraform state (created by the bootstrap stack). Required unless cloud is set.",
    ),
  cloud: cloudSchema.optional(),
  keyPrefix: matching(
    /^[A-Za-z0-9_.\-/]*[A-Za-z0-9_.-]$/,
    "is not a valid key prefix; letters, digits, _.-/ and no trailing /",
  )
    .default("bastionless")
    .describe("Prefix of the state object key; the key is <keyPrefix>/<environment>.tfstate."),
  region: region.optional().describe("Region of the state bucket. @default the environment's region"),
  locking: z
    .enum(["lockfile", "dynamodb", "both"])
    .default("lockfile")
    .describe(
      "lockfile: S3-native locking (use_lockfile, Terraform >= 1.10). dynamodb: a DynamoDB lock table (deprecated by HashiCorp). both: during a migration.",
    ),
  dynamodbTable: matching(/^[A-Za-z0-9_.-]{3,255}$/, "is not a DynamoDB table name (3-255 of A-Za-z0-9_.-)")
    .optional()
    .describe("DynamoDB lock table, required when locking is dynamodb or both."),
  bootstrapRoleArn: matching(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "is not an IAM role ARN")
    .optional()
    .describe(
      "Role the bootstrap stack assumes to create the state bucket in this account. @default - the caller's own credentials, which must then be in this account",
    ),
}).superRefine((s, ctx) => {
  if (!s.bucket && !s.cloud)
    ctx.addIssue({ code: "custom", path: ["bucket"], message: "is required unless cloud is set (HCP Terraform)" });
  if (s.bucket && s.cloud)
    ctx.addIssue({
      code: "custom",
      path: ["cloud"],
      message: `is set together with bucket ${show(s.bucket)}; choose one backend: remove bucket (HCP Terraform) or cloud (S3)`,
    });
  if (s.locking !== "lockfile" && !s.dynamodbTable) {
    ctx.addIssue({
      code: "custom",
      path: ["dynamodbTable"],
      message: `is required when locking is ${show(s.locking)}`,
    });
  }
  if (s.locking === "lockfile" && s.dynamodbTable) {
    ctx.addIssue({
      code: "custom",
      path: ["dynamodbTable"],
      message: `${show(s.dynamodbTable)} is set but locking is "lockfile"; set locking to "dynamodb" or "both", or remove it`,
    });
  }
});

const createdSubnet = strict({
  cidr: awsCidr,
  availabilityZone: azName.describe("Availability zone of the subnet, e.g. eu-west-1a."),
});
const adoptedSubnet = strict({
  id: subnetId,
  cidr: awsCidr.describe("The subnet's CIDR (used for NACL rules and checked against the VPC CIDR)."),
  availabilityZone: azName,
});

const vpcCommon = {
  name: name.describe("Short name of the VPC within the environment; used in resource names."),
  cidr: awsCidr.describe("The VPC's primary IPv4 CIDR."),
  endpointAzs: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      "How many availability zones get an interface-endpoint ENI (each AZ is billed per endpoint-hour). @default every AZ that has a private subnet",
    ),
};

const createdVpc = strict({
  ...vpcCommon,
  mode: z.literal("create").describe("Create a private-only VPC: no internet gateway, no NAT."),
  privateSubnets: z.array(createdSubnet).min(1).describe("Private subnets to create, one or more per AZ."),
  networkAcl: z
    .boolean()
    .default(true)
    .describe("Manage a stateless NACL on the private subnets. @default true for a created VPC"),
  flowLogRetentionDays: z
    .union(LOG_RETENTION_DAYS.map((d) => z.literal(d)))
    .default(DEFAULT_LOG_RETENTION_DAYS)
    .describe("Retention of the VPC flow-log group."),
});

/** The interface endpoint services an environment may need: the one list, modules/core/endpoint-services.ts. */
export { INTERFACE_SERVICES, type InterfaceService };

/** The named opt-in for a restrictive S3 gateway on adopted route tables; the name says what it breaks. */
export const S3_RESTRICTIVE_OPT_IN = "create-restrictive-breaks-other-s3-traffic";
/** The named opt-in for a managed NACL on adopted subnets; the name says what it breaks. */
export const NACL_OPT_IN = "replace-subnet-acls-blocking-undeclared-traffic";

const VPC_ENDPOINT_ID = ec2Id("vpce");
const endpointChoice = z
  .string()
  .refine((v) => v === "create" || v === "reuse" || VPC_ENDPOINT_ID.test(v), {
    error: (iss) =>
      `${show(iss.input)} is not allowed; allowed: "create", "reuse" (the VPC's endpoint for the service, found by service name) or a vpce-… id (vpce- followed by 8 or 17 hex digits)`,
  })
  .describe(
    "create: a new endpoint with private DNS (it then answers the whole VPC, so it admits 443 from the VPC CIDR). reuse: the VPC's existing endpoint for the service, found by service name. vpce-…: that existing endpoint.",
  );

/** A CIDR other than /0 (every address); `instead` says what to list. */
const notEveryAddress = (instead: string) =>
  cidr.refine((c) => parseCidr(c)?.prefix !== 0, {
    error: (iss) => `${show(iss.input)} is every address; ${instead}`,
  });

const adoptedVpc = strict({
  ...vpcCommon,
  mode: z.literal("adopt").describe("Adopt an existing VPC by ids: add what is missing, change nothing that exists."),
  vpcId,
  privateSubnets: z
    .array(adoptedSubnet)
    .min(1)
    .describe("The private subnets that get endpoint ENIs (checked at plan time: in the VPC, in this AZ)."),
  routeTableIds: z
    .array(routeTableId)
    .default([])
    .describe(
      "Route tables of the private subnets (checked at plan time: in the VPC). Only an S3 gateway this stack creates is attached to them.",
    ),
  interfaceEndpoints: z
    .partialRecord(z.enum(INTERFACE_SERVICES), endpointChoice)
    .default({})
    .describe(
      "Per service (ssm, ssmmessages, ec2messages, logs, kms): create, reuse or a vpce-… id. @default create for every service the environment needs",
    ),
  endpointAccess: strict({
    extraCidrs: z
      .array(notEveryAddress("list the networks that use the endpoints"))
      .default([])
      .describe(
        "CIDRs besides the VPC CIDR that reach the created endpoints on 443 (e.g. secondary VPC CIDRs). The plan fails while the VPC has a secondary CIDR block that none of them contains.",
      ),
    extraSecurityGroupIds: z
      .array(securityGroupId)
      .default([])
      .describe("Security groups besides the VPC CIDR that reach the created endpoints on 443."),
    cutOffCidrs: z
      .array(notEveryAddress("list the secondary blocks to leave out"))
      .default([])
      .describe(
        "Opt-in: secondary CIDR blocks of the VPC deliberately not admitted to the created endpoints (the plan otherwise fails on them, because private DNS sends their workloads to endpoints that drop them: they lose SSM, CloudWatch Logs and KMS). Only for blocks whose workloads reach the endpoints through extraSecurityGroupIds, or are to lose those services.",
      ),
  })
    .superRefine((a, ctx) => {
      a.cutOffCidrs.forEach((c, i) => {
        const cut = parseCidr(c);
        const admitted = a.extraCidrs.find((x) => {
          const e = parseCidr(x);
          return cut && e && overlaps(e, cut);
        });
        if (admitted)
          ctx.addIssue({
            code: "custom",
            path: ["cutOffCidrs", i],
            message: `${show(c)} overlaps extraCidrs ${show(admitted)}: a block is either admitted or cut off; list it in one of them`,
          });
      });
    })
    .prefault({})
    .describe(
      "Who else reaches endpoints this stack creates. The VPC CIDR always does: private DNS sends every workload in the VPC to them.",
    ),
  s3Gateway: strict({
    mode: z
      .enum(["none", "reuse", "create-full-access", S3_RESTRICTIVE_OPT_IN])
      .default("none")
      .describe(
        `none: no gateway is created (S3 traffic keeps its current path). reuse: the existing gateway endpoint endpointId (its policy must allow the statements in the stack output s3_gateway_required_statements_<vpc>). create-full-access: a gateway on routeTableIds with a full-access policy. ${S3_RESTRICTIVE_OPT_IN}: a gateway whose policy only allows the agent and log buckets, which denies every other workload's S3 traffic from those route tables.`,
      ),
    endpointId: vpcEndpointId.optional().describe("The existing S3 gateway endpoint, required when mode is reuse."),
  })
    .prefault({})
    .superRefine((g, ctx) => {
      if (g.mode === "reuse" && !g.endpointId)
        ctx.addIssue({ code: "custom", path: ["endpointId"], message: 'is required when mode is "reuse"' });
      if (g.mode !== "reuse" && g.endpointId)
        ctx.addIssue({
          code: "custom",
          path: ["endpointId"],
          message: `${show(g.endpointId)} is set but mode is ${show(g.mode)}; set mode to "reuse" or remove it`,
        });
    })
    .describe("The S3 gateway endpoint of an adopted VPC. @default none: existing route tables are not touched"),
  sharedEndpointsFrom: name
    .optional()
    .describe(
      "Another environment that adopts the same VPC in the same account and region and owns its endpoints: this one creates no endpoints and reuses that one's.",
    ),
  networkAcl: z
    .union([z.literal(false), z.literal(NACL_OPT_IN)], {
      error: (iss) =>
        `${show(iss.input)} is not allowed; a managed NACL replaces the adopted subnets' NACL and blocks every flow the config does not declare (NAT, other ports, other workloads). Allowed: false, or the opt-in ${show(NACL_OPT_IN)}`,
    })
    .default(false)
    .describe(
      `false: the subnets keep their NACL. ${NACL_OPT_IN}: replace it with a managed NACL that allows only the flows the config declares (endpoints, S3, port-forward targets, endpointAccess CIDRs) and blocks everything else.`,
    ),
}).superRefine((v, ctx) => {
  const gw = v.s3Gateway.mode;
  if ((gw === "create-full-access" || gw === S3_RESTRICTIVE_OPT_IN) && v.routeTableIds.length === 0)
    ctx.addIssue({
      code: "custom",
      path: ["routeTableIds"],
      message: `is empty, but s3Gateway.mode ${show(gw)} attaches a gateway to route tables; list them`,
    });
  if (v.sharedEndpointsFrom) {
    for (const [service, choice] of Object.entries(v.interfaceEndpoints)) {
      if (choice === "create")
        ctx.addIssue({
          code: "custom",
          path: ["interfaceEndpoints", service],
          message: `"create" contradicts sharedEndpointsFrom ${show(v.sharedEndpointsFrom)}: an environment that shares another's endpoints creates none; use "reuse" or a vpce-… id`,
        });
    }
    if (gw === "create-full-access" || gw === S3_RESTRICTIVE_OPT_IN)
      ctx.addIssue({
        code: "custom",
        path: ["s3Gateway", "mode"],
        message: `${show(gw)} contradicts sharedEndpointsFrom ${show(v.sharedEndpointsFrom)}; use "none" or "reuse"`,
      });
  }
});

const vpcSchema = z.discriminatedUnion("mode", [createdVpc, adoptedVpc], {
  error: (iss) =>
    iss.code === "invalid_union" && iss.note === "No matching discriminator"
      ? `allowed: "create" (a new private-only VPC) or "adopt" (an existing VPC by ids)`
      : undefined,
});

const networkSchema = strict({
  legacyAgentSupport: z
    .boolean()
    .default(DEFAULT_LEGACY_AGENT_SUPPORT)
    .describe(
      "Keep the ec2messages endpoint and instance permissions for SSM Agent < 3.3.40.0. Set false once every agent is >= 3.3.40.0 (saves one endpoint per AZ).",
    ),
  securityGroupLayout: z
    .enum(["separate", "shared"])
    .default("separate")
    .describe(
      "separate: an endpoint SG (ingress 443 from the instance SG only) and an instance SG (no ingress). shared: one SG, 443 between members.",
    ),
}).prefault({});

const s3LoggingSchema = strict({
  enabled: z.boolean().default(true).describe("Write session transcripts to the S3 log bucket."),
  bucketName: bucketName
    .optional()
    .describe("Name of the log bucket. @default <project>-<environment>-session-logs-<account>"),
  transitionToInfrequentAccessDays: z
    .number()
    .int()
    .min(30)
    .optional()
    .describe("Move log objects to STANDARD_IA after this many days (S3 requires ≥ 30). @default no transition"),
  expireDays: z
    .number()
    .int()
    .min(1)
    .default(DEFAULT_LOG_EXPIRE_DAYS)
    .describe(`Delete current log objects after this many days. @default ${DEFAULT_LOG_EXPIRE_DAYS} (7 years)`),
  noncurrentExpireDays: z
    .number()
    .int()
    .min(1)
    .default(DEFAULT_NONCURRENT_EXPIRE_DAYS)
    .describe("Delete noncurrent versions after this many days."),
  objectLock: strict({
    mode: z.enum(["GOVERNANCE", "COMPLIANCE"]),
    days: z
      .number()
      .int()
      .refine((d) => d > 0, { error: (iss) => `${show(iss.input)} is not a positive number of days` }),
  })
    .optional()
    .describe("Default Object Lock retention for log objects. @default no Object Lock"),
  accessLogBucket: bucketName
    .optional()
    .describe("Existing bucket that receives S3 server access logs for the log bucket. @default no access logging"),
}).prefault({});

const cloudWatchLoggingSchema = strict({
  enabled: z.boolean().default(true).describe("Write session transcripts to a CloudWatch log group."),
  retentionDays: z
    .union(
      LOG_RETENTION_DAYS.map((d) => z.literal(d)),
      {
        error: (iss) =>
          `${show(iss.input)} is not a retention CloudWatch Logs accepts; allowed: ${LOG_RETENTION_DAYS.join(", ")}`,
      },
    )
    .default(DEFAULT_LOG_RETENTION_DAYS)
    .describe("Log retention in days; only the values CloudWatch Logs accepts."),
  streaming: z
    .boolean()
    .default(DEFAULT_CLOUDWATCH_STREAMING)
    .describe("Stream session data continually (logs survive an instance that stops mid-session)."),
}).prefault({});

const kmsSchema = strict({
  alias: matching(
    KMS_ALIAS,
    "is not a valid KMS alias; must start with alias/, not alias/aws/, and use only letters, digits, /, _ and -",
  )
    .optional()
    .describe("Alias of the session key. @default alias/<project>-<environment>-sessions"),
  deletionWindowDays: z
    .number()
    .int()
    .min(KMS_WINDOW.min)
    .max(KMS_WINDOW.max)
    .default(DEFAULT_KMS_DELETION_WINDOW_DAYS)
    .describe(`Waiting period before the key is deleted (${KMS_WINDOW.min}-${KMS_WINDOW.max} days).`),
}).prefault({});

const loggingObject = strict({
  s3: s3LoggingSchema,
  cloudWatch: cloudWatchLoggingSchema,
  kms: kmsSchema,
  waiveLogging: z
    .string()
    .min(10)
    .optional()
    .describe("A written reason, required to turn both S3 and CloudWatch logging off. Sessions are then not recorded."),
  alertEmails: z
    .array(z.email({ error: (iss) => `${show(iss.input)} is not an email address` }))
    .default([])
    .describe("Addresses subscribed to the session audit topic (each must confirm the subscription)."),
  // Required, but checked below rather than by the structure, so its absence is reported with every other problem.
  cloudTrail: cloudTrailSchema.optional(),
});
const loggingSchema = loggingObject.prefault({}).superRefine((l, ctx) => {
  if (l.cloudTrail === undefined)
    ctx.addIssue({ code: "custom", path: ["cloudTrail"], message: CLOUD_TRAIL_REQUIRED, input: undefined });
  if (l.cloudTrail?.create && !l.s3.enabled)
    ctx.addIssue({
      code: "custom",
      path: ["cloudTrail", "create"],
      message:
        "needs logging.s3.enabled: the created trail delivers into the session-log bucket; enable S3 logging, or name an existing trail",
    });
  if (!l.s3.enabled && !l.cloudWatch.enabled && !l.waiveLogging) {
    ctx.addIssue({
      code: "custom",
      path: ["waiveLogging"],
      message:
        "is required when both s3.enabled and cloudWatch.enabled are false; give the reason sessions need not be recorded",
    });
  }
});

const preferencesSchema = strict({
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
}).prefault({});

const instanceAccessSchema = strict({
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
    "ISO-8601 UTC instant (YYYY-MM-DDThh:mm:ssZ) after which this access ends: the policy statements get DateLessThan aws:CurrentTime, so it stops on time without a deployment. Synth warns 7 days ahead and fails once it has passed (remove the grant in a pull request).",
  );

const portForward = strict({
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

const accessGroupSchema = strict({
  name: name.describe("Group name; used for the IAM group and document names."),
  description: z.string().min(1).max(200),
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
        "Permission set created by the identity stack (config/identity.yaml) for this group in this environment; unique across environments.",
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
        "An Identity Center permission set, owned by the identity stack (config/identity.yaml: management or delegated-admin account, home region), assigned to these groups in this environment's account.",
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
  for (const c of g.sourceCidrs) {
    if (parseCidr(c)?.prefix === 0)
      ctx.addIssue({
        code: "custom",
        path: ["sourceCidrs"],
        message: `${show(c)} allows every address; omit sourceCidrs instead`,
      });
  }
});

const guardrailsSchema = strict({
  minLogRetentionDays: z
    .number()
    .int()
    .min(1)
    .default(DEFAULT_LOG_RETENTION_DAYS)
    .describe("Log groups must keep logs at least this long."),
  suppressions: z
    .array(
      strict({
        rule: z.enum(RULE_IDS).describe("Guardrail rule id (docs/guardrails.md)."),
        path: z
          .string()
          .min(1)
          .describe(
            "Construct path relative to the stack (e.g. SessionPreferences or Network/main/Endpoints); the suppression covers it and everything below it.",
          ),
        reason: z.string().min(10).describe("Why the finding is acceptable here; shown in the synth summary."),
      }),
    )
    .default([]),
}).prefault({});

export const environmentSchema = strict({
  name: name.describe("Environment name; must equal the file name without .yaml."),
  project: name.default("bastionless").describe("Project name used in resource names and the Project tag."),
  account: accountId,
  region,
  state: stateSchema,
  tags: tags.default({}).describe("Tags added to every resource, besides Project, Environment and ManagedBy."),
  vpcs: z.array(vpcSchema).min(1).describe("The VPCs whose private instances are reached through Session Manager."),
  network: networkSchema,
  logging: loggingSchema,
  sessionPreferences: preferencesSchema,
  instanceAccess: instanceAccessSchema,
  accessGroups: z.array(accessGroupSchema).default([]),
  guardrails: guardrailsSchema,
  promotion: strict({
    after: name
      .optional()
      .describe(
        "Environment whose apply must succeed before this one is applied on merge (dev → staging → prod). @default - applied in the first stage",
      ),
  })
    .prefault({})
    .describe(
      "Where this environment sits in the merge pipeline's promotion order (.github/scripts/environments.mjs).",
    ),
}).superRefine((env, ctx) => {
  for (const t of tagIssues(env)) ctx.addIssue({ code: "custom", path: t.path, message: t.message });
  for (const n of nameLengthIssues(env)) ctx.addIssue({ code: "custom", path: n.path, message: n.message });
  if (env.promotion.after === env.name)
    ctx.addIssue({
      code: "custom",
      path: ["promotion", "after"],
      message: `${show(env.name)} is this environment itself`,
    });
  const regionAzs = availabilityZones(env.region);
  const vpcNames = new Set<string>();
  env.vpcs.forEach((vpc, i) => {
    const at = (...p: (string | number)[]) => ["vpcs", i, ...p];
    if (vpcNames.has(vpc.name))
      ctx.addIssue({
        code: "custom",
        path: at("name"),
        message: `${show(vpc.name)} is used by another VPC of this environment`,
      });
    vpcNames.add(vpc.name);
    const vpcCidr = parseCidr(vpc.cidr);
    const seenIds = new Set<string>();
    const subnetCidrs: { cidr: ReturnType<typeof parseCidr>; index: number }[] = [];
    vpc.privateSubnets.forEach((s, j) => {
      if (regionAzs.length > 0 && !regionAzs.includes(s.availabilityZone)) {
        ctx.addIssue({
          code: "custom",
          path: at("privateSubnets", j, "availabilityZone"),
          message: `${show(s.availabilityZone)} is not an availability zone of ${env.region}; allowed: ${regionAzs.join(", ")}`,
        });
      }
      const c = parseCidr(s.cidr);
      if (vpcCidr && c && isCanonical(vpcCidr) && !contains(vpcCidr, c)) {
        ctx.addIssue({
          code: "custom",
          path: at("privateSubnets", j, "cidr"),
          message: `${show(s.cidr)} is outside the VPC CIDR ${vpc.cidr}`,
        });
      }
      for (const other of subnetCidrs) {
        if (c && other.cidr && overlaps(c, other.cidr)) {
          ctx.addIssue({
            code: "custom",
            path: at("privateSubnets", j, "cidr"),
            message: `${show(s.cidr)} overlaps privateSubnets[${other.index}].cidr ${other.cidr.text}`,
          });
        }
      }
      subnetCidrs.push({ cidr: c, index: j });
      const id = "id" in s ? (s.id as string) : undefined;
      if (id !== undefined) {
        if (seenIds.has(id))
          ctx.addIssue({ code: "custom", path: at("privateSubnets", j, "id"), message: `${show(id)} is listed twice` });
        seenIds.add(id);
      }
    });
    const azs = new Set(vpc.privateSubnets.map((s) => s.availabilityZone));
    if (vpc.endpointAzs !== undefined) {
      if (regionAzs.length > 0 && vpc.endpointAzs > regionAzs.length) {
        ctx.addIssue({
          code: "custom",
          path: at("endpointAzs"),
          message: `${vpc.endpointAzs} is more availability zones than ${env.region} offers (${regionAzs.length})`,
        });
      } else if (vpc.endpointAzs > azs.size) {
        ctx.addIssue({
          code: "custom",
          path: at("endpointAzs"),
          message: `${vpc.endpointAzs} asks for more AZs than the private subnets cover (${azs.size}: ${[...azs].join(", ")}); add subnets or lower endpointAzs`,
        });
      }
    }
    if (vpc.mode === "adopt") {
      const rt = new Set<string>();
      vpc.routeTableIds.forEach((id, j) => {
        if (rt.has(id))
          ctx.addIssue({ code: "custom", path: at("routeTableIds", j), message: `${show(id)} is listed twice` });
        rt.add(id);
      });
      const needed = neededServices(env);
      for (const service of Object.keys(vpc.interfaceEndpoints)) {
        if (!(needed as string[]).includes(service))
          ctx.addIssue({
            code: "custom",
            path: at("interfaceEndpoints", service),
            message: `this environment needs no ${service} endpoint (it needs ${needed.join(", ")}); remove the entry`,
          });
      }
      const creates =
        !vpc.sharedEndpointsFrom &&
        needed.some((svc) => (vpc.interfaceEndpoints[svc as InterfaceService] ?? "create") === "create");
      if (creates && env.network.securityGroupLayout === "shared")
        ctx.addIssue({
          code: "custom",
          path: ["network", "securityGroupLayout"],
          message: `"shared" cannot be used with adopted VPC ${show(vpc.name)}: its endpoints must admit the whole VPC CIDR (private DNS), and a shared group would then admit it to the instances too; use "separate"`,
        });
      if (vpc.sharedEndpointsFrom === env.name)
        ctx.addIssue({
          code: "custom",
          path: at("sharedEndpointsFrom"),
          message: `${show(vpc.sharedEndpointsFrom)} is this environment; name the environment that owns the endpoints`,
        });
    }
  });
  env.accessGroups.forEach((g, i) => {
    g.capabilities.portForwarding.forEach((t, j) => {
      const at = ["accessGroups", i, "capabilities", "portForwarding", j];
      if (t.vpc !== undefined && !vpcNames.has(t.vpc))
        ctx.addIssue({
          code: "custom",
          path: [...at, "vpc"],
          message: `${show(t.vpc)} is not a VPC of this environment; allowed: ${[...vpcNames].join(", ")}`,
        });
      if (t.vpc === undefined && t.securityGroupId !== undefined && env.vpcs.length > 1)
        ctx.addIssue({
          code: "custom",
          path: [...at, "vpc"],
          message: `is required for a securityGroupId target when the environment has several VPCs (a security group belongs to one VPC)`,
        });
    });
  });
  const groupNames = new Set<string>();
  env.accessGroups.forEach((g, i) => {
    if (groupNames.has(g.name))
      ctx.addIssue({
        code: "custom",
        path: ["accessGroups", i, "name"],
        message: `${show(g.name)} is used by another access group`,
      });
    groupNames.add(g.name);
  });
});

/** The interface endpoint services an environment needs, in the order the stack creates them. */
export function neededServices(env: {
  network: { legacyAgentSupport: boolean };
  logging: { cloudWatch: { enabled: boolean } };
  sessionPreferences: { waiveKmsEncryption?: string };
}): InterfaceService[] {
  return neededInterfaceServices({
    legacyAgentSupport: env.network.legacyAgentSupport,
    cloudWatchLogging: env.logging.cloudWatch.enabled,
    kmsEncryption: env.sessionPreferences.waiveKmsEncryption === undefined,
  });
}

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type VpcConfig = EnvironmentConfig["vpcs"][number];
export type AccessGroupConfig = EnvironmentConfig["accessGroups"][number];
export type LoggingConfig = EnvironmentConfig["logging"];
export type StateConfig = EnvironmentConfig["state"];
