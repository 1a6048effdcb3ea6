export { ConfigError, loadEnvironments, parseEnvironment, type LoadedEnvironment, type LoadOptions } from "./load";
export { environmentSchema, type EnvironmentConfig, type EnvironmentInput } from "./schema";
export {
  AWS_REGIONS,
  REGIONS,
  REGIONS_RETRIEVED,
  availabilityZones,
  closestRegion,
  isRegion,
  registerRegion,
  type Region,
  type RegionData,
  type RegisterRegionOptions,
} from "./regions";
export { RESERVED_STACK_NAMES, RESERVED_TAG_KEYS, MAX_TAGS_PER_RESOURCE } from "./reserved";
