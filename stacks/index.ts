export { BootstrapStack, type BootstrapStackProps } from "./bootstrap-stack";
export { EnvironmentStack, defaultTags, type EnvironmentStackProps } from "./environment-stack";
export type { ISummarized } from "./summary";
export {
  IdentityCenterStack,
  accessTagScp,
  SCP_FILE,
  type IdentityCenterStackProps,
  type IdentityAssignment,
} from "./identity-center-stack";
