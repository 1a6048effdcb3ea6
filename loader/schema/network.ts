/**
 * The environment schema, section "network": vpcs and network: created and adopted VPCs, subnets, endpoints, S3 gateway, NACLs.
 * The schema is the single source of the `EnvironmentConfig` type, of the load-time validation and of the JSON
 * Schema editors use (`npm run schema` -> `config/environment.schema.json`). Conventions: every object is strict
 * (unknown keys are errors), every optional field has a described default, and every custom check writes its
 * message as `<value> <what is wrong>; <what is allowed>`.
 */
import { z } from "zod";
import { overlaps, parseCidr } from "../cidr";
import { ec2Id, LOG_RETENTION_DAYS } from "../../modules/core/limits";
import { INTERFACE_SERVICES, type InterfaceService } from "../../modules/core/endpoint-services";
import { DEFAULT_LEGACY_AGENT_SUPPORT, DEFAULT_LOG_RETENTION_DAYS } from "../../modules/core/defaults";
import {
  awsCidr,
  azName,
  cidr,
  name,
  routeTableId,
  securityGroupId,
  show,
  strict,
  subnetId,
  vpcEndpointId,
  vpcId,
} from "./primitives";

export const createdSubnet = strict({
  cidr: awsCidr,
  availabilityZone: azName.describe("Availability zone of the subnet, e.g. eu-west-1a."),
});
export const adoptedSubnet = strict({
  id: subnetId,
  cidr: awsCidr.describe("The subnet's CIDR (used for NACL rules and checked against the VPC CIDR)."),
  availabilityZone: azName,
});

export const vpcCommon = {
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

export const createdVpc = strict({
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

export const VPC_ENDPOINT_ID = ec2Id("vpce");
export const endpointChoice = z
  .string()
  .refine((v) => v === "create" || v === "reuse" || VPC_ENDPOINT_ID.test(v), {
    error: (iss) =>
      `${show(iss.input)} is not allowed; allowed: "create", "reuse" (the VPC's endpoint for the service, found by service name) or a vpce-… id (vpce- followed by 8 or 17 hex digits)`,
  })
  .describe(
    "create: a new endpoint with private DNS (it then answers the whole VPC, so it admits 443 from the VPC CIDR). reuse: the VPC's existing endpoint for the service, found by service name. vpce-…: that existing endpoint.",
  );

/** A CIDR other than /0 (every address); `instead` says what to list. */
export const notEveryAddress = (instead: string) =>
  cidr.refine((c) => parseCidr(c)?.prefix !== 0, {
    error: (iss) => `${show(iss.input)} is every address; ${instead}`,
  });

export const adoptedVpc = strict({
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

export const vpcSchema = z.discriminatedUnion("mode", [createdVpc, adoptedVpc], {
  error: (iss) =>
    iss.code === "invalid_union" && iss.note === "No matching discriminator"
      ? `allowed: "create" (a new private-only VPC) or "adopt" (an existing VPC by ids)`
      : undefined,
});

export const networkSchema = strict({
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
