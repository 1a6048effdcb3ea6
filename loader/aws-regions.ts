/**
 * AWS commercial regions (partition `aws`) and their Availability Zones: the one data file the config validates
 * `region` and `availabilityZone` fields against. Data only; the API is in ./regions.ts.
 *
 * Sources (retrieved 2026-11-27):
 * - Regions and opt-in status: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 *   (`aws ec2 describe-regions --all-regions --query 'Regions[].[RegionName,OptInStatus]'`)
 * - AZ IDs per region: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html
 *   (`aws ec2 describe-availability-zones --region <r> --query 'AvailabilityZones[].[ZoneName,ZoneId]'`)
 *
 * Caveat: the region codes and opt-in status were checked against the regions page; the AZ letter and ID lists
 * were compiled from partial AWS documentation (the full AZ table was not available offline) and have not been
 * checked against `describe-availability-zones` output. A zone AWS offers that is missing here is refused: add it
 * here (docs/regions.md) or `registerRegion` it, and report it.
 *
 * `zones` are the AZ letters an account is offered (`eu-west-1` + `a` = `eu-west-1a`). In the regions AWS launched
 * before November 2012 (`independentlyMapped`), letters map to physical zones per account, and an account may see
 * only some letters (e.g. two of us-west-1's); the AZ IDs are the same in every account.
 * Local Zones and Wavelength Zones are not listed (Session Manager endpoints need regular AZs).
 * Other partitions (aws-cn, aws-us-gov, aws-eusc) are not listed: register them with `registerRegion`.
 *
 * Updating: see docs/regions.md.
 */
export const REGIONS_RETRIEVED = "2026-11-27";

export interface RegionData {
  /** Display name. */
  readonly name: string;
  /** True for regions an account must enable first (launched after March 2019). */
  readonly optIn: boolean;
  /** AZ letters (`a`, `b`, …). */
  readonly zones: readonly string[];
  /** AZ IDs (`euw1-az1`, …), the same physical zones in every account. */
  readonly zoneIds: readonly string[];
  /** AZ letters map to physical zones differently per account. */
  readonly independentlyMapped?: boolean;
}

const abc = ["a", "b", "c"] as const;
const ids = (prefix: string, numbers: number[] = [1, 2, 3]) => numbers.map((n) => `${prefix}-az${n}`);

export const AWS_REGIONS: Readonly<Record<string, RegionData>> = {
  "us-east-1": {
    name: "US East (N. Virginia)",
    optIn: false,
    zones: ["a", "b", "c", "d", "e", "f"],
    zoneIds: ids("use1", [1, 2, 3, 4, 5, 6]),
    independentlyMapped: true,
  },
  "us-east-2": { name: "US East (Ohio)", optIn: false, zones: abc, zoneIds: ids("use2") },
  "us-west-1": {
    name: "US West (N. California)",
    optIn: false,
    zones: abc,
    zoneIds: ids("usw1", [1, 3]),
    independentlyMapped: true,
  },
  "us-west-2": {
    name: "US West (Oregon)",
    optIn: false,
    zones: ["a", "b", "c", "d"],
    zoneIds: ids("usw2", [1, 2, 3, 4]),
    independentlyMapped: true,
  },
  "af-south-1": { name: "Africa (Cape Town)", optIn: true, zones: abc, zoneIds: ids("afs1") },
  "ap-east-1": { name: "Asia Pacific (Hong Kong)", optIn: true, zones: abc, zoneIds: ids("ape1") },
  "ap-east-2": { name: "Asia Pacific (Taipei)", optIn: true, zones: abc, zoneIds: ids("ape2") },
  "ap-south-1": { name: "Asia Pacific (Mumbai)", optIn: false, zones: abc, zoneIds: ids("aps1") },
  "ap-south-2": { name: "Asia Pacific (Hyderabad)", optIn: true, zones: abc, zoneIds: ids("aps2") },
  "ap-southeast-1": {
    name: "Asia Pacific (Singapore)",
    optIn: false,
    zones: abc,
    zoneIds: ids("apse1"),
    independentlyMapped: true,
  },
  "ap-southeast-2": {
    name: "Asia Pacific (Sydney)",
    optIn: false,
    zones: abc,
    zoneIds: ids("apse2"),
    independentlyMapped: true,
  },
  "ap-southeast-3": { name: "Asia Pacific (Jakarta)", optIn: true, zones: abc, zoneIds: ids("apse3") },
  "ap-southeast-4": { name: "Asia Pacific (Melbourne)", optIn: true, zones: abc, zoneIds: ids("apse4") },
  "ap-southeast-5": { name: "Asia Pacific (Malaysia)", optIn: true, zones: abc, zoneIds: ids("apse5") },
  "ap-southeast-6": { name: "Asia Pacific (New Zealand)", optIn: true, zones: abc, zoneIds: ids("apse6") },
  "ap-southeast-7": { name: "Asia Pacific (Thailand)", optIn: true, zones: abc, zoneIds: ids("apse7") },
  "ap-northeast-1": {
    name: "Asia Pacific (Tokyo)",
    optIn: false,
    zones: ["a", "c", "d"],
    zoneIds: ids("apne1", [1, 2, 4]),
    independentlyMapped: true,
  },
  "ap-northeast-2": {
    name: "Asia Pacific (Seoul)",
    optIn: false,
    zones: ["a", "b", "c", "d"],
    zoneIds: ids("apne2", [1, 2, 3, 4]),
  },
  "ap-northeast-3": { name: "Asia Pacific (Osaka)", optIn: false, zones: abc, zoneIds: ids("apne3") },
  "ca-central-1": {
    name: "Canada (Central)",
    optIn: false,
    zones: ["a", "b", "d"],
    zoneIds: ids("cac1", [1, 2, 4]),
  },
  "ca-west-1": { name: "Canada West (Calgary)", optIn: true, zones: abc, zoneIds: ids("caw1") },
  "eu-central-1": { name: "Europe (Frankfurt)", optIn: false, zones: abc, zoneIds: ids("euc1") },
  "eu-central-2": { name: "Europe (Zurich)", optIn: true, zones: abc, zoneIds: ids("euc2") },
  "eu-west-1": {
    name: "Europe (Ireland)",
    optIn: false,
    zones: abc,
    zoneIds: ids("euw1"),
    independentlyMapped: true,
  },
  "eu-west-2": { name: "Europe (London)", optIn: false, zones: abc, zoneIds: ids("euw2") },
  "eu-west-3": { name: "Europe (Paris)", optIn: false, zones: abc, zoneIds: ids("euw3") },
  "eu-south-1": { name: "Europe (Milan)", optIn: true, zones: abc, zoneIds: ids("eus1") },
  "eu-south-2": { name: "Europe (Spain)", optIn: true, zones: abc, zoneIds: ids("eus2") },
  "eu-north-1": { name: "Europe (Stockholm)", optIn: false, zones: abc, zoneIds: ids("eun1") },
  "il-central-1": { name: "Israel (Tel Aviv)", optIn: true, zones: abc, zoneIds: ids("ilc1") },
  "me-south-1": { name: "Middle East (Bahrain)", optIn: true, zones: abc, zoneIds: ids("mes1") },
  "me-central-1": { name: "Middle East (UAE)", optIn: true, zones: abc, zoneIds: ids("mec1") },
  "mx-central-1": { name: "Mexico (Central)", optIn: true, zones: abc, zoneIds: ids("mxc1") },
  "sa-east-1": {
    name: "South America (São Paulo)",
    optIn: false,
    zones: abc,
    zoneIds: ids("sae1"),
    independentlyMapped: true,
  },
};
