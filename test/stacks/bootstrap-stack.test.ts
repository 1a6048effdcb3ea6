import { loadEnvironments } from "../../loader/load";
import {
  DynamodbTable,
  S3Bucket,
  S3BucketLifecycleConfiguration,
  S3BucketOwnershipControls,
  S3BucketPolicy,
  S3BucketPublicAccessBlock,
  S3BucketServerSideEncryptionConfigurationA,
  S3BucketVersioningA,
} from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { ENV_DIR, policyOf, resources, synthJson, type TfJson } from "../helpers/synth";

describe("BootstrapStack", () => {
  const configs = loadEnvironments(ENV_DIR).map((e) => e.config);
  let tf: TfJson;
  beforeAll(() => {
    tf = synthJson(new BootstrapStack(Testing.app(), "bootstrap", { environments: configs }));
  });

  test("uses a local backend whose state survives a new synth", () => {
    expect(tf.terraform!.backend!.local).toEqual({ path: "../../../state/terraform.bootstrap.tfstate" });
  });

  test("creates each state bucket the environments name, protected from destroy", () => {
    const buckets = resources(tf, S3Bucket);
    expect(buckets.map((b) => b.bucket).sort()).toEqual(configs.map((c) => c.state.bucket).sort());
    for (const b of buckets) expect(b.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("pins one provider per account, each to its own account", () => {
    const providers = tf.provider!.aws as { alias: string; allowed_account_ids: string[]; region: string }[];
    expect(providers.map((p) => p.allowed_account_ids[0]).sort()).toEqual([
      "111111111111",
      "222222222222",
      "333333333333",
    ]);
    for (const b of resources(tf, S3Bucket)) {
      const account = (b.bucket as string).split("-").pop();
      const provider = providers.find((p) => p.allowed_account_ids[0] === account)!;
      expect(b.provider).toBe(`aws.${provider.alias}`);
    }
  });

  test("every state bucket is versioned, KMS-encrypted, private, owner-enforced and has a lifecycle for old versions", () => {
    const n = configs.length;
    expect(
      resources(tf, S3BucketVersioningA).filter(
        (v) => (v.versioning_configuration as { status: string }).status === "Enabled",
      ),
    ).toHaveLength(n);
    expect(resources(tf, S3BucketServerSideEncryptionConfigurationA)).toHaveLength(n);
    for (const pab of resources(tf, S3BucketPublicAccessBlock)) {
      expect(pab).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    }
    expect(
      resources(tf, S3BucketOwnershipControls).every(
        (o) => (o.rule as { object_ownership: string }).object_ownership === "BucketOwnerEnforced",
      ),
    ).toBe(true);
    for (const lc of resources(tf, S3BucketLifecycleConfiguration)) {
      expect((lc.rule as Record<string, unknown>[])[0].noncurrent_version_expiration).toEqual([
        { noncurrent_days: 90 },
      ]);
    }
  });

  test("every state bucket policy denies requests without TLS", () => {
    for (const p of resources(tf, S3BucketPolicy)) {
      expect(policyOf(p).Statement).toContainEqual(
        expect.objectContaining({
          Effect: "Deny",
          Action: "s3:*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      );
    }
  });

  test("creates a protected DynamoDB lock table only for environments that lock with DynamoDB", () => {
    const tables = resources(tf, DynamodbTable);
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({
      name: "bastionless-tfstate-lock",
      hash_key: "LockID",
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });
});
