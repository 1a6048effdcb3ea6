/** modules/session-logging: key, log group, bucket, alerts. */
import { encryptionKeyFromArn } from "../../modules/core/kms";
import { AuditAlerts, SessionKey, SessionLogBucket, SessionLogGroup } from "../../modules/session-logging";
import { PREFERENCES_DOCUMENT } from "../../modules/session-preferences";
import {
  CloudwatchEventRule,
  CloudwatchEventTarget,
  CloudwatchLogGroup,
  KmsAlias,
  KmsKey,
  S3Bucket,
  S3BucketLifecycleConfiguration,
  S3BucketLoggingA,
  S3BucketObjectLockConfigurationA,
  S3BucketOwnershipControls,
  S3BucketPolicy,
  S3BucketServerSideEncryptionConfigurationA,
  SnsTopic,
  SnsTopicPolicy,
  SnsTopicSubscription,
} from "../../modules/core/aws";
import {
  addressOf,
  childElement,
  onlyResource,
  policyOf,
  refOf,
  resources,
  synthJson,
  testStack,
  type Body,
} from "../helpers/synth";

const account = { account: "111111111111", region: "eu-west-1" };
const keyArn = "arn:aws:kms:eu-west-1:111111111111:key/k";

describe("SessionKey", () => {
  test("rotation on, 30-day deletion window, alias, protected; bad window or alias is refused", () => {
    const stack = testStack();
    new SessionKey(stack, "Key", { ...account, alias: "alias/bl-dev-sessions", logGroupNamePattern: "/bl/dev/*" });
    const tf = synthJson(stack);
    expect(onlyResource(tf, KmsKey)).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(onlyResource(tf, KmsAlias)).toMatchObject({ name: "alias/bl-dev-sessions" });
    expect(
      () =>
        new SessionKey(testStack(), "K", {
          ...account,
          alias: "alias/x",
          logGroupNamePattern: "/x/*",
          deletionWindowDays: 3,
        }),
    ).toThrow(/deletionWindowDays 3 is out of range; allowed: 7-30/);
    expect(
      () => new SessionKey(testStack(), "K", { ...account, alias: "alias/aws/ssm", logGroupNamePattern: "/x/*" }),
    ).toThrow(/must start with alias\/ \(not alias\/aws\/\)/);
  });

  test("key policy: account administration, CloudWatch Logs only for this environment's log groups, nothing broader", () => {
    const statements = SessionKey.policyStatements({ ...account, alias: "alias/x", logGroupNamePattern: "/bl/dev/*" });
    expect(statements.map((s) => s.sid)).toEqual(["AccountAdministration", "CloudWatchLogsForThisEnvironment"]);
    expect(statements[1]).toMatchObject({
      principals: { Service: ["logs.eu-west-1.amazonaws.com"] },
      conditions: {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111111111111:log-group:/bl/dev/*" },
      },
    });
    expect(statements.some((s) => s.principals?.AWS?.includes("*"))).toBe(false);
  });

  test("sessionUseByAccount: the account's principals may create and open Session Manager data keys, nothing else", () => {
    const props = { ...account, alias: "alias/x", logGroupNamePattern: "/bl/dev/*" };
    const statements = SessionKey.policyStatements({ ...props, sessionUseByAccount: true });
    expect(statements.find((s) => s.sid === "SessionManagerUseByAccountPrincipals")).toEqual({
      sid: "SessionManagerUseByAccountPrincipals",
      effect: "Allow",
      principals: { AWS: ["*"] },
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      resources: ["*"],
      conditions: {
        StringEquals: { "kms:CallerAccount": "111111111111" },
        "ForAnyValue:StringEquals": { "kms:EncryptionContextKeys": ["aws:ssm:SessionId"] },
        "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": ["aws:ssm:SessionId", "aws:ssm:TargetId"] },
      },
    });
    // No kms:ViaService: the session-manager-plugin and the SSM agent call KMS themselves, not through a service.
    expect(JSON.stringify(statements)).not.toContain("kms:ViaService");
    expect(SessionKey.policyStatements(props).map((s) => s.sid)).not.toContain("SessionManagerUseByAccountPrincipals");
  });
});

describe("SessionLogGroup", () => {
  test("KMS-encrypted, retention from props (default 365), skip_destroy, after the key policy", () => {
    const stack = testStack();
    const key = new SessionKey(stack, "Key", { ...account, alias: "alias/x", logGroupNamePattern: "/bl/dev/*" });
    new SessionLogGroup(stack, "Group", {
      name: "/bl/dev/sessions",
      encryptionKey: key,
    });
    const lg = onlyResource(synthJson(stack), CloudwatchLogGroup);
    expect(lg).toMatchObject({
      name: "/bl/dev/sessions",
      retention_in_days: 365,
      skip_destroy: true,
      depends_on: [addressOf(key.keyPolicy)],
    });
  });

  test("a retention CloudWatch does not accept is refused", () => {
    expect(
      () =>
        new SessionLogGroup(testStack(), "G", {
          name: "/x",
          encryptionKey: encryptionKeyFromArn(keyArn),
          retentionDays: 45,
        }),
    ).toThrow(/45/);
  });
});

describe("SessionLogBucket", () => {
  function bucket(props: Partial<ConstructorParameters<typeof SessionLogBucket>[2]> = {}) {
    const stack = testStack();
    new SessionLogBucket(stack, "Bucket", {
      bucketName: "bl-dev-logs",
      encryptionKey: encryptionKeyFromArn(keyArn),
      expireDays: 365,
      noncurrentExpireDays: 365,
      ...props,
    });
    return synthJson(stack);
  }

  test("SSE-KMS with the session key and a bucket key, no force_destroy, prevent_destroy", () => {
    const tf = bucket();
    expect(onlyResource(tf, S3Bucket)).toMatchObject({
      bucket: "bl-dev-logs",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect((onlyResource(tf, S3BucketServerSideEncryptionConfigurationA).rule as Body[])[0]).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: keyArn },
      bucket_key_enabled: true,
    });
    expect(onlyResource(tf, S3BucketOwnershipControls).rule).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
  });

  test("policy: TLS only; uploads naming another key or non-KMS encryption denied only when the header is sent", () => {
    const statements = policyOf(onlyResource(bucket(), S3BucketPolicy)).Statement;
    expect(statements.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyOtherKmsKey",
      "DenyNonKmsEncryption",
      "DenyKmsWithoutSessionKeyId",
      "DenyTranscriptDeletionAndRetentionChanges",
      "DenyLockVersioningAndPolicyRemoval",
    ]);
    expect(statements[1].Condition).toEqual({
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
      StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn },
    });
    expect(statements[2].Condition).toEqual({
      Null: { "s3:x-amz-server-side-encryption": "false" },
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
    });
    // aws:kms without a key id would get the AWS managed aws/s3 key
    expect(statements[3].Condition).toEqual({
      StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
    });
  });

  test("lifecycle: expiry, noncurrent expiry and the optional transition from props", () => {
    const [rule] = onlyResource(bucket({ transitionToInfrequentAccessDays: 30 }), S3BucketLifecycleConfiguration)
      .rule as Body[];
    expect(rule).toMatchObject({
      status: "Enabled",
      expiration: [{ days: 365 }],
      noncurrent_version_expiration: [{ noncurrent_days: 365 }],
      transition: [{ days: 30, storage_class: "STANDARD_IA" }],
    });
    const [noTransition] = onlyResource(bucket(), S3BucketLifecycleConfiguration).rule as Body[];
    expect(noTransition.transition).toBeUndefined();
  });

  test("Object Lock and access logging only when asked for; lock days must be positive", () => {
    expect(resources(bucket(), S3BucketObjectLockConfigurationA)).toEqual([]);
    const locked = bucket({
      objectLock: { mode: "COMPLIANCE", days: 400 },
      noncurrentExpireDays: 400,
      accessLogBucket: "central-access-logs",
    });
    expect(onlyResource(locked, S3Bucket)).toMatchObject({ object_lock_enabled: true });
    expect(onlyResource(locked, S3BucketObjectLockConfigurationA).rule).toEqual({
      default_retention: { mode: "COMPLIANCE", days: 400 },
    });
    expect(onlyResource(locked, S3BucketLoggingA)).toMatchObject({
      target_bucket: "central-access-logs",
      target_prefix: "bl-dev-logs/",
    });
    expect(() => bucket({ objectLock: { mode: "GOVERNANCE", days: 0 } })).toThrow(/objectLock\.days 0 must be > 0/);
  });

  test("fails when noncurrent versions would expire before the retention (an overwritten transcript gone first)", () => {
    expect(() => bucket({ noncurrentExpireDays: 90 })).toThrow(
      /noncurrentExpireDays 90 is shorter than the retention \(expireDays 365\).*allowed: 365 or more/,
    );
    expect(() => bucket({ objectLock: { mode: "GOVERNANCE", days: 400 } })).toThrow(
      /noncurrentExpireDays 365 is shorter than the retention \(expireDays 365, objectLock\.days 400\).*allowed: 400 or more/,
    );
  });

  test("deletion and retention changes are denied to everyone, or to everyone but the break-glass role", () => {
    const glass = "arn:aws:iam::111111111111:role/log-break-glass";
    const byDefault = policyOf(onlyResource(bucket(), S3BucketPolicy)).Statement.slice(4);
    expect(byDefault).toEqual([
      {
        Sid: "DenyTranscriptDeletionAndRetentionChanges",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: [
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
          "s3:BypassGovernanceRetention",
          "s3:PutObjectRetention",
          "s3:PutObjectLegalHold",
        ],
        Resource: expect.stringMatching(/\/\*$/),
      },
      {
        Sid: "DenyLockVersioningAndPolicyRemoval",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: [
          "s3:PutBucketObjectLockConfiguration",
          "s3:PutBucketVersioning",
          "s3:DeleteBucketPolicy",
          "s3:DeleteBucket",
        ],
        Resource: expect.stringMatching(/aws_s3_bucket\.Bucket_[0-9A-F]+\.arn\}$/),
      },
    ]);
    const withGlass = policyOf(onlyResource(bucket({ breakGlassRoleArn: glass }), S3BucketPolicy)).Statement.slice(4);
    for (const st of withGlass) expect(st.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": glass } });
  });

  test("the policy is applied after versioning and Object Lock are set (it denies changing them)", () => {
    const tf = bucket({ objectLock: { mode: "GOVERNANCE", days: 365 } });
    expect(onlyResource(tf, S3BucketPolicy).depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_versioning\.Bucket_Versioning_/),
      expect.stringMatching(/^aws_s3_bucket_object_lock_configuration\.Bucket_ObjectLock_/),
    ]);
  });
});

describe("AuditAlerts", () => {
  test("EventBridge rules for session calls and preference changes, to a KMS-encrypted topic only they may publish to", () => {
    const stack = testStack();
    const alerts = new AuditAlerts(stack, "Alerts", {
      topicName: "bl-dev-audit",
      ruleNamePrefix: "bl-dev",
      encryptionKey: encryptionKeyFromArn(keyArn),
      preferencesDocumentName: PREFERENCES_DOCUMENT,
      emails: ["oncall@example.com"],
    });
    const tf = synthJson(stack);
    expect(onlyResource(tf, SnsTopic)).toMatchObject({ name: "bl-dev-audit", kms_master_key_id: keyArn });
    const pattern = (name: string) =>
      JSON.parse(resources(tf, CloudwatchEventRule).find((r) => r.name === name)!.event_pattern as string) as {
        detail: { eventName: string[]; requestParameters?: unknown };
      };
    expect(pattern("bl-dev-session-events").detail.eventName).toEqual([
      "StartSession",
      "ResumeSession",
      "TerminateSession",
    ]);
    expect(pattern("bl-dev-preferences-changes").detail).toMatchObject({
      eventName: expect.arrayContaining(["UpdateDocument", "DeleteDocument"]),
      requestParameters: { name: [PREFERENCES_DOCUMENT] },
    });
    expect(resources(tf, CloudwatchEventTarget)).toHaveLength(2);
    const [publish] = policyOf(onlyResource(tf, SnsTopicPolicy)).Statement;
    expect(publish).toMatchObject({
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Condition: {
        ArnEquals: {
          "aws:SourceArn": [
            refOf(stack, (childElement(alerts, "SessionEvents") as CloudwatchEventRule).arn),
            refOf(stack, (childElement(alerts, "PreferencesChanges") as CloudwatchEventRule).arn),
          ],
        },
      },
    });
    expect(onlyResource(tf, SnsTopicSubscription)).toMatchObject({
      protocol: "email",
      endpoint: "oncall@example.com",
    });
  });
});
