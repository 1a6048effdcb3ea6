import { block, isTrue, type StackModel, type TfBlock } from "../model";
import { GuardrailRule, type Finding } from "../rule";

const preventDestroy = (b: TfBlock) => isTrue(block(b.config.lifecycle)?.prevent_destroy);

export class ProtectedFromDestroy extends GuardrailRule {
  public readonly id = "BL-DUR-001";
  public readonly category = "durability";
  public readonly severity = "error";
  public readonly title = "State, logs or key not protected from destroy";
  public readonly why =
    "A mistaken `terraform destroy`, a rename or a removed environment must never delete Terraform state, session logs or the key that decrypts them; with the key gone, every log it encrypted is unreadable.";
  public readonly fix =
    "Buckets: lifecycle { prevent_destroy = true } and force_destroy = false. KMS keys: prevent_destroy. Log groups: prevent_destroy or skip_destroy = true.";
  public readonly resourceTypes = ["aws_s3_bucket", "aws_kms_key", "aws_cloudwatch_log_group"];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const b of model.resources("aws_s3_bucket")) {
      if (!preventDestroy(b)) findings.push({ block: b, detail: "bucket without lifecycle.prevent_destroy" });
      if (!(
        b.config.force_destroy === undefined ||
        b.config.force_destroy === false ||
        b.config.force_destroy === "false"
      )) {
        findings.push({
          block: b,
          detail: `force_destroy = ${JSON.stringify(b.config.force_destroy)} (destroy would delete every object)`,
        });
      }
    }
    for (const k of model.resources("aws_kms_key")) {
      if (!preventDestroy(k)) findings.push({ block: k, detail: "KMS key without lifecycle.prevent_destroy" });
    }
    for (const g of model.resources("aws_cloudwatch_log_group")) {
      if (!preventDestroy(g) && !isTrue(g.config.skip_destroy))
        findings.push({ block: g, detail: "log group without skip_destroy or lifecycle.prevent_destroy" });
    }
    return findings;
  }
}
