/**
 * The guardrail model resolves each element's configuration with resolveData (which walks plain data itself and
 * hands cdktn's token resolution only the values that hold a token) and indexes the references of companion resources
 * once per stack (attachedTo): both only save work, so what the rules see and what the stack writes must be exactly
 * what full resolution gives.
 */
import * as path from "path";
import { loadCiConfig } from "../../loader/ci";
import { loadIdentity } from "../../loader/identity";
import { loadEnvironments } from "../../loader/load";
import {
  App,
  Aspects,
  Fn,
  Lazy,
  ref,
  resolveData,
  resolveTokens,
  TerraformDataSource,
  TerraformResource,
  TerraformStack,
  Testing,
  Token,
  type Construct,
} from "../../modules/core/cdktf";
import { allRules, enableGuardrails } from "../../modules/guardrails";
import { S3Bucket, S3BucketVersioningA } from "../../modules/core/aws";
import { StackModel } from "../../modules/guardrails/model";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { CiStack } from "../../stacks/ci-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { IdentityCenterStack } from "../../stacks/identity-center-stack";
import { errorRules, openIngress } from "../helpers/guardrails";
import { synthJson, testStack } from "../helpers/synth";

const CONFIG = path.join(__dirname, "..", "..", "config");

/** Every stack of the example app, as main.ts builds them (environments, identity, bootstrap, ci). */
function exampleApp(): TerraformStack[] {
  const environments = loadEnvironments(path.join(CONFIG, "environments"));
  const configs = environments.map((e) => e.config);
  const ci = loadCiConfig(
    path.join(CONFIG, "ci.yaml"),
    configs.map((c) => c.name),
  )!;
  const identity = loadIdentity(path.join(CONFIG, "identity.yaml"), environments)!;
  const app = new App();
  return [
    ...configs.map((config) => new EnvironmentStack(app, config.name, { config })),
    new IdentityCenterStack(app, "identity", { identity: identity.config, environments: configs, ci }),
    new BootstrapStack(app, "bootstrap", { environments: configs, identity: identity.config }),
    new CiStack(app, "ci", { environments: configs, ci }),
  ];
}

describe("resolveData: token resolution that walks plain data itself", () => {
  test("GIVEN every resource and data source of every stack of the example app THEN resolveData gives exactly what full token resolution gives", () => {
    let elements = 0;
    for (const stack of exampleApp()) {
      for (const c of stack.node.findAll()) {
        if (!(c instanceof TerraformResource || c instanceof TerraformDataSource)) continue;
        elements++;
        expect(resolveData(stack, c.toTerraform())).toStrictEqual(resolveTokens(stack, c.toTerraform()));
      }
    }
    expect(elements).toBeGreaterThan(200);
  });

  test("GIVEN every kind of token, token-like text and non-plain value THEN each is resolved as full resolution resolves it", () => {
    const stack = testStack();
    const bucket = new S3Bucket(stack, "B", { bucket: "b" });
    class Thing {
      public readonly a = 1;
      public readonly b = undefined;
    }
    const when = new Date(0);
    const input = {
      unset: undefined,
      plain: { s: "text with ${var.x} and 1e5 e+ -e-", n: 42, t: true, f: false, z: null, d: when },
      items: [undefined, 1, "a", { c: undefined, d: "x" }],
      withToken: `arn:${bucket.arn}/*`,
      embeddedNumber: `port ${Token.asString(Token.asNumber(Lazy.numberValue({ produce: () => 443 })))}`,
      rawNumberToken: Token.asNumber(Lazy.numberValue({ produce: () => 7 })),
      numberInText: `n=${Token.asNumber(Lazy.numberValue({ produce: () => 8 }))}`,
      listToken: Token.asList(Lazy.listValue({ produce: () => ["l1", "l2"] })),
      listReference: Token.asList(ref("var.names")),
      tokenInArray: ["a", bucket.bucket, { e: bucket.arn }],
      numberList: Token.asNumberList(Lazy.anyValue({ produce: () => [1, 2] })),
      map: Token.asStringMap(Lazy.anyValue({ produce: () => ({ k: "v" }) })),
      tokenObject: Lazy.anyValue({ produce: () => ({ nested: bucket.id, gone: undefined }) }),
      literalToken: { resolve: () => "y" },
      [`key-${bucket.bucket}`]: "value under a token key",
      call: Fn.join(",", ["a", bucket.bucket]),
      instance: new Thing(),
    };
    const expected = resolveTokens(stack, input);
    expect(resolveData(stack, input)).toStrictEqual(expected);
    // and the cases that must stay as written
    const out = resolveData(stack, input) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(Object.keys(expected as object));
    expect(out).not.toHaveProperty("unset");
    expect(out.plain).toEqual({ s: "text with ${var.x} and 1e5 e+ -e-", n: 42, t: true, f: false, z: null, d: when });
    expect((out.plain as { d: Date }).d).toBe(when);
    expect(out.items).toEqual([1, "a", { d: "x" }]);
    expect(out.withToken).toBe("arn:${aws_s3_bucket.B.arn}/*");
    expect(out.tokenInArray).toEqual(["a", "${aws_s3_bucket.B.bucket}", { e: "${aws_s3_bucket.B.arn}" }]);
  });

  test("GIVEN a function, a construct or a map token in a string THEN resolveData refuses them as full resolution does", () => {
    const stack = testStack();
    const scope: Construct = new S3Bucket(stack, "B", { bucket: "b" });
    for (const bad of [
      { f: () => 1 },
      { c: scope },
      { s: Token.STRING_MAP_TOKEN_VALUE },
      { n: Token.NUMBER_MAP_TOKEN_VALUE },
    ]) {
      expect(() => resolveTokens(stack, bad)).toThrow();
      expect(() => resolveData(stack, bad)).toThrow();
    }
  });
});

describe("StackModel.attachedTo", () => {
  test("GIVEN companions attached by reference, by literal name and to another bucket THEN each bucket gets exactly its own, in stack order", () => {
    const stack = testStack();
    const a = new S3Bucket(stack, "A", { bucket: "bucket-a" });
    const b = new S3Bucket(stack, "B", { bucket: "bucket-b" });
    const byRefA = new S3BucketVersioningA(stack, "VA", {
      bucket: a.id,
      versioningConfiguration: { status: "Enabled" },
    });
    const byNameB = new S3BucketVersioningA(stack, "VB", {
      bucket: "bucket-b",
      versioningConfiguration: { status: "Enabled" },
    });
    const byNameA = new S3BucketVersioningA(stack, "VA2", {
      bucket: "bucket-a",
      versioningConfiguration: { status: "Enabled" },
    });
    const model = new StackModel(stack as TerraformStack);
    const bucket = (r: S3Bucket) => model.resources("aws_s3_bucket").find((x) => x.construct === r)!;
    const attached = (r: S3Bucket) => model.attachedTo(bucket(r), "aws_s3_bucket_versioning").map((x) => x.construct);
    expect(attached(a)).toEqual([byRefA, byNameA]);
    expect(attached(b)).toEqual([byNameB]);
    // and the model's configuration is what the stack writes
    const tf = synthJson(stack);
    expect(bucket(a).config.bucket).toBe(tf.resource?.aws_s3_bucket?.[a.friendlyUniqueId]?.bucket);
  });
});

describe("the guardrail model's lifetime", () => {
  test("GIVEN a stack synthesized, then given an open ingress rule and synthesized again THEN the second synth reports it (each synth builds its own model)", () => {
    const stack = testStack();
    enableGuardrails(stack);
    Testing.synth(stack);
    expect(errorRules(stack)).toEqual([]);
    openIngress(stack);
    Testing.synth(stack);
    expect(errorRules(stack)).toEqual(["BL-NET-001"]);
  });

  test("GIVEN one rule added as an aspect of its own THEN it too checks each synth against the stack as it is then", () => {
    const stack = testStack();
    Aspects.of(stack).add(allRules().find((r) => r.id === "BL-NET-001")!);
    Testing.synth(stack);
    expect(errorRules(stack)).toEqual([]);
    openIngress(stack);
    Testing.synth(stack);
    expect(errorRules(stack)).toEqual(["BL-NET-001"]);
  });
});
