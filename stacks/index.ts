export { BootstrapStack, type BootstrapStackProps } from "./bootstrap-stack";
export { EnvironmentStack, defaultTags, type EnvironmentStackProps } from "./environment-stack";
export { runSynth, synthesizeAtomically, SynthError, type ISummarized, type SynthOutcome } from "./synth";
export {
  IdentityCenterStack,
  accessTagScp,
  SCP_FILE,
  type IdentityCenterStackProps,
  type IdentityAssignment,
} from "./identity-center-stack";
