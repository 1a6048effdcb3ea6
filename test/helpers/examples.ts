/**
 * The example environments for tests that need no CDK: their directory, raw input and validated config. Importing
 * this (not ./synth) keeps cdktf and the provider bindings out of a config test's module registry.
 */
import { ENV_DIR, exampleInput, writeGeneratedEnvironments } from "../../ops/lib/examples";
import { environmentSchema, type EnvironmentConfig, type EnvironmentInput } from "../../loader/schema";

export { ENV_DIR, exampleInput, writeGeneratedEnvironments };

/** A validated config from an example environment, with top-level fields replaced. */
export function exampleConfig(
  name: string,
  patch: (input: EnvironmentInput) => void = () => undefined,
): EnvironmentConfig {
  const input = structuredClone(exampleInput(name));
  patch(input);
  return environmentSchema.parse(input);
}
