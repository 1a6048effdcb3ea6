/** The DHMC service setting names its role by name only, so Terraform must create the role and policies first. */
import { Testing } from "../../modules/core/cdktf";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { exampleConfig, resourceEntries, synthJson } from "../helpers/synth";

test("GIVEN prod (Default Host Management on) THEN the service setting depends on its role, managed policy attachment and inline policy", () => {
  const tf = synthJson(new EnvironmentStack(Testing.app(), "prod", { config: exampleConfig("prod") }));
  const [[, setting]] = resourceEntries(tf, "aws_ssm_service_setting");
  const role = resourceEntries(tf, "aws_iam_role").find(([n]) => n.startsWith("DefaultHostManagement"))![0];
  const attachment = resourceEntries(tf, "aws_iam_role_policy_attachment").find(([n]) =>
    n.startsWith("DefaultHostManagement"),
  )![0];
  const policy = resourceEntries(tf, "aws_iam_role_policy").find(([n]) => n.startsWith("DefaultHostManagement"))![0];
  expect(setting.depends_on).toEqual(
    expect.arrayContaining([
      `aws_iam_role.${role}`,
      `aws_iam_role_policy_attachment.${attachment}`,
      `aws_iam_role_policy.${policy}`,
    ]),
  );
});
