/**
 * Writes a `terraform test` file for a synthesized stack: a `mock_provider "aws"` (no AWS access) and runs that
 * plan and apply the whole stack, with assertions only a real Terraform plan can answer: policy JSON still parses
 * after Terraform interpolation and keeps IAM policy variables literal, session-document numbers stay strings,
 * endpoint service names resolve to the region, and so on. Addresses come from the synthesized JSON, so
 * nothing here is tied to one environment.
 */
import { EndpointService } from "../modules/network-endpoints";
import { assertion, hclString } from "./hcl";
import { checkedDataSources, failingRuns, healthyOverrides } from "./tftest-plan-checks";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

export interface StackJson {
  resource?: Resources;
  data?: Resources;
  provider?: { aws?: { region?: string; alias?: string }[] };
}

const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_role: ["assume_role_policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_group_policy: ["policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_kms_key: ["policy"],
  aws_vpc_endpoint: ["policy"],
  aws_sns_topic_policy: ["policy"],
  aws_ssoadmin_permission_set_inline_policy: ["inline_policy"],
};

/** The assertions for one stack, as HCL `assert` blocks. */
export function stackAssertions(stack: StackJson): string[] {
  const out: string[] = [];
  const resources = stack.resource ?? {};
  for (const [type, byName] of Object.entries(resources)) {
    for (const [name, body] of Object.entries(byName)) {
      const addr = `${type}.${name}`;
      for (const attr of POLICY_ATTRIBUTES[type] ?? []) {
        const raw = body[attr];
        if (typeof raw !== "string") continue;
        out.push(
          assertion(
            `can(jsondecode(${addr}.${attr}))`,
            `${addr}.${attr} is not valid JSON after Terraform interpolation`,
          ),
        );
        for (const variable of ["aws:userid", "aws:username"]) {
          if (raw.includes(`$\${${variable}}`)) {
            // In HCL "$${x}" is the literal text ${x}: the IAM policy variable must reach AWS un-interpolated.
            out.push(
              assertion(
                `strcontains(${addr}.${attr}, "$\${${variable}}")`,
                `${addr}.${attr} lost the IAM policy variable \${${variable}}`,
              ),
            );
          }
        }
      }
      if (type === "aws_vpc_endpoint" && body.vpc_endpoint_type === "Interface") {
        out.push(assertion(`${addr}.private_dns_enabled == true`, `${addr} must have private DNS`));
        out.push(
          assertion(
            `can(regex("^com\\\\.amazonaws\\\\.[a-z0-9-]+\\\\.(${EndpointService.ALL.map((s) => s.shortName).join("|")})$", ${addr}.service_name))`,
            `${addr} has an unexpected service name`,
          ),
        );
      }
      if (type === "aws_ssm_document" && typeof body.content === "string") {
        const doc = JSON.parse(body.content) as { inputs?: Record<string, unknown> };
        out.push(assertion(`jsondecode(${addr}.content).schemaVersion == "1.0"`, `${addr} must use schemaVersion 1.0`));
        for (const key of ["idleSessionTimeout", "maxSessionDuration"]) {
          const v = doc.inputs?.[key];
          if (typeof v === "string") {
            out.push(
              assertion(
                `jsondecode(${addr}.content).inputs.${key} == ${hclString(v)}`,
                `${addr} ${key} must stay the string ${v}`,
              ),
            );
          }
        }
      }
      if (type === "aws_ssoadmin_account_assignment") {
        // A permission set grants nothing without an assignment: a group, into the environment's account.
        out.push(assertion(`${addr}.principal_type == "GROUP"`, `${addr} must assign a group`));
        out.push(assertion(`${addr}.target_type == "AWS_ACCOUNT"`, `${addr} must target an account`));
        out.push(
          assertion(`${addr}.target_id == ${hclString(String(body.target_id))}`, `${addr} must target its account`),
        );
        out.push(
          assertion(
            `${addr}.permission_set_arn == ${String(body.permission_set_arn).replace(/^\$\{(.*)\}$/, "$1")}`,
            `${addr} must assign its own permission set`,
          ),
        );
      }
      if (type === "aws_launch_template") {
        out.push(assertion(`${addr}.metadata_options[0].http_tokens == "required"`, `${addr} must require IMDSv2`));
      }
      if (type === "aws_vpc_security_group_ingress_rule") {
        const open = (r: string) => `${r}.cidr_ipv4 != "0.0.0.0/0" && ${r}.cidr_ipv6 != "::/0"`;
        out.push(
          assertion(
            body.for_each === undefined ? open(addr) : `alltrue([for r in ${addr} : ${open("r")}])`,
            `${addr} must not be open to the internet`,
          ),
        );
      }
    }
  }
  return out;
}

/** Resource types whose `arn` other resources consume; the provider validates ARNs even with mocked values. */
const ARN_TYPES = [
  "aws_cloudwatch_event_rule",
  "aws_cloudwatch_log_group",
  "aws_dynamodb_table",
  "aws_iam_group",
  "aws_iam_instance_profile",
  "aws_iam_policy",
  "aws_iam_role",
  "aws_kms_key",
  "aws_s3_bucket",
  "aws_sns_topic",
  "aws_ssoadmin_permission_set",
  "aws_ssm_document",
];

type Defaults = Record<string, string>;

/** Mocked attributes of resources, where the provider validates the format (ids, ARNs) of what others consume. */
export const MOCK_RESOURCES: Record<string, Defaults> = {
  aws_launch_template: { id: "lt-0123456789abcdef0" },
  ...Object.fromEntries(
    ARN_TYPES.map((t) => [t, { arn: `arn:aws:mock:eu-west-1:123456789012:${t.replace(/_/g, "-")}/mock` }]),
  ),
};

/** Mocked results of data sources that feed other resources (kept realistic so plans stay meaningful). */
/** The primary CIDR a mocked `data.aws_vpc` reads (a checked adopted VPC overrides it with its configured one). */
export const MOCK_VPC_CIDR = "10.0.0.0/16";

export const MOCK_DATA: Record<string, Defaults> = {
  aws_vpc: { cidr_block: MOCK_VPC_CIDR },
  aws_identitystore_group: { group_id: "a1b2c3d4e5-12345678-9abc-def0-1234-56789abcdef0", display_name: "mock-group" },
  aws_ec2_managed_prefix_list: { id: "pl-6da54004", name: "com.amazonaws.eu-west-1.s3" },
  aws_ssm_parameter: { value: "ami-0123456789abcdef0", insecure_value: "ami-0123456789abcdef0" },
  aws_region: { name: "eu-west-1", id: "eu-west-1" },
  aws_caller_identity: { account_id: "111111111111" },
  aws_partition: { partition: "aws", dns_suffix: "amazonaws.com" },
};

export function mockBlock(kind: "mock_resource" | "mock_data", type: string, defaults: Defaults): string {
  const values = Object.entries(defaults)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(", ");
  return `  ${kind} "${type}" {\n    defaults = { ${values} }\n  }\n`;
}

/** One `mock_provider "aws"` block (optionally for an aliased provider) with the mocks this stack needs. */
function mockProvider(stack: StackJson, alias?: string): string {
  const resources = Object.entries(MOCK_RESOURCES)
    .filter(([type]) => stack.resource?.[type])
    .map(([type, d]) => mockBlock("mock_resource", type, d));
  const data = Object.entries(MOCK_DATA).map(([type, d]) => mockBlock("mock_data", type, d));
  return `mock_provider "aws" {\n${alias ? `  alias = "${alias}"\n` : ""}${[...resources, ...data].join("")}}\n`;
}

/** The whole `.tftest.hcl` file for a stack: a plan, then an apply whose values are known, checked by the assertions. */
export function tftestFile(stack: StackJson): string {
  const aliases = (stack.provider?.aws ?? []).map((p) => p.alias).filter((a): a is string => !!a);
  const mocks = [mockProvider(stack), ...aliases.map((alias) => mockProvider(stack, alias))].join("\n");
  const asserts = stackAssertions(stack).join("");
  const checked = checkedDataSources(stack.data);
  const runs = failingRuns(checked);
  return `# Generated by tools/tftest.ts: plans and applies the stack against a mocked AWS provider (offline).\n${mocks}
${healthyOverrides(checked)}
run "plan" {
  command = plan
}

run "apply" {
  command = apply
${asserts}}
${runs ? `\n${runs}` : ""}`;
}
