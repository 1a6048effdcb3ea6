/**
 * Adversarial review of the operator policies: an attacker holds an operator policy and broad rights elsewhere
 * (EC2 full access, the Resource Groups Tagging API, EC2 Auto Scaling, Systems Manager) and tries every other way to
 * put an instance into reach or to reach one that is not theirs. Each path is evaluated with the IAM engine; a path
 * IAM cannot close from the operator's side is named in docs/access-in-an-organization.md ("Tagging paths").
 */
import { loadEnvironments } from "../../loader/load";
import { UNLOGGED_DOCUMENTS } from "../../modules/operator-access";
import { evaluate, type Request } from "../../ops/lib/iam-evaluate";
import { accessGroupPolicy, instanceArn, synthEnvironment } from "../helpers/policies";
import { ENV_DIR, type TfJson } from "../helpers/synth";

const configs = Object.fromEntries(loadEnvironments(ENV_DIR).map((e) => [e.config.name, e.config]));
const DEV = { account: "111111111111", region: "eu-west-1" };
const alice = "arn:aws:iam::111111111111:user/alice";
const ALLOW_ALL_OF = (...actions: string[]) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }],
});
const TAGGING_API = ALLOW_ALL_OF("tag:*", "ec2:*");
const AUTO_SCALING = ALLOW_ALL_OF("autoscaling:*", "ec2:*");
const SSM_FULL = ALLOW_ALL_OF("ssm:*");

const req = (action: string, resource: string, context: Record<string, string | string[]> = {}): Request => ({
  principal: alice,
  action,
  resource,
  context: { "aws:MultiFactorAuthPresent": "true", "aws:userid": "AIDAALICE", ...context },
});

describe("GIVEN an operator of dev's platform-shell group who also holds broad rights", () => {
  let tf: TfJson;
  let shell: object;
  beforeAll(() => {
    tf = synthEnvironment(configs.dev);
    shell = accessGroupPolicy(tf, DEV, "platform-shell", "group");
  });

  describe("the Resource Groups Tagging API (tag:TagResources / tag:UntagResources)", () => {
    test("(control) WITHOUT the operator policy the tagging API lets them set Team", async () => {
      expect(await evaluate(req("tag:TagResources", "*", { "aws:TagKeys": ["bastionless:team"] }), [TAGGING_API])).toBe(
        "Allowed",
      );
    });
    test("WHEN they set or remove an access tag key through it (any case) THEN it is explicitly denied", async () => {
      for (const [action, keys] of [
        ["tag:TagResources", ["bastionless:team"]],
        ["tag:TagResources", ["Name", "BASTIONLESS:Tier"]],
        ["tag:UntagResources", ["bastionless:tier"]],
      ] as const)
        expect([
          action,
          keys,
          await evaluate(req(action, "*", { "aws:TagKeys": [...keys] }), [shell, TAGGING_API]),
        ]).toEqual([action, keys, "ExplicitlyDenied"]);
    });
    test("WHEN they tag Name through it THEN it is allowed", async () => {
      expect(await evaluate(req("tag:TagResources", "*", { "aws:TagKeys": ["Name"] }), [shell, TAGGING_API])).toBe(
        "Allowed",
      );
    });
    test("AND the EC2 call the tagging API makes for them (ec2:CreateTags on the instance) is denied as well", async () => {
      const ctx = {
        "aws:TagKeys": ["bastionless:team"],
        "aws:RequestTag/bastionless:team": "platform",
        "aws:CalledVia": ["tagging.amazonaws.com"],
      };
      expect(await evaluate(req("ec2:CreateTags", instanceArn(DEV), ctx), [shell, TAGGING_API])).toBe(
        "ExplicitlyDenied",
      );
    });
  });

  describe("EC2 Auto Scaling group tags (PropagateAtLaunch: the service-linked role tags the instances)", () => {
    const group = `arn:aws:autoscaling:${DEV.region}:${DEV.account}:autoScalingGroup:0f1e2d3c-1111-2222-3333-444455556666:autoScalingGroupName/web`;
    test("(control) WITHOUT the operator policy Auto Scaling rights let them create a group tagging Team", async () => {
      expect(
        await evaluate(req("autoscaling:CreateAutoScalingGroup", group, { "aws:TagKeys": ["bastionless:team"] }), [
          AUTO_SCALING,
        ]),
      ).toBe("Allowed");
    });
    test("WHEN they create a group, or add a tag to one, carrying an access key THEN it is explicitly denied", async () => {
      for (const action of ["autoscaling:CreateAutoScalingGroup", "autoscaling:CreateOrUpdateTags"])
        expect([
          action,
          await evaluate(req(action, group, { "aws:TagKeys": ["bastionless:team"] }), [shell, AUTO_SCALING]),
        ]).toEqual([action, "ExplicitlyDenied"]);
    });
    test("WHEN the group's tags are only Name THEN it is allowed", async () => {
      expect(
        await evaluate(req("autoscaling:CreateAutoScalingGroup", group, { "aws:TagKeys": ["Name"] }), [
          shell,
          AUTO_SCALING,
        ]),
      ).toBe("Allowed");
    });
  });

  describe("Systems Manager managed nodes (hybrid, mi-*) tagged through ssm:AddTagsToResource", () => {
    const node = `arn:aws:ssm:${DEV.region}:${DEV.account}:managed-instance/mi-0123456789abcdef0`;
    test("WHEN they tag a managed node bastionless:team=platform and start a session on it THEN our policy grants nothing there", async () => {
      // Tagging a node is theirs to do with SSM rights; access is granted on EC2 instance ARNs only.
      expect(
        await evaluate(req("ssm:AddTagsToResource", node, { "aws:TagKeys": ["bastionless:team"] }), [shell, SSM_FULL]),
      ).toBe("Allowed");
      expect(
        await evaluate(
          req("ssm:StartSession", node, {
            "ssm:resourceTag/bastionless:team": "platform",
            "ssm:SessionDocumentAccessCheck": "true",
          }),
          [shell],
        ),
      ).toBe("ImplicitlyDenied");
    });
  });

  describe("documents other than the group's own", () => {
    const doc = (name: string, account = DEV.account) => `arn:aws:ssm:${DEV.region}:${account}:document/${name}`;
    test("WHEN they start a session with a Session document of their own making THEN our policy grants nothing", async () => {
      expect(await evaluate(req("ssm:StartSession", doc("my-root-shell")), [shell])).toBe("ImplicitlyDenied");
    });
    test("WHEN they use a document of the same name shared from another account THEN our policy grants nothing", async () => {
      expect(await evaluate(req("ssm:StartSession", doc("SSM-SessionManagerRunShell", "444444444444")), [shell])).toBe(
        "ImplicitlyDenied",
      );
    });
    test("WHEN they use an unlogged AWS document while holding ssm:* elsewhere THEN it is explicitly denied", async () => {
      for (const name of UNLOGGED_DOCUMENTS)
        expect([name, await evaluate(req("ssm:StartSession", doc(name)), [shell, SSM_FULL])]).toEqual([
          name,
          "ExplicitlyDenied",
        ]);
    });
  });
});
