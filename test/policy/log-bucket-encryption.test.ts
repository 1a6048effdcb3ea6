/**
 * The session-log bucket policy denies an upload that asks for SSE-KMS without naming the session key: S3 would
 * encrypt it with the AWS managed aws/s3 key instead. Evaluated with an IAM engine, with a principal that holds
 * s3:PutObject on the bucket (an administrator), so only the bucket policy's denies decide.
 */
import { evaluate, KEY_ID, type Request } from "../../ops/lib/iam-evaluate";
import { concretePolicyOf, environmentStackOf, synthEnvironment } from "../helpers/policies";
import { exampleConfig } from "../helpers/synth";

const config = exampleConfig("dev");
const { account, region } = config;
const bucket = `bastionless-dev-session-logs-${account}`;
const keyArn = `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;
const admin = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] };
const put = (context: Record<string, string>): Request => ({
  principal: `arn:aws:iam::${account}:role/admin`,
  action: "s3:PutObject",
  resource: `arn:aws:s3:::${bucket}/dev/session-1.log`,
  context,
});

describe("GIVEN the dev session-log bucket policy", () => {
  let bucketPolicy: object;
  beforeAll(() => {
    const tf = synthEnvironment(config);
    bucketPolicy = concretePolicyOf(tf, environmentStackOf(tf).logBucket!.policy, { account, region });
  });
  test("WHEN an upload asks for aws:kms without a key id THEN it is explicitly denied", async () => {
    expect(await evaluate(put({ "s3:x-amz-server-side-encryption": "aws:kms" }), [admin], bucketPolicy)).toBe(
      "ExplicitlyDenied",
    );
  });
  test("WHEN an upload asks for aws:kms with the session key THEN it is allowed", async () => {
    const ctx = {
      "s3:x-amz-server-side-encryption": "aws:kms",
      "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn,
    };
    expect(await evaluate(put(ctx), [admin], bucketPolicy)).toBe("Allowed");
  });
  test("WHEN an upload sends no encryption header (the agent: bucket default encryption) THEN it is allowed", async () => {
    expect(await evaluate(put({}), [admin], bucketPolicy)).toBe("Allowed");
  });
  test("WHEN an upload names another key THEN it is still denied", async () => {
    const other = `arn:aws:kms:${region}:${account}:key/ffffffff-0000-0000-0000-000000000000`;
    const ctx = {
      "s3:x-amz-server-side-encryption": "aws:kms",
      "s3:x-amz-server-side-encryption-aws-kms-key-id": other,
    };
    expect(await evaluate(put(ctx), [admin], bucketPolicy)).toBe("ExplicitlyDenied");
  });
});
