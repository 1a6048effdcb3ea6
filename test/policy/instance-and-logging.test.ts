import {
  KmsKey,
  S3BucketPublicAccessBlock,
  S3BucketServerSideEncryptionConfigurationA,
  S3BucketVersioningA,
} from "../../modules/core/aws";
import { loadEnvironments } from "../../loader/load";
import { evaluate, KEY_ID, type Request } from "../../ops/lib/iam-evaluate";
import { concretePolicyOf, environmentStackOf, synthEnvironment } from "../helpers/policies";
import { bodyOf, ENV_DIR, onlyResource, resources, type TfJson } from "../helpers/synth";

const config = loadEnvironments(ENV_DIR).find((e) => e.config.name === "dev")!.config;
const { account, region } = config;
const role = `arn:aws:sts::${account}:assumed-role/bastionless-dev-session-instance/i-0123456789abcdef0`;
const bucket = `bastionless-dev-session-logs-${account}`;
const keyArn = `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;
const group = `arn:aws:logs:${region}:${account}:log-group:/bastionless/dev/sessions`;

describe("instance, bucket and key policies of dev, evaluated with an IAM engine", () => {
  let tf: TfJson;
  let instancePolicy: object;
  let bucketPolicy: object;
  let keyPolicy: object;
  beforeAll(() => {
    tf = synthEnvironment(config);
    const stack = environmentStackOf(tf);
    instancePolicy = concretePolicyOf(tf, stack.instanceRole.policy, { account, region });
    bucketPolicy = concretePolicyOf(tf, stack.logBucket!.policy, { account, region });
    keyPolicy = concretePolicyOf(tf, stack.sessionKey.keyPolicy, { account, region });
  });
  const asInstance = (action: string, resource: string, context: Record<string, string> = {}): Request => ({
    principal: role,
    action,
    resource,
    context,
  });

  test.each([
    ["ssm:UpdateInstanceInformation", "*"],
    ["ssmmessages:CreateControlChannel", "*"],
    ["ssmmessages:CreateDataChannel", "*"],
    ["ssmmessages:OpenControlChannel", "*"],
    ["ssmmessages:OpenDataChannel", "*"],
    ["logs:CreateLogStream", `${group}:log-stream:i-0123-session`],
    ["logs:PutLogEvents", `${group}:log-stream:i-0123-session`],
    ["logs:DescribeLogGroups", "*"],
    ["s3:GetEncryptionConfiguration", `arn:aws:s3:::${bucket}`],
  ])("allows the agent %s", async (action, resource) => {
    expect(await evaluate(asInstance(action, resource), [instancePolicy])).toBe("Allowed");
  });

  test("allows log objects under its own prefix, with the bucket policy in force", async () => {
    expect(
      await evaluate(
        asInstance("s3:PutObject", `arn:aws:s3:::${bucket}/dev/session-1.log`),
        [instancePolicy],
        bucketPolicy,
      ),
    ).toBe("Allowed");
  });
  test("allows KMS on its own key", async () => {
    for (const action of ["kms:Decrypt", "kms:GenerateDataKey"])
      expect(await evaluate(asInstance(action, keyArn), [instancePolicy], keyPolicy)).toBe("Allowed");
  });

  test.each([
    ["another environment's prefix", "s3:PutObject", `arn:aws:s3:::${bucket}/prod/session-1.log`],
    ["another bucket", "s3:PutObject", "arn:aws:s3:::someone-elses-bucket/dev/session-1.log"],
    ["another log group", "logs:PutLogEvents", `arn:aws:logs:${region}:${account}:log-group:/other/app:log-stream:x`],
    ["another key", "kms:Decrypt", `arn:aws:kms:${region}:${account}:key/ffffffff-0000-0000-0000-000000000000`],
    ["ssm:SendCommand", "ssm:SendCommand", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
    ["ssm:StartSession", "ssm:StartSession", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
    ["ssm:GetParameter", "ssm:GetParameter", `arn:aws:ssm:${region}:${account}:parameter/db/password`],
    ["s3:DeleteObject on logs", "s3:DeleteObject", `arn:aws:s3:::${bucket}/dev/session-1.log`],
    ["ec2messages without legacy support", "ec2messages:GetMessages", "*"],
  ])("denies %s", async (_what, action, resource) => {
    expect(await evaluate(asInstance(action, resource), [instancePolicy])).not.toBe("Allowed");
  });

  test("the bucket policy denies uploads without TLS", async () => {
    const req = asInstance("s3:PutObject", `arn:aws:s3:::${bucket}/dev/s.log`, { "aws:SecureTransport": "false" });
    expect(await evaluate(req, [instancePolicy], bucketPolicy)).toBe("ExplicitlyDenied");
  });
  test("the bucket policy denies uploads naming another KMS key", async () => {
    const req = asInstance("s3:PutObject", `arn:aws:s3:::${bucket}/dev/s.log`, {
      "s3:x-amz-server-side-encryption": "aws:kms",
      "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:${region}:${account}:key/ffffffff-0000-0000-0000-000000000000`,
    });
    expect(await evaluate(req, [instancePolicy], bucketPolicy)).toBe("ExplicitlyDenied");
  });
  test("the bucket policy denies uploads asking for non-KMS encryption", async () => {
    const req = asInstance("s3:PutObject", `arn:aws:s3:::${bucket}/dev/s.log`, {
      "s3:x-amz-server-side-encryption": "AES256",
    });
    expect(await evaluate(req, [instancePolicy], bucketPolicy)).toBe("ExplicitlyDenied");
  });
  test("the bucket policy lets the agent upload with no encryption header (bucket default applies) or with the session key", async () => {
    expect(
      await evaluate(asInstance("s3:PutObject", `arn:aws:s3:::${bucket}/dev/s.log`), [instancePolicy], bucketPolicy),
    ).toBe("Allowed");
    const withKey = {
      "s3:x-amz-server-side-encryption": "aws:kms",
      "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn,
    };
    expect(
      await evaluate(
        asInstance("s3:PutObject", `arn:aws:s3:::${bucket}/dev/s.log`, withKey),
        [instancePolicy],
        bucketPolicy,
      ),
    ).toBe("Allowed");
  });

  test("the key policy admits CloudWatch Logs only through this environment's log-group encryption context", () => {
    // (The IAM engine does not match kms:EncryptionContext keys with ArnLike, so this is checked on the document.)
    const statements = (keyPolicy as { Statement: Record<string, any>[] }).Statement;
    expect(statements.map((st) => st.Sid)).toEqual([
      "AccountAdministration",
      "CloudWatchLogsForThisEnvironment",
      "EventBridgeToAuditTopic",
      "CloudWatchAlarmsToAuditTopic",
      // dev creates its audit trail (logging.cloudTrail.create): CloudTrail encrypts that trail's logs only.
      "CloudTrailEncryptLogs",
      "CloudTrailDescribeKey",
      // transcripts in S3: only the log readers (none in dev) and the uploading instance role decrypt
      "TranscriptsOnlyForLogReaders",
    ]);
    const logs = statements[1];
    expect(logs.Principal).toEqual({ Service: `logs.${region}.amazonaws.com` });
    expect(logs.Condition).toEqual({
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${account}:log-group:/bastionless/dev/*`,
      },
    });
    expect(statements[2].Condition).toEqual({ StringEquals: { "aws:SourceAccount": account } });
  });

  test("the session log group is encrypted with the key, kept on destroy, and created after the key policy", () => {
    const lg = bodyOf(tf, environmentStackOf(tf).logGroup!.resource);
    expect(lg).toMatchObject({ name: "/bastionless/dev/sessions", retention_in_days: 365, skip_destroy: true });
    expect(lg.kms_key_id).toMatch(/^\$\{aws_kms_key\.SessionKey_[0-9A-F]+\.arn\}$/);
    expect(lg.depends_on).toEqual([expect.stringMatching(/^aws_kms_key_policy\.SessionKey_Policy_/)]);
  });

  test("the key rotates, waits 30 days before deletion and cannot be destroyed by accident", () => {
    expect(onlyResource(tf, KmsKey)).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("the log bucket is owner-enforced, private, KMS-encrypted, versioned and protected", () => {
    const b = bodyOf(tf, environmentStackOf(tf).logBucket!.bucket);
    expect(b).toMatchObject({ bucket, force_destroy: false, lifecycle: { prevent_destroy: true } });
    const sse = resources(tf, S3BucketServerSideEncryptionConfigurationA)[0].rule as Record<string, any>[];
    expect(sse[0]).toMatchObject({
      bucket_key_enabled: true,
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" },
    });
    expect(resources(tf, S3BucketPublicAccessBlock)[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resources(tf, S3BucketVersioningA)[0].versioning_configuration).toEqual({ status: "Enabled" });
  });
});
