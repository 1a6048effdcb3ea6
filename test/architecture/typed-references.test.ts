/**
 * Typed references instead of string ARNs (aws-cdk: "instead of keyArn, use kms.IKey"): no construct's props take a
 * resource by a string `…Arn`/`…KeyId` where this library, or the provider, has the resource as an object. Each
 * exception below says why the ARN is the right input; a new string ARN prop fails this test until it takes a
 * reference or is listed here with its reason.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT, tsFiles } from "../helpers/source-files";

/** `Props.prop` of every top-level prop of an exported `…Props` interface whose name ends in Arn, Arns or KeyId. */
export function stringArnProps(text: string): string[] {
  return [...text.matchAll(/^export interface (\w+Props)\b[^{]*\{\n([\s\S]*?)^\}/gm)].flatMap(([, name, body]) =>
    [...body.matchAll(/^ {2}readonly (\w+?(?:Arn|Arns|KeyId))\??: ([^;]+);/gm)]
      .filter(([, , type]) => /^(readonly )?string(\[\])?$/.test(type.trim()))
      .map(([, prop]) => `${name}.${prop}`),
  );
}

/** The string ARNs that stay, and why. */
const EXCEPTIONS: Record<string, string> = {
  "PrivateVpcProps.permissionsBoundaryArn":
    "the boundary is a policy another stack or the account owns, known by its derived ARN (stacks/permissions-boundary.ts)",
  "ServiceRoleProps.permissionsBoundaryArn": "as PrivateVpcProps.permissionsBoundaryArn",
  "InstanceRoleProps.permissionsBoundaryArn": "as PrivateVpcProps.permissionsBoundaryArn",
  "DefaultHostManagementProps.permissionsBoundaryArn": "as PrivateVpcProps.permissionsBoundaryArn",
  "SessionKeyProps.cloudTrailArn":
    "the key policy must name the trail before the trail exists (the trail encrypts with this key): a derived ARN",
  "IdentityCenterPlacementCheckProps.instanceArn":
    "the Identity Center instance belongs to the organization, not to any stack: given by configuration",
  "PermissionSetAccessProps.instanceArn": "as IdentityCenterPlacementCheckProps.instanceArn",
  "SessionLogBucketProps.breakGlassRoleArn":
    "the break-glass role belongs to the organization's incident process, not to any stack: given by configuration",
  "SessionPreferencesProps.kmsKeyId":
    "the preferences document takes a key id, ARN or alias (an alias names the key without its account)",
};

describe("typed references for resources", () => {
  test("the scan finds string ARN props of Props interfaces, not typed ones or other interfaces", () => {
    const text = [
      "export interface FooProps {",
      "  readonly keyArn: string;",
      "  readonly topicArns?: readonly string[];",
      "  readonly key: IEncryptionKey;",
      "  readonly nested: { readonly bucketArn: string };",
      "}",
      "export interface IEncryptionKey {",
      "  readonly keyArn: string;",
      "}",
    ].join("\n");
    expect(stringArnProps(text)).toEqual(["FooProps.keyArn", "FooProps.topicArns"]);
  });

  test("GIVEN the modules WHEN scanned THEN every string ARN prop is a listed exception, and every exception still exists", () => {
    const found = tsFiles("modules").flatMap((f) => stringArnProps(fs.readFileSync(path.join(ROOT, f), "utf8")));
    expect(found.filter((p) => !(p in EXCEPTIONS))).toEqual([]);
    expect(Object.keys(EXCEPTIONS).filter((p) => !found.includes(p))).toEqual([]);
  });
});
