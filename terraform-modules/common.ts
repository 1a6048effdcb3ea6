/** Pieces several registry module definitions share. */
import { DataAwsRegion } from "../modules/core/aws";
import type { TerraformStack } from "../modules/core/cdktf";
import { EXAMPLE } from "./example-values";
import type { VariableSpec } from "./framework";
import { matches } from "./validations";

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

/**
 * The session-logging module's outputs as the other modules' inputs, defined once: what the value must be (one
 * validation, the same in every module that takes it), the example and where the root example wires it from.
 */
const SESSION_LOGGING_INPUTS = {
  log_bucket_arn: {
    pattern: /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    errorMessage: "log_bucket_arn must be an S3 bucket ARN.",
    example: EXAMPLE.logBucketArn,
  },
  log_group_arn: {
    pattern: /^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[.\-_/#A-Za-z0-9]+(:\*)?$/,
    errorMessage: "log_group_arn must be a CloudWatch Logs log-group ARN.",
    example: EXAMPLE.logGroupArn,
  },
  kms_key_arn: {
    pattern: /^arn:aws[a-z-]*:kms:/,
    errorMessage: "kms_key_arn must be a KMS key ARN.",
    example: EXAMPLE.kmsKeyArn,
  },
} as const;

/**
 * A module's input for one of the session-logging module's outputs, with the module's own description and options
 * (a default, a former name). An input that defaults to null accepts null (one with a former name gets that from
 * the framework).
 */
export function sessionLoggingInput(
  name: keyof typeof SESSION_LOGGING_INPUTS,
  description: string,
  options: Pick<VariableSpec, "default" | "formerly" | "fallback"> = {},
): VariableSpec {
  const input = SESSION_LOGGING_INPUTS[name];
  const condition = matches(input.pattern, `var.${name}`);
  return {
    name,
    type: "string",
    description,
    ...options,
    validations: [
      {
        condition: options.default === null && !options.formerly ? `var.${name} == null || ${condition}` : condition,
        errorMessage: input.errorMessage,
      },
    ],
    example: input.example,
    wiredFrom: `module.session_logging.${name}`,
  };
}
