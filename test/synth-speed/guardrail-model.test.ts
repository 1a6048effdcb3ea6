/**
 * The guardrail model resolves elements without their unset attributes (withoutUndefined) and
 * model indexes the references of companion resources once per stack (attachedTo): both only save work, so what the
 * rules see and what the stack writes must be exactly what full resolution gives.
 */
import {
  App,
  Lazy,
  resolveTokens,
  TerraformDataSource,
  TerraformResource,
  TerraformStack,
  withoutUndefined,
} from "../../modules/core/cdktf";
import { S3Bucket, S3BucketVersioningA } from "../../modules/core/aws";
import { StackModel } from "../../modules/guardrails/model";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { exampleConfig, synthJson, testStack } from "../helpers/synth";

describe("withoutUndefined before token resolution", () => {
  test.each(["dev", "staging", "prod"])(
    "GIVEN every resource and data source of the %s example stack THEN resolving without unset attributes gives the same configuration",
    (name) => {
      const stack = new EnvironmentStack(new App(), name, { config: exampleConfig(name) });
      const elements = stack.node
        .findAll()
        .filter((c) => c instanceof TerraformResource || c instanceof TerraformDataSource);
      expect(elements.length).toBeGreaterThan(20);
      for (const e of elements) {
        const full = resolveTokens(stack, e.toTerraform());
        expect(resolveTokens(stack, withoutUndefined(e.toTerraform()))).toEqual(full);
      }
    },
  );

  test("GIVEN tokens, class instances, token-shaped keys and undefined list items THEN they are kept as they are", () => {
    const token = Lazy.stringValue({ produce: () => "x" });
    const literalToken = { resolve: () => "y", extra: undefined };
    class Thing {
      public readonly a = undefined;
    }
    const thing = new Thing();
    const input = {
      a: undefined,
      b: [undefined, 1, { c: undefined, d: token }],
      e: literalToken,
      f: thing,
      "${x}": undefined,
    };
    const out = withoutUndefined(input) as Record<string, unknown>;
    expect(out).toEqual({ b: [undefined, 1, { d: token }], e: literalToken, f: thing, "${x}": undefined });
    expect(Object.keys(out)).toEqual(["b", "e", "f", "${x}"]);
    expect(out.e).toBe(literalToken);
    expect(out.f).toBe(thing);
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
