export { ConfigError, loadEnvironments, type LoadedEnvironment } from "./load";
export { environmentSchema, type EnvironmentConfig, type EnvironmentInput } from "./schema";
export { REGIONS, availabilityZones, type Region } from "./regions";
