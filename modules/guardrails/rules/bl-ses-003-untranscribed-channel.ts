import { references, type StackModel, type TfBlock } from "../model";
import { coversAction, IDENTITY_POLICY_TYPES, wildcardMatch } from "../policy";
import { GuardrailRule, type Finding, type GuardrailOptions } from "../rule";
import { identityStatements } from "./identity-statements";
import { UNLOGGED_DOCUMENTS } from "../../operator-access/operator-policy";

/**
 * AWS-owned Session documents whose sessions Session Manager keeps no transcript of (the data is a raw stream): the
 * SSH and port-forwarding ones of the unlogged documents (the interactive-command ones are recorded).
 */
const AWS_UNTRANSCRIBED: readonly string[] = UNLOGGED_DOCUMENTS.filter((d) => /SSH|PortForwarding/.test(d));

export class UntranscribedChannel extends GuardrailRule {
  public readonly id = "BL-SES-003";
  public readonly category = "session";
  public readonly severity = "warning";
  public readonly severityNote = "warning; error in environments marked `protected`";
  public readonly title = "Session channel without a transcript (SSH or port forwarding)";
  public readonly why =
    "Session Manager records what happens in a shell session; SSH and port-forwarding sessions carry an opaque stream, so the session log shows who connected and when, never what was done. In a protected environment that is an audit gap someone must accept by name.";
  public readonly fix =
    "Grant shell instead where a transcript matters; keep port forwarding and SSH to environments that need them, with an expiry. To accept it in a protected environment, suppress BL-SES-003 on the access group (guardrails.suppressions, path AccessGroups/<group>) with the reason.";
  public readonly resourceTypes = [...IDENTITY_POLICY_TYPES, "aws_ssm_document"];

  public evaluate(model: StackModel, options: Required<GuardrailOptions>): Finding[] {
    const portDocs = model.resources("aws_ssm_document").filter((d) => {
      if (d.config.document_type !== "Session" || typeof d.config.content !== "string") return false;
      try {
        return (JSON.parse(d.config.content) as { sessionType?: string }).sessionType === "Port";
      } catch {
        return false;
      }
    });
    const statements = identityStatements(model).filter(({ statement: s }) => coversAction(s, "ssm:StartSession"));
    // Explicit denies in the same policy that always apply (no condition) take documents back.
    const deniedIn = new Map<TfBlock, string[]>();
    for (const { block, statement: d } of statements)
      if (d.effect === "Deny" && d.conditions.length === 0)
        deniedIn.set(block, [...(deniedIn.get(block) ?? []), ...(d.resources ?? [])]);
    const findings: Finding[] = [];
    for (const { block, where, statement: s } of statements) {
      if (s.effect !== "Allow" || !s.resources) continue;
      const denied = deniedIn.get(block) ?? [];
      const isDenied = (name: string) => denied.some((r) => wildcardMatch(r.replace(/^.*:document\//, ""), name));
      const channels = new Set<string>();
      for (const r of s.resources) {
        for (const ref of references(r)) {
          const doc = portDocs.find((d) => d.address === ref);
          if (doc) channels.add(`port forwarding (${String(doc.config.name)})`);
        }
        // A literal document name or pattern (a name computed by Terraform is resolved through its reference above).
        const name = /:document\/(.+)$/.exec(r)?.[1];
        if (name === undefined || name.includes("${")) continue;
        for (const d of AWS_UNTRANSCRIBED)
          if (wildcardMatch(name, d) && !isDenied(d))
            channels.add(d === "AWS-StartSSHSession" ? `SSH (${d})` : `port forwarding (${d})`);
        for (const d of portDocs) {
          const docName = String(d.config.name);
          if (wildcardMatch(name, docName) && !isDenied(docName)) channels.add(`port forwarding (${docName})`);
        }
      }
      if (channels.size === 0) continue;
      findings.push({
        block,
        detail: `${where} allows sessions without a transcript: ${[...channels].join(", ")}${options.protectedEnvironment ? " in a protected environment" : ""}`,
        severity: options.protectedEnvironment ? "error" : "warning",
      });
    }
    return findings;
  }
}
