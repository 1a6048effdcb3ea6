/** modules/operator-access: the AccessGroup construct (its policies are evaluated in test/policy/operator-access). */
import {
  AccessGroup,
  portForwardDocumentName,
  SSH_DOCUMENT,
  UNLOGGED_DOCUMENTS,
  type AccessGroupProps,
} from "../../modules/operator-access";
import { SessionKey } from "../../modules/session-logging";
import { IamGroupPolicy, IamRolePolicy } from "../../modules/core/aws";
import { bodyOf, childBody, policyOf, refOf, resources, synthJson, testStack } from "../helpers/synth";

const account = { account: "111111111111", region: "eu-west-1" };

function group(props: Partial<AccessGroupProps> = {}, grant = true) {
  const stack = testStack();
  const key = new SessionKey(stack, "Key", { ...account, alias: "alias/bl-dev", logGroupNamePattern: "/bl/dev/*" });
  const g = new AccessGroup(stack, "Group", {
    ...account,
    name: "bl-dev-ops",
    description: "ops",
    instanceTags: { Team: ["ops"] },
    shellDocumentName: "SSM-SessionManagerRunShell",
    iamGroup: true,
    roleNames: ["developer"],
    preferencesDocumentName: "SSM-SessionManagerRunShell",
    ...props,
  });
  if (grant) key.grantSessionStart(g);
  const tf = synthJson(stack);
  // One group policy and one role policy (the role "developer"), each found through the construct that wrote it.
  expect([resources(tf, IamGroupPolicy).length, resources(tf, IamRolePolicy).length]).toEqual([1, 1]);
  return {
    group: g,
    keyArn: refOf(stack, key.keyArn),
    groupPolicy: policyOf(bodyOf(tf, g.groupPolicy!)).Statement,
    rolePolicy: policyOf(childBody(tf, g, "Roles/developer")).Statement,
  };
}

describe("UNLOGGED_DOCUMENTS", () => {
  // The one place the names are spelled outside the list: every other test, the policy and the access report read it.
  test("GIVEN the AWS-owned session documents THEN the list holds every one whose sessions Session Manager cannot log", () => {
    expect([...UNLOGGED_DOCUMENTS].sort()).toEqual([
      "AWS-StartInteractiveCommand",
      "AWS-StartNonInteractiveCommand",
      "AWS-StartPortForwardingSession",
      "AWS-StartPortForwardingSessionToRemoteHost",
      "AWS-StartSSHSession",
    ]);
    expect(UNLOGGED_DOCUMENTS).toContain(SSH_DOCUMENT);
  });
});

describe("AccessGroup", () => {
  test("GIVEN the session key WHEN it grants session start to the group THEN every policy of the group may create data keys with it, before the denies", () => {
    const { groupPolicy, rolePolicy, keyArn } = group();
    for (const statements of [groupPolicy, rolePolicy]) {
      const i = statements.findIndex((s) => s.Sid === "SessionKeyDataKey");
      expect(statements[i]).toEqual({
        Sid: "SessionKeyDataKey",
        Effect: "Allow",
        Action: "kms:GenerateDataKey",
        Resource: keyArn,
      });
      expect(statements.slice(0, i).every((s) => s.Effect === "Allow")).toBe(true);
      expect(statements.slice(i + 1).every((s) => s.Effect === "Deny")).toBe(true);
    }
  });

  test("GIVEN no grant (sessions not KMS-encrypted) THEN the group has no KMS permission at all", () => {
    const { groupPolicy } = group({}, false);
    expect(JSON.stringify(groupPolicy)).not.toContain("kms:");
  });

  test("GIVEN an expiring group WHEN granted session start THEN the grant expires with the group", () => {
    const { groupPolicy } = group({ expires: "2026-12-31T18:00:00Z" });
    expect(groupPolicy.find((s) => s.Sid === "SessionKeyDataKey")!.Condition).toEqual({
      DateLessThan: { "aws:CurrentTime": "2026-12-31T18:00:00Z" },
    });
  });

  test("GIVEN port-forward targets THEN each document is named by host and port; a name over 128 characters is refused", () => {
    expect(portForwardDocumentName("bl-dev-db", { host: "db.internal", port: 5432 })).toBe(
      "bl-dev-db-port-db.internal-5432",
    );
    expect(() => portForwardDocumentName("bl-dev-db", { host: `${"a".repeat(120)}.internal`, port: 5432 })).toThrow(
      /not 3-128 letters, digits/,
    );
  });
});
