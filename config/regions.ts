/**
 * The regions this project knows, with the availability-zone letters an account is normally offered there.
 * Used to validate `region` fields and AZ counts at load time. AZ letters are per-account mappings in AWS;
 * the table lists the letters AWS documents as generally available (source: the EC2 "Regions and Zones" page,
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html). Add a region here
 * when an environment needs it.
 */
export const REGION_AZS = {
  "us-east-1": ["a", "b", "c", "d", "e", "f"],
  "us-east-2": ["a", "b", "c"],
  "us-west-1": ["a", "b", "c"],
  "us-west-2": ["a", "b", "c", "d"],
  "ca-central-1": ["a", "b", "d"],
  "eu-west-1": ["a", "b", "c"],
  "eu-west-2": ["a", "b", "c"],
  "eu-west-3": ["a", "b", "c"],
  "eu-central-1": ["a", "b", "c"],
  "eu-north-1": ["a", "b", "c"],
  "eu-south-1": ["a", "b", "c"],
  "ap-south-1": ["a", "b", "c"],
  "ap-northeast-1": ["a", "c", "d"],
  "ap-northeast-2": ["a", "b", "c", "d"],
  "ap-southeast-1": ["a", "b", "c"],
  "ap-southeast-2": ["a", "b", "c"],
  "sa-east-1": ["a", "b", "c"],
} as const satisfies Record<string, readonly string[]>;

export type Region = keyof typeof REGION_AZS;
export const REGIONS = Object.keys(REGION_AZS) as Region[];

export function isRegion(value: string): value is Region {
  return Object.prototype.hasOwnProperty.call(REGION_AZS, value);
}

/** The availability-zone names (e.g. `eu-west-1a`) offered in a region, per the table above. */
export function availabilityZones(region: Region): string[] {
  return REGION_AZS[region].map((letter) => `${region}${letter}`);
}
