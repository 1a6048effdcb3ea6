/**
 * shareResolvedRenderings: the main job's writing pass may take each element as the guardrails resolved it (the
 * bundle's edit of TerraformStack.toTerraform, synth/launcher.js) only when nothing can change an element in between.
 * A wrong "yes" would write a stale resource to cdk.tf.json, so the refusals matter as much as the kept renderings.
 */
import {
  App,
  Aspects,
  Construct,
  resolveTokens,
  TerraformStack,
  Testing,
  type IConstruct,
} from "../../modules/core/cdktf";
import { S3Bucket, S3BucketPolicy } from "../../modules/core/aws";
import { enableGuardrails } from "../../modules/guardrails";
import { shareResolvedRenderings } from "../../modules/guardrails/guardrails";
import { RESOLVED_RENDERINGS } from "../../modules/guardrails/model";

/** A stack with guardrails and a bucket whose policy refers to it (a token the guardrails resolve). */
function guardedStack(app: App = Testing.app()): { stack: TerraformStack; bucket: S3Bucket } {
  const stack = new TerraformStack(app, "guarded");
  const bucket = new S3Bucket(stack, "Logs", { bucket: "logs-111111111111" });
  new S3BucketPolicy(stack, "LogsPolicy", {
    bucket: bucket.id,
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*" }] }),
  });
  enableGuardrails(stack);
  return { stack, bucket };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- not exported by the core's index
const { addCustomSynthesis } = require("cdktf/lib/synthesize/synthesizer") as {
  addCustomSynthesis(construct: IConstruct, synthesis: { onSynthesize(session: unknown): void }): void;
};

const kept = (stack: TerraformStack) =>
  (stack as unknown as Record<symbol, Map<IConstruct, unknown> | undefined>)[RESOLVED_RENDERINGS];

/** An aspect of the app's own, which might change constructs after the guardrails looked at them. */
const rename = { visit: (node: IConstruct) => node instanceof S3Bucket && (node.bucket = "renamed-111111111111") };

describe("sharing the guardrails' resolved renderings with the writing pass", () => {
  test("GIVEN a stack whose only aspects are guardrails THEN it is shared, and each kept rendering is the element resolved", () => {
    const { stack, bucket } = guardedStack();
    expect(shareResolvedRenderings(stack)).toBe(true);
    Testing.synth(stack, false);
    const renderings = kept(stack)!;
    expect(renderings.get(bucket)).toBeDefined(); // the bucket rules read it
    expect(renderings.size).toBeGreaterThan(0);
    for (const [element, rendering] of renderings)
      expect(rendering).toEqual(resolveTokens(stack, (element as S3Bucket).toTerraform()));
  });

  test("GIVEN an aspect of the App's own (inherited by every construct) THEN it is not shared", () => {
    const app = Testing.app();
    const { stack } = guardedStack(app);
    Aspects.of(app).add(rename);
    expect(shareResolvedRenderings(stack)).toBe(false);
    expect(kept(stack)).toBeUndefined();
  });

  test("GIVEN an aspect on one construct deep in the stack THEN it is not shared", () => {
    const { stack } = guardedStack();
    Aspects.of(new Construct(stack, "Deep")).add(rename);
    expect(shareResolvedRenderings(stack)).toBe(false);
  });

  test("GIVEN a construct with a custom synthesis (run between the aspects and the write) THEN it is not shared", () => {
    const { stack } = guardedStack();
    // (as TerraformAsset registers its copy of files: through the core's own function)
    addCustomSynthesis(new Construct(stack, "Asset"), { onSynthesize: () => undefined });
    expect(shareResolvedRenderings(stack)).toBe(false);
  });

  test("GIVEN a stack without the call THEN nothing is kept (library users' synths are unchanged)", () => {
    const { stack } = guardedStack();
    Testing.synth(stack, false);
    expect(kept(stack)).toBeUndefined();
  });
});
