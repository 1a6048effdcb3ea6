/** Test helpers: synthesize a stack to parsed Terraform JSON and look resources up by type. */
import { ENV_DIR, exampleInput } from "../../scripts/lib/examples";
import { environmentSchema, type EnvironmentConfig, type EnvironmentInput } from "../../config/schema";
import { Testing, TerraformStack } from "../../modules/core/cdktf";
import { AwsProvider } from "../../modules/core/aws";

export type Body = Record<string, unknown>;
export interface TfJson {
  resource?: Record<string, Record<string, Body>>;
  data?: Record<string, Record<string, Body>>;
  output?: Record<string, Body>;
  provider?: Record<string, Body[]>;
  terraform?: Body & { backend?: Record<string, Body> };
  import?: Body[];
}

export { ENV_DIR, exampleInput };

/** A validated config from an example environment, with top-level fields replaced. */
export function exampleConfig(
  name: string,
  patch: (input: EnvironmentInput) => void = () => undefined,
): EnvironmentConfig {
  const input = structuredClone(exampleInput(name));
  patch(input);
  return environmentSchema.parse(input);
}

export function synthJson(stack: TerraformStack, runValidations = true): TfJson {
  return JSON.parse(Testing.synth(stack, runValidations)) as TfJson;
}

/** A throwaway stack with a default AWS provider, for module unit tests. */
export function testStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

export function resources(tf: TfJson, type: string): Body[] {
  return Object.values(tf.resource?.[type] ?? {});
}

export function resourceEntries(tf: TfJson, type: string): [string, Body][] {
  return Object.entries(tf.resource?.[type] ?? {});
}

export function onlyResource(tf: TfJson, type: string): Body {
  const all = resources(tf, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

export function dataSources(tf: TfJson, type: string): Body[] {
  return Object.values(tf.data?.[type] ?? {});
}

/** The parsed JSON of a policy attribute, with cdktf references left as strings. */
export function policyOf(body: Body, attr = "policy"): { Statement: Body[] } {
  return JSON.parse(body[attr] as string) as { Statement: Body[] };
}
