/** Session Manager preferences documents (`sessionType: Standard_Stream`) and their `inputs`, for the session rules. */
import { parse } from "yaml";
import type { Attributes, StackModel, TfBlock } from "../model";

export interface PreferencesDocument {
  readonly block: TfBlock;
  /** `inputs` of the document, or why they could not be read. */
  readonly inputs: Attributes | string;
}

export function preferencesDocuments(model: StackModel): PreferencesDocument[] {
  const out: PreferencesDocument[] = [];
  for (const d of model.resources("aws_ssm_document")) {
    if (d.config.document_type !== "Session") continue;
    const content = d.config.content;
    let doc: { sessionType?: unknown; inputs?: Attributes } | undefined;
    try {
      doc =
        typeof content === "string"
          ? d.config.document_format === "YAML"
            ? parse(content)
            : JSON.parse(content)
          : undefined;
    } catch {
      doc = undefined;
    }
    if (doc === undefined || doc === null || typeof doc !== "object") {
      out.push({ block: d, inputs: "the document content cannot be read at synth time" });
    } else if (doc.sessionType === "Standard_Stream") {
      out.push({ block: d, inputs: doc.inputs ?? {} });
    }
  }
  return out;
}
