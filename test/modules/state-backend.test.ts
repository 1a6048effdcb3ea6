/**
 * modules/state-backend: the Terraform state bucket (and optional DynamoDB lock table) the bootstrap stack creates
 * for every environment. State holds every secret Terraform sees, and losing it orphans every resource: the bucket
 * is private, encrypted, versioned, TLS-only and protected from destroy.
 */
import {
  AwsProvider,
  DynamodbTable,
  S3Bucket,
  S3BucketLifecycleConfiguration,
  S3BucketOwnershipControls,
  S3BucketPolicy,
  S3BucketPublicAccessBlock,
  S3BucketServerSideEncryptionConfigurationA,
  S3BucketVersioningA,
} from "../../modules/core/aws";
import { DEFAULT_NONCURRENT_EXPIRE_DAYS } from "../../modules/core/defaults";
import { StateBucket, type StateBucketProps } from "../../modules/state-backend";
import { concretePolicy, evaluate, lookupIn, type Request } from "../../ops/lib/iam-evaluate";
import {
  bodyOf,
  childBody,
  onlyResource,
  policyOf,
  refOf,
  resources,
  synthJson,
  testStack,
  type Body,
  type TfJson,
} from "../helpers/synth";

const account = "111111111111";
const region = "eu-west-1";
const bucketName = `bl-tfstate-${account}`;

function stateBucket(props: Partial<StateBucketProps> = {}) {
  const stack = testStack();
  const construct = new StateBucket(stack, "State", { bucketName, ...props });
  return { stack, construct, tf: synthJson(stack) };
}

/** Every resource of the synthesized stack, with its type. */
const everyResource = (tf: TfJson): [string, Body][] =>
  Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
    Object.values(byName).map((b): [string, Body] => [type, b]),
  );

describe("StateBucket", () => {
  test("GIVEN a bucket name THEN the bucket has it, is protected from destroy and is never force-destroyed", () => {
    const { construct, tf } = stateBucket();
    const bucket = bodyOf(tf, construct.bucket);
    expect(bucket).toMatchObject({ bucket: bucketName, lifecycle: { prevent_destroy: true } });
    expect(bucket.force_destroy).not.toBe(true);
    expect(resources(tf, S3Bucket)).toHaveLength(1);
  });

  test("GIVEN a state bucket THEN versioning is enabled, so an overwritten or deleted state can be restored", () => {
    const { construct, tf } = stateBucket();
    expect(childBody(tf, construct, "Versioning")).toEqual({
      bucket: refOf(construct, construct.bucket.id),
      versioning_configuration: { status: "Enabled" },
    });
    expect(resources(tf, S3BucketVersioningA)).toHaveLength(1);
  });

  test("GIVEN a state bucket THEN objects are encrypted with SSE-KMS by default, with a bucket key", () => {
    const { construct, tf } = stateBucket();
    expect(childBody(tf, construct, "Encryption")).toEqual({
      bucket: refOf(construct, construct.bucket.id),
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true }],
    });
    expect(resources(tf, S3BucketServerSideEncryptionConfigurationA)).toHaveLength(1);
  });

  test("GIVEN a state bucket THEN all four public-access blocks are on and ACLs are disabled (owner enforced)", () => {
    const { construct, tf } = stateBucket();
    expect(onlyResource(tf, S3BucketPublicAccessBlock)).toEqual({
      bucket: refOf(construct, construct.bucket.id),
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(tf, S3BucketOwnershipControls).rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  test("GIVEN a state bucket THEN its policy has one statement: deny every request without TLS, on the bucket and its objects", () => {
    const { construct, tf } = stateBucket();
    const policy = childBody(tf, construct, "Policy");
    expect(policy.bucket).toBe(refOf(construct, construct.bucket.id));
    const arn = refOf(construct, construct.bucket.arn);
    expect(policyOf(policy).Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    expect(resources(tf, S3BucketPolicy)).toHaveLength(1);
  });

  describe("GIVEN the bucket policy evaluated with an IAM engine, for an administrator allowed s3:* on everything", () => {
    const admin = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] };
    let bucketPolicy: object;
    beforeAll(() => {
      const { construct, tf } = stateBucket();
      bucketPolicy = concretePolicy(lookupIn(tf), childBody(tf, construct, "Policy").policy as string, account, region);
    });
    const read = (secure: string): Request => ({
      principal: `arn:aws:iam::${account}:role/admin`,
      action: "s3:GetObject",
      resource: `arn:aws:s3:::${bucketName}/bastionless/dev.tfstate`,
      context: { "aws:SecureTransport": secure },
    });

    test("WHEN the state is read over TLS THEN it is allowed", async () => {
      expect(await evaluate(read("true"), [admin], bucketPolicy)).toBe("Allowed");
    });

    test("WHEN the state is read without TLS THEN it is explicitly denied, whatever the identity policy allows", async () => {
      expect(await evaluate(read("false"), [admin], bucketPolicy)).toBe("ExplicitlyDenied");
    });

    test("WHEN the bucket policy itself is changed without TLS THEN it is explicitly denied too", async () => {
      const put: Request = { ...read("false"), action: "s3:PutBucketPolicy", resource: `arn:aws:s3:::${bucketName}` };
      expect(await evaluate(put, [admin], bucketPolicy)).toBe("ExplicitlyDenied");
    });
  });

  test("GIVEN no noncurrentVersionDays THEN old state versions expire after the default 90 days and stale uploads after 7", () => {
    const { construct, tf } = stateBucket();
    const lifecycle = childBody(tf, construct, "Lifecycle");
    expect(lifecycle.bucket).toBe(refOf(construct, construct.bucket.id));
    expect(lifecycle.rule).toEqual([
      {
        id: "expire-noncurrent-state",
        status: "Enabled",
        filter: [{ prefix: "" }],
        noncurrent_version_expiration: [{ noncurrent_days: DEFAULT_NONCURRENT_EXPIRE_DAYS }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ]);
    expect(DEFAULT_NONCURRENT_EXPIRE_DAYS).toBe(90);
  });

  test("GIVEN a lifecycle rule THEN it never expires the current state version (only noncurrent ones)", () => {
    const [rule] = onlyResource(stateBucket().tf, S3BucketLifecycleConfiguration).rule as Body[];
    expect(rule.expiration).toBeUndefined();
    expect(rule.transition).toBeUndefined();
  });

  test("GIVEN noncurrentVersionDays 30 THEN old state versions expire after 30 days", () => {
    const [rule] = onlyResource(stateBucket({ noncurrentVersionDays: 30 }).tf, S3BucketLifecycleConfiguration)
      .rule as Body[];
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
  });

  test.each([0, -1, 1.5])(
    "GIVEN noncurrentVersionDays %p THEN the construct refuses it, naming the prop and what is allowed",
    (days) => {
      expect(() => stateBucket({ noncurrentVersionDays: days })).toThrow(
        `StateBucket: noncurrentVersionDays ${days} is out of range; allowed: whole days from 1 (S3 lifecycle)`,
      );
    },
  );

  test("GIVEN no lockTableName THEN there is no DynamoDB table (S3-native lock files only)", () => {
    const { construct, tf } = stateBucket();
    expect(construct.lockTable).toBeUndefined();
    expect(resources(tf, DynamodbTable)).toEqual([]);
  });

  test("GIVEN a lockTableName THEN a protected, encrypted, recoverable lock table keyed by LockID is created", () => {
    const { construct, tf } = stateBucket({ lockTableName: "bl-tfstate-lock" });
    expect(bodyOf(tf, construct.lockTable!)).toEqual({
      name: "bl-tfstate-lock",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(resources(tf, DynamodbTable)).toHaveLength(1);
  });

  test("GIVEN a provider for another account THEN every resource of the bucket (and its lock table) is created with it", () => {
    // GIVEN
    const stack = testStack();
    const other = new AwsProvider(stack, "other", { alias: "other", region: "eu-central-1" });
    // WHEN
    new StateBucket(stack, "State", { bucketName, lockTableName: "bl-tfstate-lock", provider: other });
    // THEN
    const all = everyResource(synthJson(stack));
    expect(all.map(([type]) => type).sort()).toEqual(
      [
        DynamodbTable,
        S3Bucket,
        S3BucketLifecycleConfiguration,
        S3BucketOwnershipControls,
        S3BucketPolicy,
        S3BucketPublicAccessBlock,
        S3BucketServerSideEncryptionConfigurationA,
        S3BucketVersioningA,
      ]
        .map((c) => c.tfResourceType)
        .sort(),
    );
    for (const [, body] of all) expect(body.provider).toBe("aws.other");
  });

  test("GIVEN no provider THEN no resource names one (the stack's default provider applies)", () => {
    for (const [, body] of everyResource(stateBucket({ lockTableName: "bl-tfstate-lock" }).tf))
      expect(body.provider).toBeUndefined();
  });
});
