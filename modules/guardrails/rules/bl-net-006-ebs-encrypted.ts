import { block, blocks, isTrue, type StackModel } from "../model";
import { GuardrailRule, type Finding } from "../rule";
import { launchTemplateOf } from "./instances";

export class EbsEncrypted extends GuardrailRule {
  public readonly id = "BL-NET-006";
  public readonly category = "network";
  public readonly severity = "error";
  public readonly title = "EBS volume not encrypted";
  public readonly why =
    "Session hosts hold shell history, credentials and data; unencrypted volumes and their snapshots can be read by anyone who can copy them.";
  public readonly fix =
    "Set encrypted = true on every block device (root_block_device, ebs_block_device, launch template ebs blocks, aws_ebs_volume), or turn on aws_ebs_encryption_by_default in the stack.";
  public readonly resourceTypes = [
    "aws_instance",
    "aws_launch_template",
    "aws_ebs_volume",
    "aws_ebs_encryption_by_default",
  ];

  public evaluate(model: StackModel): Finding[] {
    // Account-wide default encryption managed in this stack covers every volume.
    if (
      model
        .resources("aws_ebs_encryption_by_default")
        .some((d) => d.config.enabled === undefined || isTrue(d.config.enabled))
    )
      return [];
    const findings: Finding[] = [];
    const templateOk = new Map<string, boolean>();
    for (const lt of model.resources("aws_launch_template")) {
      const mappings = blocks(lt.config.block_device_mappings).filter((m) => block(m.ebs) !== undefined);
      const bad = mappings.filter((m) => !isTrue(block(m.ebs)?.encrypted));
      templateOk.set(lt.address, mappings.length > 0 && bad.length === 0);
      if (mappings.length === 0)
        findings.push({
          block: lt,
          detail:
            "no block_device_mappings: the root volume is whatever the AMI gives (set an encrypted ebs block for it)",
        });
      for (const m of bad)
        findings.push({
          block: lt,
          detail: `block device ${JSON.stringify(m.device_name ?? "?")} has encrypted = ${JSON.stringify(block(m.ebs)?.encrypted ?? null)}`,
        });
    }
    for (const i of model.resources("aws_instance")) {
      const root = block(i.config.root_block_device);
      const template = launchTemplateOf(i, model);
      if (root ? !isTrue(root.encrypted) : !(template && templateOk.get(template.address))) {
        findings.push({
          block: i,
          detail: root
            ? "root_block_device.encrypted is not true"
            : "root volume not encrypted (no root_block_device and no encrypting launch template in this stack)",
        });
      }
      blocks(i.config.ebs_block_device).forEach((d, n) => {
        if (!isTrue(d.encrypted)) findings.push({ block: i, detail: `ebs_block_device[${n}].encrypted is not true` });
      });
    }
    for (const v of model.resources("aws_ebs_volume")) {
      if (!isTrue(v.config.encrypted)) findings.push({ block: v, detail: "encrypted is not true" });
    }
    return findings;
  }
}
