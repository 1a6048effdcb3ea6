import { IAM_POLICY_SIZE_LIMITS as LIMITS, REALISTIC_REFERENCE_LENGTH } from "../../core/limits";
import { blocks, type StackModel, type TfBlock } from "../model";
import { IDENTITY_POLICY_TYPES } from "../policy";
import { GuardrailRule, type Finding } from "../rule";

/**
 * The size IAM counts: the policy text with Terraform references replaced by values of a realistic length (an
 * ARN is not known at synth time, but it counts once substituted), Terraform's `$${` escape turned back into the
 * `${` IAM receives, and every whitespace character removed.
 */
export function policySize(text: string): number {
  return text
    .replace(/(?<!\$)\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z_]+)\}/g, (_m, ref: string) =>
      "x".repeat(ref.endsWith(".arn") ? REALISTIC_REFERENCE_LENGTH.arn : REALISTIC_REFERENCE_LENGTH.other),
    )
    .replace(/\$\$\{/g, "${")
    .replace(/\s+/g, "").length;
}

interface Attachment {
  readonly kind: keyof typeof LIMITS;
  readonly principal: string;
  readonly parts: { block: TfBlock; size: number }[];
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * IAM rejects a policy over its size limit at apply time, after part of the stack exists. Inline policies of a
 * group, role or user count together (the limit is per principal), a managed policy and a permission set's inline
 * policy count alone.
 */
export class PolicySize extends GuardrailRule {
  public readonly id = "BL-IAM-007";
  public readonly category = "iam";
  public readonly severity = "error";
  public readonly title = "Identity policy over the IAM size limit of its attachment";
  public readonly why =
    "IAM limits policy size per attachment kind (characters, whitespace not counted): inline policies of an IAM user 2,048, of a group 5,120, of a role 10,240 (all inline policies of the principal together), a managed policy 6,144, a permission set's inline policy 10,240. A larger policy fails the apply halfway.";
  public readonly fix =
    "Split the access group (fewer port-forward targets or tag values per group), move statements to a managed policy, or attach fewer groups to the same role.";
  public readonly resourceTypes = IDENTITY_POLICY_TYPES;

  public evaluate(model: StackModel): Finding[] {
    const attachments = new Map<string, Attachment>();
    const add = (kind: Attachment["kind"], principal: string, block: TfBlock, policy: unknown) => {
      const t = text(policy);
      // Policies Terraform computes (jsonencode of variables) are BL-IAM-006's concern.
      if (t === undefined || !t.trimStart().startsWith("{")) return;
      const key = `${kind}:${principal}`;
      const a = attachments.get(key) ?? { kind, principal, parts: [] };
      a.parts.push({ block, size: policySize(t) });
      attachments.set(key, a);
    };
    for (const b of model.resources(...this.resourceTypes)) {
      const c = b.config;
      if (b.type === "aws_iam_group_policy") add("group", String(c.group), b, c.policy);
      else if (b.type === "aws_iam_role_policy") add("role", String(c.role), b, c.policy);
      else if (b.type === "aws_iam_user_policy") add("user", String(c.user), b, c.policy);
      else if (b.type === "aws_iam_policy") add("managed", b.address, b, c.policy);
      else if (b.type === "aws_ssoadmin_permission_set_inline_policy")
        add("permissionSet", b.address, b, c.inline_policy);
      else if (b.type === "aws_iam_role")
        for (const ip of blocks(c.inline_policy)) add("role", String(c.name ?? `\${${b.address}.name}`), b, ip.policy);
    }
    const findings: Finding[] = [];
    for (const a of attachments.values()) {
      const total = a.parts.reduce((n, p) => n + p.size, 0);
      const limit = LIMITS[a.kind];
      if (total <= limit) continue;
      const largest = [...a.parts].sort((x, y) => y.size - x.size)[0];
      const what =
        a.kind === "managed" || a.kind === "permissionSet"
          ? `the policy is ${total.toLocaleString("en")} characters`
          : `the inline policies of ${a.kind} ${a.principal} total ${total.toLocaleString("en")} characters (${a.parts.length} polic${a.parts.length === 1 ? "y" : "ies"})`;
      findings.push({
        block: largest.block,
        detail: `${what}, whitespace removed and unknown ARNs counted at ${REALISTIC_REFERENCE_LENGTH.arn} characters; IAM allows ${limit.toLocaleString("en")} for ${LABEL[a.kind]}`,
      });
    }
    return findings;
  }
}

const LABEL: Record<Attachment["kind"], string> = {
  user: "an IAM user's inline policies",
  group: "an IAM group's inline policies",
  role: "an IAM role's inline policies",
  managed: "a managed policy",
  permissionSet: "a permission set's inline policy",
};
