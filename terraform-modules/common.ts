/** Pieces several registry module definitions share. */
import { DataAwsRegion } from "../modules/core/aws";
import type { TerraformStack } from "../modules/core/cdktf";
import type { VariableSpec } from "./framework";

// `id`, not `name`: provider 6 deprecates aws_region.name (use `region`, which 5.x lacks); `id` is the region in both.
export const currentRegion = (stack: TerraformStack) => new DataAwsRegion(stack, "region").id;

export const namePrefix: VariableSpec = {
  name: "name_prefix",
  type: "string",
  description: "Prefix of every resource name, e.g. bastionless-dev-main.",
  validations: [
    {
      condition: 'can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", var.name_prefix))',
      errorMessage: "name_prefix must be 2-40 lowercase letters, digits and hyphens, starting with a letter.",
    },
  ],
  example: "bastionless-dev-main",
};
