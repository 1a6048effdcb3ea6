/** modules/session-preferences: the preferences document. */
import { SessionPreferences, sessionDocumentContent } from "../../modules/session-preferences";
import { SsmDocument } from "../../modules/core/aws";
import { addressOf, onlyResource, synthJson, testStack } from "../helpers/synth";
import { check } from "../helpers/guardrails";

const keyArn = "arn:aws:kms:eu-west-1:111111111111:key/k";

describe("session preferences document", () => {
  const full = {
    s3: { bucketName: "bl-dev-logs", keyPrefix: "dev" },
    cloudWatch: { logGroupName: "/bl/dev/sessions" },
    kmsKeyId: keyArn,
  };

  test("exactly the AWS Session schema with the right JSON types (timeouts are strings, flags are booleans)", () => {
    const stack = testStack();
    new SessionPreferences(stack, "Prefs", {
      ...full,
      idleSessionTimeoutMinutes: 15,
      maxSessionDurationMinutes: 120,
      runAsDefaultUser: "ops",
      shellProfile: { linux: "exec bash -l" },
    });
    const doc = onlyResource(synthJson(stack), SsmDocument);
    expect(doc).toMatchObject({
      name: "SSM-SessionManagerRunShell",
      document_type: "Session",
      document_format: "JSON",
    });
    expect(JSON.parse(doc.content as string)).toEqual({
      schemaVersion: "1.0",
      description: "Session Manager preferences (managed by bastionless)",
      sessionType: "Standard_Stream",
      inputs: {
        s3BucketName: "bl-dev-logs",
        s3KeyPrefix: "dev",
        s3EncryptionEnabled: true,
        cloudWatchLogGroupName: "/bl/dev/sessions",
        cloudWatchEncryptionEnabled: true,
        cloudWatchStreamingEnabled: true,
        kmsKeyId: keyArn,
        runAsEnabled: true,
        runAsDefaultUser: "ops",
        idleSessionTimeout: "15",
        maxSessionDuration: "120",
        shellProfile: { windows: "", linux: "exec bash -l" },
      },
    });
  });

  // checkov CKV_AWS_112: inputs.kmsKeyId is set. CKV_AWS_113: s3EncryptionEnabled or cloudWatchEncryptionEnabled is true.
  const ckv112 = (c: ReturnType<typeof sessionDocumentContent>) =>
    typeof c.inputs.kmsKeyId === "string" && c.inputs.kmsKeyId !== "";
  const ckv113 = (c: ReturnType<typeof sessionDocumentContent>) =>
    c.inputs.s3EncryptionEnabled === true || c.inputs.cloudWatchEncryptionEnabled === true;

  test("passes checkov's CKV_AWS_112 and CKV_AWS_113 logic with either destination", () => {
    for (const props of [full, { s3: full.s3, kmsKeyId: keyArn }, { cloudWatch: full.cloudWatch, kmsKeyId: keyArn }]) {
      const content = sessionDocumentContent(props);
      expect(ckv112(content)).toBe(true);
      expect(ckv113(content)).toBe(true);
    }
  });

  test("only the named waivers fail them, and without a waiver the construct refuses", () => {
    expect(() => sessionDocumentContent({ s3: full.s3 })).toThrow(/kmsKeyId is required/);
    expect(() => sessionDocumentContent({ kmsKeyId: keyArn })).toThrow(/no log destination/);
    expect(ckv112(sessionDocumentContent({ s3: full.s3, waiveKmsEncryption: "sandbox, no customer data" }))).toBe(
      false,
    );
    expect(ckv113(sessionDocumentContent({ kmsKeyId: keyArn, waiveLogging: "throwaway lab account" }))).toBe(false);
  });

  test("waiveDestinationEncryptionCheck: the agent's encryption checks are off, the finding is suppressed with the reason", () => {
    const reason = "other teams' instances share this account";
    const content = sessionDocumentContent({ ...full, waiveDestinationEncryptionCheck: reason });
    expect(content.inputs).toMatchObject({
      s3BucketName: "bl-dev-logs",
      s3EncryptionEnabled: false,
      cloudWatchLogGroupName: "/bl/dev/sessions",
      cloudWatchEncryptionEnabled: false,
      kmsKeyId: keyArn,
    });
    expect(ckv113(content)).toBe(false);
    const reported = check(
      (stack) => new SessionPreferences(stack, "Prefs", { ...full, waiveDestinationEncryptionCheck: reason }),
    );
    expect(reported.filter((r) => r.level === "error")).toEqual([]);
    expect(reported.suppressed.map((f) => [f.rule, f.reason])).toEqual([["BL-SES-001", reason]]);
    const unwaived = check((stack) => new SessionPreferences(stack, "Prefs", full));
    expect(unwaived.suppressed).toEqual([]);
  });

  test.each([
    [{ idleSessionTimeoutMinutes: 0 }, /idleSessionTimeoutMinutes 0 is out of range; allowed: whole minutes 1-60/],
    [{ idleSessionTimeoutMinutes: 61 }, /idleSessionTimeoutMinutes 61 is out of range/],
    [
      { maxSessionDurationMinutes: 1441 },
      /maxSessionDurationMinutes 1441 is out of range; allowed: whole minutes 1-1440/,
    ],
    [{ runAsDefaultUser: "root" }, /"root" is not supported/],
    [{ runAsDefaultUser: "Bad User" }, /is not a Linux user name/],
  ])("refuses %j", (bad, message) => {
    expect(() => sessionDocumentContent({ ...full, ...bad })).toThrow(message);
  });

  test("adopt: an import block for the existing document instead of a failing create", () => {
    const stack = testStack();
    const prefs = new SessionPreferences(stack, "Prefs", { ...full, adoptExisting: true });
    const tf = synthJson(stack);
    expect(tf.import).toEqual([{ id: "SSM-SessionManagerRunShell", to: addressOf(prefs.document) }]);
    const plain = testStack();
    new SessionPreferences(plain, "Prefs", full);
    expect(synthJson(plain).import).toBeUndefined();
  });
});
