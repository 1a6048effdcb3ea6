/**
 * The environment schema, section "primitives": The building blocks every section uses: strict objects, patterns, ids, CIDRs, tags, names.
 * The schema is the single source of the `EnvironmentConfig` type, of the load-time validation and of the JSON
 * Schema editors use (`npm run schema` -> `config/environment.schema.json`). Conventions: every object is strict
 * (unknown keys are errors), every optional field has a described default, and every custom check writes its
 * message as `<value> <what is wrong>; <what is allowed>`.
 */
import { z } from "zod";
import { AWS_REGIONS, closestRegion, isRegion, REGIONS } from "../regions";
import { didYouMean } from "../suggest";
import { canonical, isCanonical, parseCidr } from "../cidr";
import { BUCKET_NAME, ec2Id, TAG_KEY, TAG_VALUE } from "../../modules/core/limits";

/** A strict object whose unknown-key error lists the keys that are allowed. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (allowed: ${allowed})${issue.keys.length === 1 ? didYouMean(String(issue.keys[0]), Object.keys(shape)) : ""}`
        : undefined,
  });
}

export const show = (value: unknown) => JSON.stringify(value);

export function matching(pattern: RegExp, what: string) {
  return z.string().refine((v) => pattern.test(v), { error: (iss) => `${show(iss.input)} ${what}` });
}

export const accountId = matching(
  /^\d{12}$/,
  "is not an AWS account id; expected exactly 12 digits, quoted in YAML",
).describe("AWS account id, 12 digits. Quote it in YAML so leading zeros survive.");

export const region = z
  .string()
  .refine(isRegion, {
    error: (iss) => {
      const near = typeof iss.input === "string" ? closestRegion(iss.input) : undefined;
      return `${show(iss.input)} is not a known AWS region${near ? `; did you mean ${show(near)}?` : ""} (known: ${REGIONS.join(", ")}; a library user can add one with registerRegion)`;
    },
  })
  .meta({ enum: Object.keys(AWS_REGIONS) })
  .describe("AWS region code, e.g. eu-west-1 (loader/aws-regions.ts lists the known ones).");

export const cidr = z
  .string()
  .refine((v) => parseCidr(v) !== undefined, {
    error: (iss) => `${show(iss.input)} is not an IPv4 CIDR (a.b.c.d/n, n ≤ 32)`,
    abort: true,
  })
  .refine(
    (v) => {
      const c = parseCidr(v);
      return c === undefined || isCanonical(c);
    },
    {
      error: (iss) =>
        `${show(iss.input)} has host bits set; did you mean ${show(canonical(parseCidr(iss.input as string)!))}?`,
      abort: true,
    },
  )
  .describe("IPv4 CIDR block in canonical form, e.g. 10.20.0.0/16.");

export const awsCidr = cidr.refine(
  (v) => {
    const p = parseCidr(v)?.prefix ?? 16;
    return p >= 16 && p <= 28;
  },
  {
    error: (iss) =>
      `${show(iss.input)} has a prefix length AWS does not allow for a VPC or subnet; allowed: /16 to /28`,
  },
);

export const bucketName = matching(
  BUCKET_NAME,
  "is not a valid S3 bucket name; allowed: 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, " +
    "no prefix xn--, sthree- or amzn-s3-demo-, no suffix -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3",
).describe("S3 bucket name (3-63 chars, lowercase letters, digits, hyphens).");

export const tagKey = matching(
  TAG_KEY,
  "is not a valid tag key; 1-128 letters, digits, spaces and _.:/=+-@, not starting with aws:",
);
export const tagValue = matching(TAG_VALUE, "is not a valid tag value; up to 256 letters, digits, spaces and _.:/=+-@");
export const tags = z.record(tagKey, tagValue);

export const name = matching(
  /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/,
  "is not a valid name; allowed: 2-24 lowercase letters, digits and hyphens, starting with a letter",
);

export const subnetId = matching(ec2Id("subnet"), "is not a subnet id (subnet- followed by 8 or 17 hex digits)");
export const routeTableId = matching(ec2Id("rtb"), "is not a route table id (rtb- followed by 8 or 17 hex digits)");
export const vpcId = matching(ec2Id("vpc"), "is not a VPC id (vpc- followed by 8 or 17 hex digits)");
export const vpcEndpointId = matching(ec2Id("vpce"), "is not a VPC endpoint id (vpce- followed by 8 or 17 hex digits)");
export const securityGroupId = matching(ec2Id("sg"), "is not a security group id (sg- followed by 8 or 17 hex digits)");
export const azName = matching(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "is not an availability-zone name like eu-west-1a");

/**
 * One line of printable text of `min` to `max` characters: the characters IAM and Identity Center accept in a
 * description (U+0020-U+007E, U+00A1-U+00FF). Control characters (a terminal escape in a synth summary, a line break in
 * a policy description) are rejected by position and code.
 */
export function text(min: number, max: number) {
  return z
    .string()
    .min(min)
    .max(max)
    .superRefine((v, ctx) => {
      const i = [...v].findIndex((c) => !/^[\u0020-\u007E\u00A1-\u00FF]$/.test(c));
      if (i >= 0) {
        const code = v.codePointAt([...v].slice(0, i).join("").length)!;
        ctx.addIssue({
          code: "custom",
          message: `${show(v)} has U+${code.toString(16).toUpperCase().padStart(4, "0")} at character ${i + 1}, which is not allowed; allowed: printable letters, digits, spaces and punctuation on one line (U+0020-U+007E, U+00A1-U+00FF)`,
        });
      }
    });
}
