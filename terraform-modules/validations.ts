/**
 * Variable validations of the registry modules, written from the same limits the environment schema and the
 * constructs check (modules/core/limits.ts): a pattern is rendered from its RegExp, a range from its bounds.
 * Terraform's regex is RE2 (no look-ahead), so a rule the schema writes as one look-ahead pattern is split into its
 * characters pattern and the reserved prefixes/suffixes. test/architecture/one-source-validations.test.ts runs
 * these conditions in Terraform and the schema on the same values at and beyond every limit.
 */
import {
  BUCKET_NAME_CHARS,
  BUCKET_RESERVED_PREFIXES,
  BUCKET_RESERVED_SUFFIXES,
  ec2Id,
  KMS_ALIAS_CHARS,
  KMS_ALIAS_RESERVED_PREFIX,
  TAG_KEY_CHARS,
  TAG_RESERVED_PREFIX,
  TAG_VALUE,
} from "../modules/core/limits";
import { hclString } from "../tools/hcl";
import type { VariableSpec } from "./framework";

export type VariableValidation = NonNullable<VariableSpec["validations"]>[number];

const list = (xs: readonly string[]) => `[${xs.map(hclString).join(", ")}]`;

/** An S3 key prefix without leading or trailing `/` (the agent adds the `/`; grantLogBucketSessionWrite's rule). */
export const LOG_PREFIX = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** `can(regex(<pattern>, expr))`: the pattern as an HCL string (RE2 reads the JavaScript source as written). */
export const matches = (re: RegExp, expr: string) => `can(regex(${hclString(re.source)}, ${expr}))`;

/** An IPv4 CIDR in canonical form (no host bits), as the schema's `cidr`; `/0` refused when `world` is false. */
export const ipv4Cidr = (c: string, world = false) =>
  `can(cidrnetmask(${c})) && try(cidrsubnet(${c}, 0, 0) == ${c}, false)${world ? "" : ` && !endswith(${c}, "/0")`}`;

/** A whole number between min and max (max omitted: no upper bound), as the schema's `z.number().int()`. */
export function wholeNumber(name: string, range: { min: number; max?: number }): VariableValidation {
  const v = `var.${name}`;
  return {
    condition: `${v} == floor(${v}) && ${v} >= ${range.min}${range.max === undefined ? "" : ` && ${v} <= ${range.max}`}`,
    errorMessage:
      range.max === undefined
        ? `${name} must be a whole number of at least ${range.min}.`
        : `${name} must be a whole number from ${range.min} to ${range.max}.`,
  };
}

/** Every entry of a list variable is an EC2 id of the given kind. */
export const ec2Ids = (name: string, prefix: Parameters<typeof ec2Id>[0], what: string): VariableValidation => ({
  condition: `alltrue([for id in var.${name} : ${matches(ec2Id(prefix), "id")}])`,
  errorMessage: `Every ${name} entry must be ${what} id (${prefix}- followed by 8 or 17 hex digits).`,
});

/** S3 general purpose bucket name rules (BUCKET_NAME, split for RE2). */
export const bucketNameRules = (v: string): VariableValidation[] => [
  {
    condition: matches(BUCKET_NAME_CHARS, v),
    errorMessage:
      "The bucket name must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit.",
  },
  {
    condition:
      `!anytrue([for p in ${list(BUCKET_RESERVED_PREFIXES)} : startswith(${v}, p)]) && ` +
      `!anytrue([for s in ${list(BUCKET_RESERVED_SUFFIXES)} : endswith(${v}, s)])`,
    errorMessage:
      `The bucket name uses a prefix (${BUCKET_RESERVED_PREFIXES.join(", ")}) or suffix ` +
      `(${BUCKET_RESERVED_SUFFIXES.join(", ")}) S3 reserves.`,
  },
];

/** KMS alias rules (KMS_ALIAS, split for RE2). */
export const kmsAliasRule = (name: string): VariableValidation => ({
  condition: `${matches(KMS_ALIAS_CHARS, `var.${name}`)} && !startswith(var.${name}, ${hclString(KMS_ALIAS_RESERVED_PREFIX)})`,
  errorMessage: `${name} must start with alias/, not ${KMS_ALIAS_RESERVED_PREFIX}, and use letters, digits, /, _ and -.`,
});

/** Tag keys and values AWS accepts (TAG_KEY, TAG_VALUE), for a map(string) or, with `lists`, a map(list(string)). */
export function tagRules(name: string, lists = false): VariableValidation[] {
  const value = lists ? `alltrue([for x in v : ${matches(TAG_VALUE, "x")}])` : matches(TAG_VALUE, "v");
  return [
    {
      condition: `alltrue([for k, v in var.${name} : ${matches(TAG_KEY_CHARS, "k")} && !startswith(k, ${hclString(TAG_RESERVED_PREFIX)})])`,
      errorMessage: `Every ${name} key must be 1-128 letters, digits, spaces and _.:/=+-@, not starting with ${TAG_RESERVED_PREFIX}.`,
    },
    {
      condition: `alltrue([for k, v in var.${name} : ${value}])`,
      errorMessage: `Every ${name} value must be up to 256 letters, digits, spaces and _.:/=+-@.`,
    },
  ];
}
