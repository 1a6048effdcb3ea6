/**
 * The CloudTrail trail the audit alerts depend on (logging.cloudTrail): every environment names it (existing,
 * checked at plan time), creates it (multi-region, validated, encrypted with the session key, into the session-log
 * bucket) or waives it in writing. The created trail's bucket and key policies are evaluated with an IAM engine.
 */
import { Cloudtrail } from "../../modules/core/aws";
import { environmentSchema, type EnvironmentInput } from "../../loader/schema";
import { Testing } from "../../modules/core/cdktf";
import { policyDocument } from "../../modules/core/iam";
import { applyPolicy, planPolicy } from "../../stacks/ci-stack";
import { evaluate, KEY_ID, type Request } from "../../ops/lib/iam-evaluate";
import { tftestFile } from "../../tools/tftest";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { edited, envDir, problemsOf } from "../helpers/env-dir";
import { concretePolicyOf, environmentStackOf, synthEnvironment } from "../helpers/policies";
import { exampleConfig, exampleInput, onlyResource, synthJson, type TfJson } from "../helpers/synth";

const ORG_TRAIL = "arn:aws:cloudtrail:us-east-1:999999999999:trail/organization-trail";

const issuesOf = (patch: (input: EnvironmentInput) => void) => {
  const input = structuredClone(exampleInput("dev"));
  patch(input);
  const r = environmentSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("logging.cloudTrail in the environment file", () => {
  test("GIVEN no cloudTrail WHEN the file is read THEN it is an error naming the field and the three choices", () => {
    const issues = issuesOf((i) => {
      delete (i.logging as { cloudTrail?: unknown }).cloudTrail;
    });
    expect(issues).toEqual([
      expect.stringMatching(
        /^logging\.cloudTrail: is required: the audit alerts need a CloudTrail trail .*existing: .*create: true.*waive: /,
      ),
    ]);
  });
  test.each([
    [{}, /^logging\.cloudTrail: is empty; give exactly one of existing/],
    [{ create: true, waive: "we have no trail here" }, /^logging\.cloudTrail\.waive: is set together with create/],
    [
      { existing: "arn:aws:s3:::my-bucket" },
      /^logging\.cloudTrail\.existing: "arn:aws:s3:::my-bucket" is not a trail name/,
    ],
    [{ create: false }, /^logging\.cloudTrail\.create: false is not allowed; write create: true/],
    [{ waive: "none" }, /^logging\.cloudTrail\.waive: is too short/],
    [{ exisitng: "org" }, /^logging\.cloudTrail: unknown key "exisitng" \(allowed: existing, create, waive\)/],
  ])("GIVEN cloudTrail %j THEN it is rejected with what is allowed", (value, message) => {
    const issues = issuesOf((i) => {
      (i.logging as Record<string, unknown>).cloudTrail = value;
    });
    expect(issues[0]).toMatch(message);
  });
  test("GIVEN create: true without the S3 log bucket THEN it is rejected (the trail writes into that bucket)", () => {
    const issues = issuesOf((i) => {
      i.logging = { ...i.logging, s3: { enabled: false }, cloudTrail: { create: true } };
    });
    expect(issues).toEqual([expect.stringMatching(/^logging\.cloudTrail\.create: needs logging\.s3\.enabled/)]);
  });
});

describe("GIVEN an environment that relies on the organization trail (existing: <ARN>)", () => {
  let tf: TfJson;
  beforeAll(() => {
    tf = synthEnvironment(exampleConfig("staging", (i) => (i.logging!.cloudTrail = { existing: ORG_TRAIL })));
  });
  const trailData = () => Object.values(tf.data?.aws_cloudcontrolapi_resource ?? {});

  test("THEN the plan reads the trail through Cloud Control by its ARN and creates no trail", () => {
    expect(trailData()).toEqual([
      expect.objectContaining({ type_name: "AWS::CloudTrail::Trail", identifier: ORG_TRAIL }),
    ]);
    expect(tf.resource?.aws_cloudtrail).toBeUndefined();
  });
  test("THEN postconditions stop the plan unless it logs, logs write management events, covers the region and (another account's) is an organization trail", () => {
    const checks = (trailData()[0].lifecycle as { postcondition: { condition: string; error_message: string }[] })
      .postcondition;
    expect(checks.map((c) => c.error_message)).toEqual([
      expect.stringMatching(/is not logging/),
      expect.stringMatching(/does not log write management events/),
      expect.stringMatching(/does not log eu-west-1/),
      expect.stringMatching(/belongs to account 999999999999 and is not an organization trail/),
    ]);
  });
  test("THEN the generated terraform test proves each check fires (override_data + expect_failures)", () => {
    const file = tftestFile(tf);
    const address = `data.aws_cloudcontrolapi_resource.${Object.keys(tf.data!.aws_cloudcontrolapi_resource)[0]}`;
    const runs = file.split(/\n(?=# Proves)/).filter((r) => r.includes(`expect_failures = [${address}]`));
    expect(runs).toHaveLength(4);
    expect(runs[0]).toContain('\\"IsLogging\\":false');
    expect(runs[3]).toContain('\\"IsOrganizationTrail\\":false');
  });
  test("GIVEN a trail of the environment's own account by name THEN there is no organization-trail check", () => {
    const own = synthEnvironment(
      exampleConfig("staging", (i) => (i.logging!.cloudTrail = { existing: "account-trail" })),
    );
    const [data] = Object.values(own.data?.aws_cloudcontrolapi_resource ?? {});
    expect((data.lifecycle as { postcondition: unknown[] }).postcondition).toHaveLength(3);
  });
});

describe("GIVEN an environment that creates its trail (create: true)", () => {
  const config = exampleConfig("dev", (i) => (i.logging!.cloudTrail = { create: true }));
  const { account, region } = config;
  const trailArn = `arn:aws:cloudtrail:${region}:${account}:trail/bastionless-dev-audit-trail`;
  const bucket = `bastionless-dev-session-logs-${account}`;
  let tf: TfJson;
  let bucketPolicy: object;
  let keyPolicy: object;
  beforeAll(() => {
    tf = synthEnvironment(config);
    const stack = environmentStackOf(tf);
    bucketPolicy = concretePolicyOf(tf, stack.logBucket!.policy, { account, region });
    keyPolicy = concretePolicyOf(tf, stack.sessionKey.keyPolicy, { account, region });
  });

  test("THEN one multi-region trail with global events, log file validation, the session key, protected from destroy", () => {
    const trail = onlyResource(tf, Cloudtrail);
    expect(trail).toMatchObject({
      name: "bastionless-dev-audit-trail",
      s3_bucket_name: bucket,
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(trail.kms_key_id).toMatch(/^\$\{aws_kms_key\.SessionKey_[A-Za-z0-9_]+\.arn\}$/);
    expect(trail.s3_key_prefix).toBeUndefined();
    // CloudTrail checks the bucket and key policies on CreateTrail: both come first.
    expect(trail.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_s3_bucket_policy\.SessionLogBucket/),
        expect.stringMatching(/^aws_kms_key_policy\.SessionKey/),
      ]),
    );
    expect(tf.data?.aws_cloudcontrolapi_resource).toBeUndefined();
  });

  const cloudTrail = (
    action: string,
    resource: string,
    sourceArn: string,
    extra: Record<string, string> = {},
  ): Request => ({
    principal: "cloudtrail.amazonaws.com",
    action,
    resource,
    resourceAccount: account,
    context: { "aws:SourceArn": sourceArn, "aws:SourceAccount": account, ...extra },
  });
  const logObject = `arn:aws:s3:::${bucket}/AWSLogs/${account}/CloudTrail/${region}/2026/11/28/log.json.gz`;
  const delivery = { "s3:x-amz-acl": "bucket-owner-full-control" };

  test("WHEN our trail delivers a log file under AWSLogs/<account>/ THEN the bucket policy allows it", async () => {
    expect(await evaluate(cloudTrail("s3:PutObject", logObject, trailArn, delivery), [], bucketPolicy)).toBe("Allowed");
    expect(await evaluate(cloudTrail("s3:GetBucketAcl", `arn:aws:s3:::${bucket}`, trailArn), [], bucketPolicy)).toBe(
      "Allowed",
    );
  });
  test("WHEN another trail (another account's, or another name) delivers THEN nothing allows it", async () => {
    for (const other of [
      `arn:aws:cloudtrail:${region}:444444444444:trail/bastionless-dev-audit-trail`,
      `arn:aws:cloudtrail:${region}:${account}:trail/someone-elses-trail`,
    ]) {
      expect(await evaluate(cloudTrail("s3:PutObject", logObject, other, delivery), [], bucketPolicy)).not.toBe(
        "Allowed",
      );
    }
  });
  test("WHEN our trail writes outside AWSLogs/<account>/ (e.g. into the session transcripts) THEN nothing allows it", async () => {
    const transcript = `arn:aws:s3:::${bucket}/dev/session-1.log`;
    expect(await evaluate(cloudTrail("s3:PutObject", transcript, trailArn, delivery), [], bucketPolicy)).not.toBe(
      "Allowed",
    );
  });
  test("WHEN our trail uploads with another key or SSE-S3 THEN the bucket's encryption denies still hold", async () => {
    const other = { "s3:x-amz-server-side-encryption": "AES256", ...delivery };
    expect(await evaluate(cloudTrail("s3:PutObject", logObject, trailArn, other), [], bucketPolicy)).toBe(
      "ExplicitlyDenied",
    );
  });

  const keyArn = `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;
  const context = { "kms:EncryptionContext:aws:cloudtrail:arn": trailArn };
  test("WHEN our trail asks for a data key THEN the key policy allows it; another trail is not allowed", async () => {
    // The IAM engine ignores kms:EncryptionContext:* keys, so the data-key grant is read on the document: for this
    // trail only (aws:SourceArn), with CloudTrail's encryption context of this account.
    const statement = (keyPolicy as { Statement: { Sid: string }[] }).Statement.find(
      (s) => s.Sid === "CloudTrailEncryptLogs",
    );
    expect(statement).toEqual({
      Sid: "CloudTrailEncryptLogs",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": trailArn },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*` },
      },
    });
    expect(await evaluate(cloudTrail("kms:DescribeKey", keyArn, trailArn), [], keyPolicy)).toBe("Allowed");
    const other = `arn:aws:cloudtrail:${region}:${account}:trail/other`;
    expect(
      await evaluate(
        cloudTrail("kms:GenerateDataKey", keyArn, other, { "kms:EncryptionContext:aws:cloudtrail:arn": other }),
        [],
        keyPolicy,
      ),
    ).not.toBe("Allowed");
  });
  test("WHEN the trail may decrypt THEN it may not (only readers with IAM permissions decrypt)", async () => {
    expect(await evaluate(cloudTrail("kms:Decrypt", keyArn, trailArn, context), [], keyPolicy)).not.toBe("Allowed");
  });
});

describe("GIVEN an environment that waives the trail", () => {
  test("THEN it creates and reads no trail, and the synth summary says the alerts may stay silent and why", () => {
    const config = exampleConfig("dev", (i) => (i.logging!.cloudTrail = { waive: "sandbox account, alerts unused" }));
    const stack = new EnvironmentStack(Testing.app(), "dev", { config });
    const tf = synthJson(stack);
    expect(tf.resource?.aws_cloudtrail).toBeUndefined();
    expect(tf.data?.aws_cloudcontrolapi_resource).toBeUndefined();
    expect(stack.summary()).toContain(
      "audit trail: waived (sandbox account, alerts unused): the session audit alerts may never fire",
    );
  });
});

describe("GIVEN the CI roles of an environment with logging.cloudTrail", () => {
  const config = exampleConfig("staging");
  const trail = `arn:aws:cloudtrail:${config.region}:${config.account}:trail/bastionless-staging-audit-trail`;
  const ci = (action: string, resource: string): Request => ({
    principal: `arn:aws:iam::${config.account}:role/bastionless-staging-ci-plan`,
    action,
    resource,
  });
  test("WHEN the plan role reads the trail through Cloud Control THEN GetResource and the handler's reads are allowed", async () => {
    const plan = policyDocument(planPolicy(config));
    for (const action of ["cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"])
      expect([action, await evaluate(ci(action, trail), [plan])]).toEqual([action, "Allowed"]);
    for (const action of ["cloudtrail:DescribeTrails", "cloudformation:GetResource"])
      expect([action, await evaluate(ci(action, "*"), [plan])]).toEqual([action, "Allowed"]);
    expect(await evaluate(ci("cloudtrail:StopLogging", trail), [plan])).toBe("ImplicitlyDenied");
  });
  test("WHEN the apply role manages the created trail THEN it may create and start it, never stop or delete it", async () => {
    const apply = policyDocument(applyPolicy(config));
    for (const action of ["cloudtrail:CreateTrail", "cloudtrail:StartLogging", "cloudtrail:UpdateTrail"])
      expect([action, await evaluate(ci(action, trail), [apply])]).toEqual([action, "Allowed"]);
    for (const action of ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"])
      expect([action, await evaluate(ci(action, trail), [apply])]).toEqual([action, "ImplicitlyDenied"]);
  });
});

describe("GIVEN an environment file without logging.cloudTrail WHEN the environments are loaded", () => {
  test("THEN the problem names the file, the field with its line:column and the choices", () => {
    const dir = envDir({ "staging.yaml": edited("staging", /  cloudTrail:\n    existing: .*\n/, "") });
    const problems = problemsOf(dir);
    expect(problems).toEqual([
      expect.stringMatching(
        /staging\.yaml: logging\.cloudTrail: is required: the audit alerts need a CloudTrail trail .* \(missing from the block at line 34, column 3\)$/,
      ),
    ]);
  });
});
