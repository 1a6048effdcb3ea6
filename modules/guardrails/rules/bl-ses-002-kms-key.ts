import type { StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { preferencesDocuments } from "./session-documents";

export class SessionDataKmsKey extends GuardrailRule {
  public readonly id = "BL-SES-002";
  public readonly category = "session";
  public readonly severity = "error";
  public readonly title = "Session preferences name no KMS key";
  public readonly why =
    "kmsKeyId makes Session Manager encrypt the session data stream itself with your key (beyond TLS) and lets IAM decide who may open sessions by who may use the key.";
  public readonly fix =
    "Set inputs.kmsKeyId in the preferences document to a customer managed key (bastionless does this unless sessionPreferences.waiveKmsEncryption is given).";
  public readonly resourceTypes = ["aws_ssm_document"];

  public evaluate(model: StackModel): Finding[] {
    return preferencesDocuments(model)
      .filter(
        ({ inputs }) => typeof inputs === "string" || typeof inputs.kmsKeyId !== "string" || inputs.kmsKeyId === "",
      )
      .map(({ block, inputs }) => ({
        block,
        detail: typeof inputs === "string" ? inputs : "inputs.kmsKeyId is empty",
      }));
  }
}
