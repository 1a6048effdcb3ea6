/**
 * Wiring of the prod example: the DHMC service setting names its role by name only, so Terraform must create the
 * role and policies first. (The construct itself is tested in test/modules/instance-access.test.ts.)
 */
import { Testing } from "../../modules/core/cdktf";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { addressOf, bodyOf, childElement, exampleConfig, synthJson } from "../helpers/synth";

test("GIVEN prod (Default Host Management on) THEN the service setting depends on its role, managed policy attachment and inline policy", () => {
  const stack = new EnvironmentStack(Testing.app(), "prod", { config: exampleConfig("prod") });
  const tf = synthJson(stack);
  const dhmc = stack.defaultHostManagement!;
  expect(bodyOf(tf, dhmc.setting).depends_on).toEqual(
    expect.arrayContaining([
      addressOf(dhmc.role),
      addressOf(childElement(dhmc, "DefaultInstancePolicy")),
      addressOf(dhmc.policy),
    ]),
  );
});
