import { loadEnvironments } from "../../loader/load";
import { Testing } from "../../modules/core/cdktf";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { ENV_DIR, exampleConfig, synthJson, type TfJson } from "../helpers/synth";

const environments = loadEnvironments(ENV_DIR);

describe.each(environments.map((e) => [e.config.name, e.config] as const))("EnvironmentStack %s", (name, config) => {
  let tf: TfJson;
  beforeAll(() => {
    tf = synthJson(new EnvironmentStack(Testing.app(), name, { config }));
  });

  test("pins the AWS provider to the environment's account and region", () => {
    // THEN
    const [aws] = tf.provider!.aws;
    expect(aws.allowed_account_ids).toEqual([config.account]);
    expect(aws.region).toBe(config.region);
  });

  test("tags every resource with Project, Environment and ManagedBy plus the config tags", () => {
    const [aws] = tf.provider!.aws as { default_tags: { tags: Record<string, string> }[] }[];
    expect(aws.default_tags[0].tags).toEqual({
      ...config.tags,
      Project: "bastionless",
      Environment: name,
      ManagedBy: "bastionless",
    });
  });

  test("keeps its state in S3 under <prefix>/<env>.tfstate, encrypted, with the configured locking", () => {
    const s3 = tf.terraform!.backend!.s3;
    expect(s3).toMatchObject({ bucket: config.state.bucket, key: `bastionless/${name}.tfstate`, encrypt: true });
    expect(s3.use_lockfile).toBe(config.state.locking === "dynamodb" ? undefined : true);
    expect(s3.dynamodb_table).toBe(config.state.locking === "lockfile" ? undefined : config.state.dynamodbTable);
  });
});

describe("EnvironmentStack state locking options", () => {
  test("dynamodb locking sets the lock table and no lock file", () => {
    // GIVEN
    const config = exampleConfig("dev", (i) => {
      i.state = { ...i.state, bucket: i.state.bucket, locking: "dynamodb", dynamodbTable: "locks" };
    });
    // WHEN
    const s3 = synthJson(new EnvironmentStack(Testing.app(), "dev", { config })).terraform!.backend!.s3;
    // THEN
    expect(s3.dynamodb_table).toBe("locks");
    expect(s3.use_lockfile).toBeUndefined();
  });

  test("the state region defaults to the environment region and can differ from it", () => {
    const config = exampleConfig("dev", (i) => {
      i.state = { ...i.state, bucket: i.state.bucket, region: "us-east-1" };
    });
    const s3 = synthJson(new EnvironmentStack(Testing.app(), "dev", { config })).terraform!.backend!.s3;
    expect(s3.region).toBe("us-east-1");
  });
});
