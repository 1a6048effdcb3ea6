/** Guardrail test helpers: raw Terraform fixtures and the findings a stack produces at synth. */
import {
  TerraformDataSource,
  TerraformResource,
  Testing,
  type Construct,
  type TerraformStack,
} from "../../modules/core/cdktf";
import { enableGuardrails, suppressedFindings, type GuardrailsProps } from "../../modules/guardrails";
import { testStack } from "./synth";

export interface Reported {
  readonly rule: string;
  readonly level: "error" | "warning";
  readonly path: string;
  readonly message: string;
}

/**
 * A resource given as the Terraform configuration it synthesizes to (snake_case, exactly as in cdk.tf.json), so a
 * fixture reads like the HCL a reviewer would see. `lifecycle` is an attribute like any other.
 */
export function raw(
  stack: TerraformStack,
  type: string,
  name: string,
  config: Record<string, unknown>,
): TerraformResource {
  const r = new TerraformResource(stack, name, { terraformResourceType: type });
  for (const [k, v] of Object.entries(config)) r.addOverride(k, v);
  return r;
}

export function rawData(
  stack: TerraformStack,
  type: string,
  name: string,
  config: Record<string, unknown>,
): TerraformDataSource {
  const d = new TerraformDataSource(stack, name, { terraformResourceType: type });
  for (const [k, v] of Object.entries(config)) d.addOverride(k, v);
  return d;
}

/** An ingress rule open to the internet on 443: a BL-NET-001 finding. */
export function openIngress(scope: Construct): TerraformResource {
  return raw(scope as TerraformStack, "aws_vpc_security_group_ingress_rule", "in", {
    security_group_id: "sg-1",
    cidr_ipv4: "0.0.0.0/0",
    ip_protocol: "tcp",
    from_port: 443,
    to_port: 443,
    description: "public HTTPS",
  });
}

/** The rules of the error annotations below `stack`, in order. */
export const errorRules = (stack: TerraformStack): string[] =>
  annotations(stack)
    .filter((r) => r.level === "error")
    .map((r) => r.rule);

/** Every error and warning annotation below `stack` (guardrail findings and suppression warnings). */
export function annotations(stack: TerraformStack): Reported[] {
  const out: Reported[] = [];
  for (const c of stack.node.findAll()) {
    for (const m of c.node.metadata) {
      const level = m.type === "@cdktf/error" ? "error" : m.type === "@cdktf/warn" ? "warning" : undefined;
      if (!level) continue;
      const message = String(m.data);
      out.push({
        rule:
          /^(BL-[A-Z]+-\d{3})\b/.exec(message)?.[1] ??
          /guardrail suppression (BL-[A-Z]+-\d{3})/.exec(message)?.[1] ??
          "",
        level,
        path: c.node.path,
        message,
      });
    }
  }
  return out;
}

/** Builds a fixture in a fresh stack with every guardrail on, synthesizes it and returns what was reported. */
export function check(
  build: (stack: TerraformStack) => void,
  props: GuardrailsProps = {},
): Reported[] & { suppressed: ReturnType<typeof suppressedFindings> } {
  const stack = testStack();
  build(stack);
  enableGuardrails(stack, props);
  Testing.synth(stack);
  return Object.assign(annotations(stack), { suppressed: suppressedFindings(stack) });
}

export const ruleIds = (reported: Reported[]) => [...new Set(reported.map((r) => r.rule))].sort();

/** A bucket with the complete private baseline; `omit` leaves out one companion resource. */
export function bucketFixture(
  stack: TerraformStack,
  omit: string[] = [],
  bucketOverrides: Record<string, unknown> = {},
): void {
  raw(stack, "aws_s3_bucket", "b", {
    bucket: "example-logs",
    force_destroy: false,
    lifecycle: { prevent_destroy: true },
    ...bucketOverrides,
  });
  const bucket = "${aws_s3_bucket.b.id}";
  const companions: Record<string, Record<string, unknown>> = {
    aws_s3_bucket_public_access_block: {
      bucket,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    },
    aws_s3_bucket_policy: {
      bucket,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["${aws_s3_bucket.b.arn}", "${aws_s3_bucket.b.arn}/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    },
    aws_s3_bucket_server_side_encryption_configuration: {
      bucket,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true }],
    },
    aws_s3_bucket_versioning: { bucket, versioning_configuration: { status: "Enabled" } },
    aws_s3_bucket_ownership_controls: { bucket, rule: { object_ownership: "BucketOwnerEnforced" } },
  };
  for (const [type, config] of Object.entries(companions))
    if (!omit.includes(type)) raw(stack, type, `b_${type}`, config);
}

/** An identity policy (group inline policy) with the given statements. */
export function groupPolicy(stack: TerraformStack, statements: Record<string, unknown>[], name = "p"): void {
  raw(stack, "aws_iam_group_policy", name, {
    group: "operators",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
  });
}
