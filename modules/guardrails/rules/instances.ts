/** Instances and the launch templates they are launched from, for the instance rules. */
import { block, type StackModel, type TfBlock } from "../model";

/** The launch template (in this stack) an `aws_instance` is launched from, if any. */
export function launchTemplateOf(instance: TfBlock, model: StackModel): TfBlock | undefined {
  const lt = block(instance.config.launch_template);
  if (!lt) return undefined;
  return [...model.referenced(lt.id), ...model.referenced(lt.name)].find((b) => b.type === "aws_launch_template");
}
