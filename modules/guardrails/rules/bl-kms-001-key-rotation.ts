import { isTrue, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";

export class KmsKeyRotated extends GuardrailRule {
  public readonly id = "BL-KMS-001";
  public readonly category = "logging";
  public readonly severity = "error";
  public readonly title = "KMS key without automatic rotation";
  public readonly why =
    "Automatic rotation limits how much data one key version protects and is expected by CIS and most audit frameworks; it is free and transparent to users of the key.";
  public readonly fix = "Set enable_key_rotation = true on the aws_kms_key (symmetric encryption keys).";
  public readonly resourceTypes = ["aws_kms_key"];

  public evaluate(model: StackModel): Finding[] {
    return (
      model
        .resources("aws_kms_key")
        // Only symmetric encryption keys can rotate automatically.
        .filter(
          (k) =>
            (k.config.customer_master_key_spec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT" &&
            (k.config.key_usage ?? "ENCRYPT_DECRYPT") === "ENCRYPT_DECRYPT",
        )
        .filter((k) => !isTrue(k.config.enable_key_rotation))
        .map((k) => ({
          block: k,
          detail: `enable_key_rotation = ${JSON.stringify(k.config.enable_key_rotation ?? null)}`,
        }))
    );
  }
}
