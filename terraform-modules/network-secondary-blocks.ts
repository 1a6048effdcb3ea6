/**
 * The network module's check of the VPC's secondary CIDR blocks. The module always creates interface endpoints with
 * private DNS (ssm and ssmmessages at least), which answer the whole VPC; their security group admits 443 from the
 * primary CIDR (data.aws_vpc) and `endpoint_allowed_cidrs`. A workload on a secondary block outside those would
 * resolve the services to endpoints that drop it, so the plan fails on data.aws_vpc (the same expression as the
 * CDKTF AdoptedVpc, modules/core/plan-checks.ts) unless the block is admitted, or listed in the opt-in
 * `endpoint_cut_off_cidrs`.
 */
import type { DataAwsVpc } from "../modules/core/aws";
import { checkOnPlan, noUncoveredCidrBlocks, uncoveredCidrBlocks } from "../modules/core/plan-checks";
import { MOCK_VPC_CIDR } from "../tools/tftest";
import type { VariableSpec } from "./framework";
import { mockDefaults } from "./publishable";
import { ipv4Cidr } from "./validations";

export const CUT_OFF_VARIABLE = "endpoint_cut_off_cidrs";

/** Admitted on 443, or deliberately cut off: the blocks the check lets through. */
const COVERING = `concat([self.cidr_block], var.endpoint_allowed_cidrs, var.${CUT_OFF_VARIABLE})`;

export const cutOffCidrsVariable: VariableSpec = {
  name: CUT_OFF_VARIABLE,
  type: "list(string)",
  description: [
    "Opt-in: secondary CIDR blocks of the VPC deliberately not admitted to the interface endpoints. Without it the",
    "plan fails on a secondary block outside the primary CIDR and endpoint_allowed_cidrs, because private DNS sends",
    "its workloads to the new endpoints, whose security group drops them (they lose SSM, CloudWatch Logs and KMS).",
    "List a block here only when its workloads reach the endpoints through endpoint_allowed_security_group_ids, or",
    "are to lose those services.",
  ].join(" "),
  default: [],
  validations: [
    {
      condition: `alltrue([for c in var.${CUT_OFF_VARIABLE} : ${ipv4Cidr("c")}])`,
      errorMessage: `${CUT_OFF_VARIABLE} must be IPv4 CIDRs without host bits set, and not /0.`,
    },
  ],
};

/** Adds the check to the module's data.aws_vpc. */
export function checkSecondaryBlocks(vpc: DataAwsVpc): void {
  checkOnPlan(vpc, [
    {
      condition: noUncoveredCidrBlocks(COVERING),
      errorMessage: [
        `VPC \${self.id} has the secondary CIDR block(s) \${join(", ", ${uncoveredCidrBlocks(COVERING)})}, which the`,
        "interface endpoints this module creates do not admit (their security group allows 443 from",
        `\${join(", ", concat([self.cidr_block], var.endpoint_allowed_cidrs))} only). Their private DNS answers the`,
        `whole VPC: after apply, workloads in those blocks resolve the \${join(", ", var.services)} service names to`,
        "the new endpoints, are dropped on 443, and lose those services (SSM Agent and Session Manager, CloudWatch",
        "Logs, KMS). Fix: add each block (or a CIDR that contains it, e.g. 10.0.0.0/8 for 10.1.0.0/16) to",
        "endpoint_allowed_cidrs. Only if its workloads reach the endpoints through",
        `endpoint_allowed_security_group_ids, or are to lose these services, list it in ${CUT_OFF_VARIABLE}.`,
      ].join(" "),
    },
  ]);
}

const association = (cidr: string, n: number, state = "associated") =>
  `{ association_id = "vpc-cidr-assoc-0a1b2c3d4e5f6000${n}", cidr_block = "${cidr}", state = "${state}" }`;

/** `override_data` for data.aws_vpc.this: the mocked primary CIDR, its own association, then `secondary`. */
const vpcWith = (...secondary: string[]) => `  override_data {
    target = data.aws_vpc.this
    values = {
      cidr_block              = "${MOCK_VPC_CIDR}"
      cidr_block_associations = [${[association(MOCK_VPC_CIDR, 1), ...secondary].join(", ")}]
    }
  }
`;

interface Case {
  readonly name: string;
  readonly comment: string;
  readonly secondary: string[];
  readonly variables?: string;
  readonly fails?: boolean;
}

const CASES: Case[] = [
  {
    name: "no_secondary_block_passes",
    comment: "Only the primary block: nothing to admit.",
    secondary: [],
  },
  {
    name: "fails_an_unlisted_secondary_block",
    comment: "A secondary block nobody listed: its workloads would lose SSM, CloudWatch Logs and KMS.",
    secondary: [association("100.64.0.0/16", 2)],
    fails: true,
  },
  {
    name: "listed_secondary_block_passes",
    comment: "The same block in endpoint_allowed_cidrs: the endpoints admit it.",
    secondary: [association("100.64.0.0/16", 2)],
    variables: `endpoint_allowed_cidrs = ["100.64.0.0/16"]`,
  },
  {
    name: "secondary_block_inside_a_listed_cidr_passes",
    comment: "Containment: 100.0.0.0/8 covers 100.64.16.0/20.",
    secondary: [association("100.64.16.0/20", 2)],
    variables: `endpoint_allowed_cidrs = ["100.0.0.0/8"]`,
  },
  {
    name: "fails_a_secondary_block_larger_than_the_listed_cidr",
    comment: "A listed /20 does not cover the /16 around it (half-admitted is still broken).",
    secondary: [association("100.64.0.0/16", 2)],
    variables: `endpoint_allowed_cidrs = ["100.64.16.0/20"]`,
    fails: true,
  },
  {
    name: "fails_the_unlisted_one_of_two_secondary_blocks",
    comment: "The neighbour of a listed block is not covered by it.",
    secondary: [association("100.64.0.0/16", 2), association("100.65.0.0/16", 3)],
    variables: `endpoint_allowed_cidrs = ["100.64.0.0/16"]`,
    fails: true,
  },
  {
    name: "disassociated_secondary_block_passes",
    comment: "A block no longer associated hosts no workload.",
    secondary: [association("100.64.0.0/16", 2, "disassociated")],
  },
  {
    name: "fails_an_associating_secondary_block",
    comment: "A block being associated is about to host workloads.",
    secondary: [association("100.64.0.0/16", 2, "associating")],
    fails: true,
  },
  {
    name: "cut_off_secondary_block_passes_under_its_opt_in",
    comment: `Listed in ${CUT_OFF_VARIABLE}: passes, and the endpoints still do not admit it.`,
    secondary: [association("100.64.0.0/16", 2)],
    variables: `${CUT_OFF_VARIABLE} = ["100.64.0.0/16"]`,
  },
];

/** `terraform test` of the check: fed data.aws_vpc values through override_data, against the mocked provider. */
export function secondaryBlocksTest(required: string): string {
  const runs = CASES.map(
    (c) => `# ${c.comment}
run "${c.name}" {
  command = plan
${c.variables ? `  variables {\n    ${c.variables}\n  }\n` : ""}${vpcWith(...c.secondary)}${
      c.fails
        ? "  expect_failures = [data.aws_vpc.this]\n"
        : c.variables?.startsWith(CUT_OFF_VARIABLE)
          ? `  assert {
    condition     = !contains([for r in aws_vpc_security_group_ingress_rule.allowed_cidrs : r.cidr_ipv4], "100.64.0.0/16")
    error_message = "a cut-off block is not admitted"
  }
`
          : ""
    }}
`,
  );
  return `# Generated by \`npm run build:terraform-modules\`: the plan fails on a secondary CIDR block of the VPC that the
# endpoints (private DNS for the whole VPC) do not admit.
mock_provider "aws" {
${mockDefaults()}}

variables {
${required}
}

${runs.join("\n")}
# The opt-in names blocks, never every address.
run "fails_an_open_world_cut_off_cidr" {
  command = plan
  variables {
    ${CUT_OFF_VARIABLE} = ["0.0.0.0/0"]
  }
  expect_failures = [var.${CUT_OFF_VARIABLE}]
}
`;
}
