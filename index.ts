/**
 * bastionless: CDK for Terraform constructs for reaching private EC2 instances through AWS Systems Manager Session
 * Manager. Every module is also importable on its own, e.g. `import { SessionManagerEndpoints } from
 * "bastionless/modules/network-endpoints"` (loads less).
 */
export * from "./modules/core/iam";
export * from "./modules/core/naming";
export * from "./modules/guardrails";
export * from "./modules/instance-access";
export * from "./modules/network-endpoints";
export * from "./modules/network-security";
export * from "./modules/operator-access";
export * from "./modules/session-logging";
export * from "./modules/session-preferences";
export * from "./modules/state-backend";
export * from "./stacks";
export { runSynth, synthesizeAtomically, SynthError, type SynthOutcome } from "./synth/synth";
export * from "./loader";
