/** modules/operator-access: the AccessGroup construct (its policies are evaluated in test/policy/operator-access). */
import {
  AccessGroup,
  IdentityStoreGroups,
  PermissionSetAccess,
  portForwardDocumentExpiries,
  portForwardDocumentName,
  SSH_DOCUMENT,
  UNLOGGED_DOCUMENTS,
  type AccessGroupProps,
} from "../../modules/operator-access";
import { SessionKey } from "../../modules/session-logging";
import {
  DataAwsIdentitystoreGroup,
  IamGroup,
  IamGroupPolicy,
  IamRolePolicy,
  SsmDocument,
  SsoadminAccountAssignment,
} from "../../modules/core/aws";
import {
  addressOf,
  bodyOf,
  childBody,
  dataSources,
  policyOf,
  refOf,
  resources,
  synthJson,
  testStack,
  type Body,
} from "../helpers/synth";

const account = { account: "111111111111", region: "eu-west-1" };

/** A shell group with an IAM group and the role developer. */
const SHELL_GROUP: AccessGroupProps = {
  ...account,
  name: "bl-dev-ops",
  description: "ops",
  instanceTags: { Team: ["ops"] },
  shellDocumentName: "SSM-SessionManagerRunShell",
  iamGroup: true,
  roleNames: ["developer"],
  preferencesDocumentName: "SSM-SessionManagerRunShell",
};

function group(props: Partial<AccessGroupProps> = {}, grant = true) {
  const stack = testStack();
  const key = new SessionKey(stack, "Key", { ...account, alias: "alias/bl-dev", logGroupNamePattern: "/bl/dev/*" });
  const g = new AccessGroup(stack, "Group", { ...SHELL_GROUP, ...props });
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

  test("GIVEN a policyRenderer THEN the group and role policies are what it makes of their statements (the MFA deny on the group's only)", () => {
    const stack = testStack();
    const g = new AccessGroup(stack, "Group", {
      ...SHELL_GROUP,
      policyRenderer: (statements) => statements.map((s) => s.sid).join(","),
    });
    const tf = synthJson(stack);
    const groupSids = String(bodyOf(tf, g.groupPolicy!).policy).split(",");
    const roleSids = String(childBody(tf, g, "Roles/developer").policy).split(",");
    expect(groupSids).toContain("DenySessionsWithoutMfa");
    expect(roleSids).not.toContain("DenySessionsWithoutMfa");
    expect(groupSids.filter((s) => s !== "DenySessionsWithoutMfa")).toEqual(roleSids);
  });

  test("GIVEN targets of which one expires THEN only its document has an expiry, by document name", () => {
    expect(
      portForwardDocumentExpiries("bl-dev-db", [
        { host: "db.internal", port: 5432, expires: "2026-12-31T18:00:00Z" },
        { host: "cache.internal", port: 6379 },
      ]),
    ).toEqual({ "bl-dev-db-port-db.internal-5432": "2026-12-31T18:00:00Z" });
    expect(portForwardDocumentExpiries("bl-dev-db", [])).toEqual({});
  });
});

describe("AccessGroup documents and principals", () => {
  test("GIVEN port-forward targets, one listed twice THEN one Port document per distinct host:port, accepting only that pair", () => {
    // GIVEN
    const stack = testStack();
    const target = { host: "db.internal", port: 5432 };
    // WHEN
    const g = new AccessGroup(stack, "Group", {
      ...account,
      name: "bl-dev-db",
      description: "db",
      instanceTags: { Team: ["db"] },
      portForwarding: [target, { host: "cache.internal", port: 6379 }, target],
      iamGroup: true,
      preferencesDocumentName: "SSM-SessionManagerRunShell",
    });
    // THEN
    const tf = synthJson(stack);
    expect(g.documentNames).toEqual(["bl-dev-db-port-db.internal-5432", "bl-dev-db-port-cache.internal-6379"]);
    expect(resources(tf, SsmDocument)).toHaveLength(2);
    const doc = childBody(tf, g, "PortForwarding/db.internal:5432");
    expect(doc).toMatchObject({
      name: "bl-dev-db-port-db.internal-5432",
      document_type: "Session",
      document_format: "JSON",
    });
    const content = JSON.parse(doc.content as string) as { sessionType: string; parameters: Record<string, Body> };
    expect(content.sessionType).toBe("Port");
    expect(content.parameters.host.allowedValues).toEqual(["db.internal"]);
    expect(content.parameters.portNumber.allowedValues).toEqual(["5432"]);
  });

  test("GIVEN roles and no IAM group THEN each distinct role gets the policy inline under the group's name, and no IAM group exists", () => {
    const stack = testStack();
    const g = new AccessGroup(stack, "Group", {
      ...account,
      name: "bl-dev-ops",
      description: "ops",
      instanceTags: { Team: ["ops"] },
      shellDocumentName: "SSM-SessionManagerRunShell",
      roleNames: ["developer", "oncall", "developer"],
      preferencesDocumentName: "SSM-SessionManagerRunShell",
    });
    const tf = synthJson(stack);
    expect(g.iamGroup).toBeUndefined();
    expect(resources(tf, IamGroup)).toEqual([]);
    expect(resources(tf, IamGroupPolicy)).toEqual([]);
    expect(resources(tf, IamRolePolicy)).toHaveLength(2);
    for (const role of ["developer", "oncall"])
      expect(childBody(tf, g, `Roles/${role}`)).toMatchObject({ name: "bl-dev-ops", role });
  });

  test("GIVEN no shell, no port forwarding and no ssh THEN the group is refused: it would grant no session", () => {
    expect(
      () =>
        new AccessGroup(testStack(), "Group", {
          ...account,
          name: "bl-dev-none",
          description: "nothing",
          instanceTags: { Team: ["ops"] },
          iamGroup: true,
          preferencesDocumentName: "SSM-SessionManagerRunShell",
        }),
    ).toThrow("AccessGroup bl-dev-none: grants no session type; give shellDocumentName, portForwarding or ssh");
  });
});

describe("PermissionSetAccess", () => {
  const instanceArn = "arn:aws:sso:::instance/ssoins-1234567890abcdef";
  const statements = [{ sid: "Shell", effect: "Allow" as const, actions: ["ssm:StartSession"], resources: ["*"] }];
  function access(groups: string[], second = false) {
    const stack = testStack();
    const lookup = new IdentityStoreGroups(stack, "Groups", "d-1234567890");
    const props = {
      instanceArn,
      description: "x".repeat(800),
      statements,
      accountId: "222222222222",
      groups,
      groupLookup: lookup,
    };
    const set = new PermissionSetAccess(stack, "Set", { ...props, name: "SessionManagerDev" });
    if (second) new PermissionSetAccess(stack, "Other", { ...props, name: "SessionManagerOther" });
    return { stack, set, lookup, tf: synthJson(stack) };
  }

  test("GIVEN two groups THEN one permission set with its inline policy, assigned to each group in the account, after the policy exists", () => {
    const { stack, set, lookup, tf } = access(["SRE", "Platform/Ops"]);
    expect(bodyOf(tf, set.permissionSet)).toMatchObject({
      name: "SessionManagerDev",
      instance_arn: instanceArn,
      session_duration: "PT1H",
      description: "x".repeat(700),
    });
    const inline = bodyOf(tf, set.inlinePolicy);
    expect(inline.permission_set_arn).toBe(refOf(stack, set.permissionSet.arn));
    expect(JSON.parse(inline.inline_policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "Shell", Effect: "Allow", Action: "ssm:StartSession", Resource: "*" }],
    });
    expect(set.assignments.map((a) => bodyOf(tf, a))).toEqual(
      ["SRE", "Platform/Ops"].map((name) =>
        expect.objectContaining({
          principal_type: "GROUP",
          principal_id: refOf(stack, lookup.groupId(name)),
          target_type: "AWS_ACCOUNT",
          target_id: "222222222222",
          permission_set_arn: refOf(stack, set.permissionSet.arn),
          depends_on: [addressOf(set.inlinePolicy)],
        }),
      ),
    );
  });

  test("GIVEN two permission sets naming the same groups THEN each group is looked up once, by display name", () => {
    const { lookup, tf } = access(["SRE", "Platform/Ops"], true);
    expect(resources(tf, SsoadminAccountAssignment)).toHaveLength(4);
    expect(lookup.displayNames).toEqual(["SRE", "Platform/Ops"]);
    expect(dataSources(tf, DataAwsIdentitystoreGroup)).toHaveLength(2);
    expect(dataSources(tf, DataAwsIdentitystoreGroup)).toEqual(
      expect.arrayContaining(
        ["SRE", "Platform/Ops"].map((name) => ({
          identity_store_id: "d-1234567890",
          alternate_identifier: { unique_attribute: { attribute_path: "DisplayName", attribute_value: name } },
        })),
      ),
    );
  });

  test("GIVEN no group THEN the permission set is refused: alone it grants nothing", () => {
    expect(() => access([])).toThrow(
      "PermissionSetAccess SessionManagerDev: name at least one Identity Center group; otherwise it grants nothing",
    );
  });
});
