/**
 * The regions the config accepts: every AWS commercial region from ./aws-regions.ts (dated, with its source),
 * plus any a library user registers (another partition, a region launched after the list was updated).
 */
import { AWS_REGIONS, type RegionData } from "./aws-regions";
import { closestMatch } from "./suggest";

export { AWS_REGIONS, REGIONS_RETRIEVED, type RegionData } from "./aws-regions";

/** A region code such as `eu-west-1`. */
export type Region = string;

const known = new Map<string, RegionData>(Object.entries(AWS_REGIONS));

/** Every region code the config accepts, in table order (live: includes registered regions). */
export const REGIONS: string[] = [...known.keys()];

const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export interface RegisterRegionOptions {
  /** AZ letters offered in the region, e.g. ["a", "b", "c"]. */
  readonly zones: readonly string[];
  /** AZ IDs, when known. @default none */
  readonly zoneIds?: readonly string[];
  /** @default the region code */
  readonly name?: string;
  /** @default false */
  readonly optIn?: boolean;
}

/**
 * Lets the config accept a region the built-in list lacks (a new launch, another partition such as
 * `cn-north-1` or `us-gov-west-1`). Call it before loading environments. Re-registering a region replaces its zones.
 */
export function registerRegion(code: string, options: RegisterRegionOptions): void {
  if (!REGION_CODE.test(code))
    throw new Error(`registerRegion: ${JSON.stringify(code)} is not a region code like eu-west-1`);
  if (options.zones.length === 0 || options.zones.some((z) => !/^[a-z]$/.test(z)))
    throw new Error(`registerRegion: zones of ${code} must be one or more AZ letters such as "a"`);
  if (!known.has(code)) REGIONS.push(code);
  known.set(code, {
    name: options.name ?? code,
    optIn: options.optIn ?? false,
    zones: [...options.zones],
    zoneIds: [...(options.zoneIds ?? [])],
  });
}

export function isRegion(value: string): boolean {
  return known.has(value);
}

/** The data of a known region, or undefined. */
export function regionData(region: string): RegionData | undefined {
  return known.get(region);
}

/** The closest known region code to a misspelt one (`eu-centrl-1` → `eu-central-1`). */
export function closestRegion(value: string): string | undefined {
  return closestMatch(value, REGIONS);
}

/** The availability-zone names (e.g. `eu-west-1a`) offered in a region, per the table (none for an unknown one). */
export function availabilityZones(region: Region): string[] {
  return (known.get(region)?.zones ?? []).map((letter) => `${region}${letter}`);
}
