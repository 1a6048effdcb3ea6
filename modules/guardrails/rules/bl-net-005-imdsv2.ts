import { block, type Attributes, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { launchTemplateOf } from "./instances";

/** IMDSv2 only (tokens required), or the metadata service switched off. */
function imdsv2Only(metadata: Attributes | undefined): boolean {
  return metadata !== undefined && (metadata.http_tokens === "required" || metadata.http_endpoint === "disabled");
}

export class Imdsv2Required extends GuardrailRule {
  public readonly id = "BL-NET-005";
  public readonly category = "network";
  public readonly severity = "error";
  public readonly title = "Instance metadata allows IMDSv1";
  public readonly why =
    "IMDSv1 answers unauthenticated GETs, so a server-side request forgery on the instance can read the instance role's credentials; IMDSv2 requires a session token.";
  public readonly fix = 'Set metadata_options { http_tokens = "required" } on the launch template or instance.';
  public readonly resourceTypes = ["aws_instance", "aws_launch_template"];

  public evaluate(model: StackModel): Finding[] {
    const findings: Finding[] = [];
    for (const lt of model.resources("aws_launch_template")) {
      if (!imdsv2Only(block(lt.config.metadata_options)))
        findings.push({ block: lt, detail: 'metadata_options.http_tokens is not "required"' });
    }
    for (const i of model.resources("aws_instance")) {
      const own = block(i.config.metadata_options);
      const template = launchTemplateOf(i, model);
      const ok = own ? imdsv2Only(own) : template !== undefined && imdsv2Only(block(template.config.metadata_options));
      if (!ok)
        findings.push({
          block: i,
          detail: own
            ? 'metadata_options.http_tokens is not "required"'
            : "no metadata_options and no IMDSv2-only launch template in this stack",
        });
    }
    return findings;
  }
}
