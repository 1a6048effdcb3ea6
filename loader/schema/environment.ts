/**
 * The environment schema, section "environment": The environment: every section together, the cross-field checks, and the derived types.
 * The schema is the single source of the `EnvironmentConfig` type, of the load-time validation and of the JSON
 * Schema editors use (`npm run schema` -> `config/environment.schema.json`). Conventions: every object is strict
 * (unknown keys are errors), every optional field has a described default, and every custom check writes its
 * message as `<value> <what is wrong>; <what is allowed>`.
 */
import { z } from "zod";
import { availabilityZones } from "../regions";
import { tagIssues } from "../tags";
import { nameLengthIssues } from "../name-lengths";
import { contains, isCanonical, overlaps, parseCidr } from "../cidr";
import { RULE_IDS } from "../../modules/guardrails/rule-ids";
import { neededInterfaceServices, type InterfaceService } from "../../modules/core/endpoint-services";
import { DEFAULT_LOG_RETENTION_DAYS } from "../../modules/core/defaults";
import { accountId, matching, name, region, show, strict, tags, text } from "./primitives";
import { stateSchema } from "./state";
import { networkSchema, vpcSchema } from "./network";
import { loggingSchema, transcriptRoleIssues } from "./logging";
import {
  accessGroupSchema,
  accessTagKeyIssues,
  accessTagPrefix,
  instanceAccessSchema,
  preferencesSchema,
  sharedAccountIssues,
} from "./access";
import { auditIssues, auditSchema } from "./audit";
import { breakGlassIssues, breakGlassSchema } from "./break-glass";

/** A CODEOWNERS owner: a GitHub user `@login` or team `@org/team` (e-mail owners are not reviewers of a check). */
export const GITHUB_OWNER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?$/;

export const guardrailsSchema = strict({
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
        reason: text(10, 1000).describe("Why the finding is acceptable here; shown in the synth summary."),
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
  accessTagPrefix,
  accessGroups: z.array(accessGroupSchema).default([]),
  audit: auditSchema.describe("The session audit kit (docs/session-audit.md): on unless waived."),
  breakGlass: breakGlassSchema,
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
  protected: z
    .boolean()
    .default(false)
    .describe(
      "A pull request that widens access in this environment cannot merge without an approval of its head commit from one of the owners (the access-approval check, docs/access-lifecycle.md); narrowing never needs one. Guardrail BL-SES-003 is an error here.",
    ),
  owners: z
    .array(matching(GITHUB_OWNER, "is not a GitHub user (@login) or team (@org/team)"))
    .default([])
    .describe(
      "GitHub users (@login) or teams (@org/team) who own this environment's access: they approve widening pull requests when it is protected, are asked for review through CODEOWNERS (npm run codeowners), and are named in the expiry issue and the access review.",
    ),
  maxGrantDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe(
      "The longest grant this environment allows: every access group needs expires (a group that only forwards ports may give each target its own), at most this many days after the synth's clock. @default no maximum; grants may be permanent",
    ),
}).superRefine((env, ctx) => {
  if (env.protected && env.owners.length === 0)
    ctx.addIssue({
      code: "custom",
      path: ["owners"],
      message:
        "is required when protected is true: name the GitHub users (@login) or teams (@org/team) who approve pull requests that widen access here",
    });
  if (env.maxGrantDays !== undefined)
    env.accessGroups.forEach((g, i) => {
      const targetsEnd = g.capabilities.portForwarding.every((t) => t.expires !== undefined);
      if (g.expires === undefined && (g.capabilities.shell || g.capabilities.ssh || !targetsEnd))
        ctx.addIssue({
          code: "custom",
          path: ["accessGroups", i, "expires"],
          message: `is required: this environment allows grants of at most ${env.maxGrantDays} days (maxGrantDays); set an ISO-8601 UTC instant at most ${env.maxGrantDays} days ahead, e.g. "2026-12-31T18:00:00Z"`,
        });
    });
  for (const t of tagIssues(env)) ctx.addIssue({ code: "custom", path: t.path, message: t.message });
  for (const n of nameLengthIssues(env)) ctx.addIssue({ code: "custom", path: n.path, message: n.message });
  for (const k of accessTagKeyIssues(env)) ctx.addIssue({ code: "custom", path: k.path, message: k.message });
  for (const a of auditIssues(env)) ctx.addIssue({ code: "custom", path: a.path, message: a.message });
  for (const r of transcriptRoleIssues(env)) ctx.addIssue({ code: "custom", path: r.path, message: r.message });
  for (const s of sharedAccountIssues(env)) ctx.addIssue({ code: "custom", path: s.path, message: s.message });
  for (const b of breakGlassIssues(env)) ctx.addIssue({ code: "custom", path: b.path, message: b.message });
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
export type AuditConfig = EnvironmentConfig["audit"];
export type StateConfig = EnvironmentConfig["state"];
