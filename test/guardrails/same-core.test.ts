/**
 * One copy of the CDK core: an App runs only the aspects registered through its own copy of cdktf/cdktn, so a
 * consumer whose app imports `cdktn` next to the `cdktf` alias this library uses would synthesize without guardrails.
 */
import { Aspects, Testing, type IConstruct } from "../../modules/core/cdktf";
import { enableGuardrails } from "../../modules/guardrails";
import { errorRules, openIngress } from "../helpers/guardrails";
import { testStack } from "../helpers/synth";

type Core = typeof import("../../modules/core/cdktf");

/** A second, independent copy of the core, as npm installs when an app depends on both `cdktn` and `cdktf`. */
function secondCopyOfCore(): Core {
  let core: Core | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    core = require("../../modules/core/cdktf") as Core;
  });
  if (!core) throw new Error("isolateModules did not load the core");
  return core;
}

describe("guardrails and the copy of the CDK core", () => {
  test("GIVEN an App of another copy of the core WHEN an aspect is added through this copy THEN synth never visits it", () => {
    // GIVEN
    const other = secondCopyOfCore();
    const stack = new other.TerraformStack(other.Testing.app(), "consumer");
    const visited: IConstruct[] = [];
    // WHEN
    Aspects.of(stack).add({ visit: (node) => void visited.push(node) });
    other.Testing.synth(stack);
    // THEN: the premise of the check below (a silent loss of every guardrail)
    expect(visited).toEqual([]);
  });

  test("fails when the stack's App comes from another copy of the core, naming the fix", () => {
    // GIVEN
    const other = secondCopyOfCore();
    const stack = new other.TerraformStack(other.Testing.app(), "consumer");
    // WHEN / THEN
    expect(() => enableGuardrails(stack)).toThrow(
      /^enableGuardrails: the App of consumer comes from another copy of the CDK core .*Import App and TerraformStack from "cdktf"/,
    );
  });

  test("GIVEN an App of the same copy WHEN guardrails are enabled THEN synth runs the rules, and the aspects added after them", () => {
    // GIVEN a stack with an ingress rule open to the internet
    const stack = testStack();
    openIngress(stack);
    const visited: IConstruct[] = [];
    // WHEN
    enableGuardrails(stack);
    Aspects.of(stack).add({ visit: (node) => void visited.push(node) });
    Testing.synth(stack);
    // THEN the rule found it, and the later aspect still visited the stack
    expect(errorRules(stack)).toEqual(["BL-NET-001"]);
    expect(visited).toContain(stack);
  });
});
