/**
 * The module variables that have an environment-schema counterpart, with the values that probe their limits
 * (test/architecture/one-source.test.ts compares defaults, one-source.integ.ts runs the validations in Terraform).
 */
import { environmentSchema, S3_RESTRICTIVE_OPT_IN, type EnvironmentConfig } from "../../loader/schema";
import { MODULES } from "../../terraform-modules/definitions";
import { declaredVariables, type VariableSpec } from "../../terraform-modules/framework";
import { exampleInput } from "./synth";
import { DEFAULT_ACCESS_TAG_PREFIX } from "../../modules/core/defaults";

export type Env = "dev" | "staging";

export interface Case {
  readonly module: string;
  readonly variable: string;
  /** The example environment the value is set in (staging adopts a VPC). @default "dev" */
  readonly env?: Env;
  /** Puts a probe into the environment input. */
  readonly set: (input: any, v: any) => void;
  /** The schema's default of the same setting (compared with the variable's default). */
  readonly schemaDefault?: (c: EnvironmentConfig) => unknown;
  /** Values at and beyond each limit. */
  readonly probes: readonly unknown[];
  /** The probe as the module variable takes it. @default the probe */
  readonly asVariable?: (v: any) => unknown;
}

/** An example environment with every setting a case compares left to its default. */
export function defaults(env: Env): EnvironmentConfig {
  const input = structuredClone(exampleInput(env)) as any;
  input.logging = { alertEmails: input.logging?.alertEmails, cloudTrail: input.logging?.cloudTrail };
  const sharedAccount = input.sessionPreferences?.sharedAccount;
  for (const k of ["sessionPreferences", "instanceAccess", "network", "tags"]) delete input[k];
  // The shared-account opt-in is not a default: an adopted VPC's environment that owns the document must keep it.
  if (sharedAccount !== undefined) input.sessionPreferences = { sharedAccount };
  for (const v of input.vpcs) if (v.mode === "adopt") delete v.s3Gateway;
  return environmentSchema.parse(input);
}

export const schemaAccepts = (c: Case, value: unknown) => {
  const input = structuredClone(exampleInput(c.env ?? "dev")) as any;
  c.set(input, structuredClone(value));
  return environmentSchema.safeParse(input).success;
};

/** A module variable as the module declares it (a renamed input's validations tolerate its null default). */
export function variable(module: string, name: string): VariableSpec {
  const m = MODULES.find((x) => x.name === module);
  const v = m && declaredVariables(m.variables).find((x) => x.name === name);
  if (!v) throw new Error(`no variable ${name} in module ${module}`);
  return v;
}

const logging = (i: any, key: string, field: string, v: unknown) =>
  (i.logging = { ...i.logging, [key]: { ...i.logging?.[key], [field]: v } });
const group = (i: any) => i.accessGroups[0];
const adopted = (i: any) => i.vpcs[0];

const a = (n: number) => "a".repeat(n);
const TAG_PROBES = [
  { Team: "platform" },
  { "aws:owner": "x" },
  { [a(128)]: "v" },
  { [a(129)]: "v" },
  { Team: a(256) },
  { Team: a(257) },
  { "Cost Centre": "Zürich 7" },
  { "bad#key": "x" },
  { Team: "bad#value" },
  { "": "x" },
];
const ROLE_NAMES = ["a", a(64), a(65), "ab c", "a+=,.@_-b", "rôle", ""];
const CIDRS = ["10.0.0.0/8", "10.0.0.1/8", "0.0.0.0/0", "10.0.0.0/33", "2001:db8::/32", "10.0.0.0", "192.168.1.0/24"];

export const CASES: readonly Case[] = [
  {
    module: "session-logging",
    variable: "log_retention_days",
    set: (i, v) => logging(i, "cloudWatch", "retentionDays", v),
    schemaDefault: (c) => c.logging.cloudWatch.retentionDays,
    probes: [0, 1, 2, 7.5, 365, 366, 3653, 3654],
  },
  {
    module: "session-logging",
    variable: "kms_deletion_window_days",
    set: (i, v) => logging(i, "kms", "deletionWindowDays", v),
    schemaDefault: (c) => c.logging.kms.deletionWindowDays,
    probes: [6, 7, 7.5, 20, 30, 31],
  },
  {
    module: "session-logging",
    variable: "expire_days",
    set: (i, v) => logging(i, "s3", "expireDays", v),
    schemaDefault: (c) => c.logging.s3.expireDays,
    probes: [-1, 0, 0.5, 1, 1.5, 2557],
  },
  {
    module: "session-logging",
    variable: "noncurrent_expire_days",
    // The schema also requires at least expireDays (a cross-field rule the variable's own validation cannot state);
    // the probe shortens expireDays so only the variable's own limits are compared.
    set: (i, v) => {
      logging(i, "s3", "expireDays", 1);
      logging(i, "s3", "noncurrentExpireDays", v);
    },
    schemaDefault: (c) => c.logging.s3.noncurrentExpireDays,
    probes: [-1, 0, 1, 1.5, 90],
  },
  {
    module: "session-logging",
    variable: "kms_key_alias",
    set: (i, v) => logging(i, "kms", "alias", v),
    probes: ["alias/a", "alias/aws/x", "alias/awsx", "alias/", `alias/${a(250)}`, `alias/${a(251)}`, "alias/a b"],
  },
  {
    module: "session-logging",
    variable: "log_bucket_name",
    set: (i, v) => logging(i, "s3", "bucketName", v),
    probes: [
      ...["ab", "abc", a(63), a(64), "-abc", "abc-", "Abc", "a.bc", "my-logs-1"],
      ...["xn--abc", "sthree-x", "amzn-s3-demo-x", "abc-s3alias", "abc--ol-s3", "abc--x-s3", "abc--table-s3"],
    ],
  },
  {
    module: "session-preferences",
    variable: "idle_session_timeout_minutes",
    set: (i, v) => (i.sessionPreferences = { ...i.sessionPreferences, idleTimeoutMinutes: v }),
    schemaDefault: (c) => c.sessionPreferences.idleTimeoutMinutes,
    probes: [0, 1, 1.5, 20, 60, 61],
  },
  {
    module: "session-preferences",
    variable: "max_session_duration_minutes",
    set: (i, v) => (i.sessionPreferences = { ...i.sessionPreferences, maxDurationMinutes: v }),
    schemaDefault: (c) => c.sessionPreferences.maxDurationMinutes,
    probes: [0, 1, 2.5, 60, 1440, 1441],
  },
  {
    module: "session-preferences",
    variable: "run_as_default_user",
    set: (i, v) => (i.sessionPreferences = { ...i.sessionPreferences, runAs: { enabled: true, defaultUser: v } }),
    probes: ["ec2-user", "root", "_svc", "Admin", a(32), a(33), "1abc"],
  },
  {
    module: "session-preferences",
    variable: "cloudwatch_streaming",
    // The registry module has no session audit kit, which needs streaming: the environment's equivalent waives it.
    set: (i, v) => {
      logging(i, "cloudWatch", "streaming", v);
      i.audit = { waive: "the session-preferences registry module comes without the audit kit" };
    },
    schemaDefault: (c) => c.logging.cloudWatch.streaming,
    probes: [true, false],
  },
  {
    module: "instance-access",
    variable: "instance_type",
    set: (i, v) => (i.instanceAccess = { ...i.instanceAccess, instanceType: v }),
    schemaDefault: (c) => c.instanceAccess.instanceType,
    probes: ["t4g.nano", "m5.large", "u-6tb1.metal", "T3.micro", "t3", "t3.", ".large"],
  },
  {
    module: "instance-access",
    variable: "managed_instance_core",
    set: (i, v) => (i.instanceAccess = { ...i.instanceAccess, managedInstanceCore: v }),
    schemaDefault: (c) => c.instanceAccess.managedInstanceCore,
    probes: [true, false],
  },
  {
    module: "instance-access",
    variable: "legacy_agent_support",
    set: (i, v) => (i.network = { ...i.network, legacyAgentSupport: v }),
    schemaDefault: (c) => c.network.legacyAgentSupport,
    probes: [true, false],
  },
  {
    module: "instance-access",
    variable: "permissions_boundary_arn",
    set: (i, v) => (i.instanceAccess = { ...i.instanceAccess, permissionsBoundaryArn: v }),
    schemaDefault: (c) => c.instanceAccess.permissionsBoundaryArn ?? null,
    probes: [
      "arn:aws:iam::111111111111:policy/Boundary",
      "arn:aws:iam::aws:policy/PowerUserAccess",
      "arn:aws-us-gov:iam::111111111111:policy/team/Boundary",
      "arn:aws:iam::1111:policy/x",
      "arn:aws:iam::111111111111:role/x",
    ],
  },
  {
    module: "instance-access",
    variable: "instance_tags",
    set: (i, v) => (i.instanceAccess = { ...i.instanceAccess, instanceTags: v }),
    schemaDefault: (c) => c.instanceAccess.instanceTags,
    probes: TAG_PROBES,
  },
  {
    module: "instance-access",
    variable: "role_name",
    set: (i, v) => (group(i).principals = { ...group(i).principals, roleNames: [v] }),
    probes: ROLE_NAMES,
  },
  {
    module: "operator-access",
    variable: "role_names",
    set: (i, v) => (group(i).principals = { ...group(i).principals, roleNames: [v] }),
    probes: ROLE_NAMES,
    asVariable: (v) => [v],
  },
  {
    module: "operator-access",
    variable: "interfaces",
    set: (i, v) => (group(i).interfaces = v),
    // dev's first group opts into the Session Manager console; its second keeps the default.
    schemaDefault: (c) => c.accessGroups[1].interfaces,
    probes: [
      ["cli"],
      ["session-manager-console", "ec2-console"],
      ["cli", "session-manager-console", "ec2-console"],
      [],
      ["console"],
      ["cli", "cli"],
    ],
  },
  {
    module: "operator-access",
    variable: "source_cidrs",
    set: (i, v) => (group(i).sourceCidrs = [v]),
    probes: CIDRS,
    asVariable: (v) => [v],
  },
  {
    module: "operator-access",
    variable: "target_instance_tags",
    set: (i, v) => (group(i).instanceTags = v),
    // The environment files' access tag keys carry accessTagPrefix (the organization's SCP reserves them across
    // environments); the module reserves whatever keys it is given. The probes compare the tag rules themselves.
    probes: [
      ...TAG_PROBES.map((t) =>
        Object.fromEntries(Object.entries(t).map(([k, x]) => [`${DEFAULT_ACCESS_TAG_PREFIX}${k}`, [x]])),
      ),
      { [`${DEFAULT_ACCESS_TAG_PREFIX}${a(128 - DEFAULT_ACCESS_TAG_PREFIX.length)}`]: ["v"] },
      { [`${DEFAULT_ACCESS_TAG_PREFIX}${a(129 - DEFAULT_ACCESS_TAG_PREFIX.length)}`]: ["v"] },
      {},
    ],
  },
  {
    module: "network",
    variable: "vpc_id",
    env: "staging",
    set: (i, v) => (adopted(i).vpcId = v),
    probes: ["vpc-0a1b2c3d", "vpc-0a1b2c3d4e5f60718", "vpc-0a1b2c3", "vpc-0A1B2C3D", "sg-0a1b2c3d"],
  },
  {
    module: "network",
    variable: "endpoint_subnet_ids",
    env: "staging",
    set: (i, v) => (adopted(i).privateSubnets[0].id = v),
    probes: ["subnet-0a1b2c3d", "subnet-0a1b2c3d4e5f60009", "subnet-0a1b2c3d4", "rtb-0a1b2c3d"],
    asVariable: (v) => [v],
  },
  {
    module: "network",
    variable: "route_table_ids",
    env: "staging",
    set: (i, v) => (adopted(i).routeTableIds = [v]),
    probes: ["rtb-0a1b2c3d", "rtb-0a1b2c3d4e5f60009", "rtb-0a1b2c", "subnet-0a1b2c3d"],
    asVariable: (v) => [v],
  },
  {
    module: "network",
    variable: "endpoint_allowed_cidrs",
    env: "staging",
    set: (i, v) => (adopted(i).endpointAccess = { extraCidrs: [v] }),
    schemaDefault: (c) => (c.vpcs[0] as any).endpointAccess.extraCidrs,
    probes: CIDRS,
    asVariable: (v) => [v],
  },
  {
    module: "network",
    variable: "endpoint_cut_off_cidrs",
    env: "staging",
    set: (i, v) => (adopted(i).endpointAccess = { cutOffCidrs: [v] }),
    schemaDefault: (c) => (c.vpcs[0] as any).endpointAccess.cutOffCidrs,
    probes: CIDRS,
    asVariable: (v) => [v],
  },
  {
    module: "network",
    variable: "endpoint_allowed_security_group_ids",
    env: "staging",
    set: (i, v) => (adopted(i).endpointAccess = { extraSecurityGroupIds: [v] }),
    schemaDefault: (c) => (c.vpcs[0] as any).endpointAccess.extraSecurityGroupIds,
    probes: ["sg-0a1b2c3d", "sg-0a1b2c3d4e5f60009", "sg-0a1b", "vpc-0a1b2c3d"],
    asVariable: (v) => [v],
  },
  {
    // (the schema's "reuse" needs an endpoint id; reusing a gateway is construct-only in the module)
    module: "network",
    variable: "s3_gateway",
    env: "staging",
    set: (i, v) => (adopted(i).s3Gateway = { mode: v }),
    schemaDefault: (c) => (c.vpcs[0] as any).s3Gateway.mode,
    probes: ["none", "create-full-access", S3_RESTRICTIVE_OPT_IN, "create-restrictive", "bogus"],
  },
  ...MODULES.map((m): Case => ({
    module: m.name,
    variable: "tags",
    set: (i, v) => (i.tags = v),
    schemaDefault: (c) => c.tags,
    probes: TAG_PROBES,
  })),
];
