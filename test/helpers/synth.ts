/**
 * Test helpers: synthesize a stack to parsed Terraform JSON and look resources up by their provider class
 * (`resources(tf, IamRolePolicy)` reads `IamRolePolicy.tfResourceType`), by the construct that made them
 * (`bodyOf(tf, construct.bucket)`, `childBody(tf, construct, "Policy")`) and by the references the stack writes
 * (`refOf(stack, key.keyArn)` = `${aws_kms_key.Key_1A2B3C4D.arn}`), never by Terraform type strings or fragments
 * of generated names.
 */
import {
  resolveTokens,
  Testing,
  TerraformDataSource,
  TerraformResource,
  TerraformStack,
  type IConstruct,
} from "../../modules/core/cdktf";
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

export { ENV_DIR, exampleConfig, exampleInput } from "./examples";

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

/** A provider class (resource or data source): its static `tfResourceType` is the Terraform type name. */
export interface ProviderClass {
  readonly tfResourceType: string;
}
/** A provider class, or (for tests not yet moved to classes) the Terraform type name itself. */
export type ResourceType = ProviderClass | string;

const typeName = (type: ResourceType): string => (typeof type === "string" ? type : type.tfResourceType);

export function resources(tf: TfJson, type: ResourceType): Body[] {
  return Object.values(tf.resource?.[typeName(type)] ?? {});
}

export function resourceEntries(tf: TfJson, type: ResourceType): [string, Body][] {
  return Object.entries(tf.resource?.[typeName(type)] ?? {});
}

/** The resources of a type by their Terraform name (the construct's logical id). */
export function resourcesByName(tf: TfJson, type: ResourceType): Record<string, Body> {
  return tf.resource?.[typeName(type)] ?? {};
}

export function onlyResource(tf: TfJson, type: ResourceType): Body {
  const all = resources(tf, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${typeName(type)}, found ${all.length}`);
  return all[0];
}

export function dataSources(tf: TfJson, type: ResourceType): Body[] {
  return Object.values(tf.data?.[typeName(type)] ?? {});
}

/** The Terraform address of a resource or data source: `aws_s3_bucket.Name_1A2B3C4D`, `data.aws_vpc.Name_…`. */
export function addressOf(element: TerraformResource | TerraformDataSource): string {
  const address = `${element.terraformResourceType}.${element.friendlyUniqueId}`;
  return element instanceof TerraformDataSource ? `data.${address}` : address;
}

/** The synthesized body of a resource or data source the test holds (a construct's typed field). */
export function bodyOf(tf: TfJson, element: TerraformResource | TerraformDataSource): Body {
  const block = element instanceof TerraformDataSource ? tf.data : tf.resource;
  const body = block?.[element.terraformResourceType]?.[element.friendlyUniqueId];
  if (!body) throw new Error(`${addressOf(element)} (${element.node.path}) is not in the synthesized stack`);
  return body;
}

/** The synthesized body of the resource or data source with construct id `id` under `scope` (an id path: "A/B"). */
export function childBody(tf: TfJson, scope: IConstruct, id: string): Body {
  return bodyOf(tf, childElement(scope, id));
}

/** The resource or data source with construct id `id` under `scope`. */
export function childElement(scope: IConstruct, id: string): TerraformResource | TerraformDataSource {
  const found = id.split("/").reduce<IConstruct>((c, part) => c.node.findChild(part), scope);
  if (!(found instanceof TerraformResource || found instanceof TerraformDataSource))
    throw new Error(`${found.node.path} is not a resource or data source`);
  return found;
}

/** What a token (an attribute of a construct) is written as in the synthesized JSON: `${aws_kms_key.Key_….arn}`. */
export function refOf(scope: IConstruct, token: string): string {
  return resolveTokens(scope, token);
}

/** The parsed JSON of a policy attribute, with cdktf references left as strings. */
export function policyOf(body: Body, attr = "policy"): { Statement: Body[] } {
  return JSON.parse(body[attr] as string) as { Statement: Body[] };
}
