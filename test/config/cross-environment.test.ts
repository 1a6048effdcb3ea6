/**
 * The cross-environment pass: collisions between files are reported all at once, each naming every file and
 * field involved with line and column.
 */
import { envDir, problemsOf, variant } from "../helpers/env-dir";
import { loadEnvironments } from "../../loader/load";
import { sessionKeyAlias, sessionLogBucket } from "../../loader/names";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { Testing } from "../../modules/core/cdktf";

let next = 40;
/** A valid environment derived from dev: own name, account, state bucket and a VPC CIDR no other one uses. */
function env(name: string, account: string, patch: (e: Record<string, any>) => void = () => undefined): object {
  const n = next++;
  return variant("dev", (e) => {
    e.name = name;
    e.account = account;
    e.state = { bucket: `bl-state-${name}-${account}` };
    e.vpcs[0].cidr = `10.${n}.0.0/16`;
    e.vpcs[0].privateSubnets = [{ cidr: `10.${n}.0.0/20`, availabilityZone: "eu-west-1a" }];
    e.sessionPreferences = { document: "none" };
    patch(e);
  });
}

const A = "444444444444";
const B = "555555555555";

describe("GIVEN two environments that collide", () => {
  const cases: [string, Record<string, object>, RegExp][] = [
    [
      "the same state bucket in two accounts",
      {
        "qa.yaml": env("qa", A, (e) => (e.state.bucket = "shared-state")),
        "uat.yaml": env("uat", B, (e) => (e.state.bucket = "shared-state")),
      },
      /uat\.yaml: state\.bucket: state bucket "shared-state" is also named by .*qa\.yaml \(state\.bucket, line \d+, column \d+\) in another account \(555555555555 here, 444444444444 there\).* \(line \d+, column \d+\)$/,
    ],
    [
      "one state bucket with two state regions",
      {
        "qa.yaml": env("qa", A, (e) => (e.state.bucket = "shared-state")),
        "uat.yaml": env("uat", A, (e) => (e.state = { bucket: "shared-state", region: "eu-central-1" })),
      },
      /uat\.yaml: state\.region: state bucket "shared-state" is in eu-central-1 here but in eu-west-1 for .*qa\.yaml \(region, line \d+, column \d+\); a bucket has one region/,
    ],
    [
      "one state bucket with two DynamoDB lock tables",
      {
        "qa.yaml": env(
          "qa",
          A,
          (e) => (e.state = { bucket: "shared-state", locking: "dynamodb", dynamodbTable: "lock-a" }),
        ),
        "uat.yaml": env(
          "uat",
          A,
          (e) => (e.state = { bucket: "shared-state", locking: "both", dynamodbTable: "lock-b" }),
        ),
      },
      /uat\.yaml: state\.dynamodbTable: "lock-b" differs from "lock-a" in .*qa\.yaml \(state\.dynamodbTable, line \d+, column \d+\), though both use state bucket "shared-state"/,
    ],
    [
      "one lock table for two state buckets",
      {
        "qa.yaml": env("qa", A, (e) => (e.state = { bucket: "state-a", locking: "dynamodb", dynamodbTable: "lock" })),
        "uat.yaml": env("uat", A, (e) => (e.state = { bucket: "state-b", locking: "dynamodb", dynamodbTable: "lock" })),
      },
      /uat\.yaml: state\.dynamodbTable: lock table "lock" is also the lock table of state bucket "state-a" \(.*qa\.yaml \(state\.dynamodbTable, line \d+, column \d+\)\); the bootstrap stack would create it twice/,
    ],
    [
      "the same KMS alias in one account and region",
      {
        "qa.yaml": env("qa", A, (e) => (e.logging.kms = { alias: "alias/sessions" })),
        "uat.yaml": env("uat", A, (e) => (e.logging.kms = { alias: "alias/sessions" })),
      },
      /uat\.yaml: logging\.kms\.alias: KMS alias "alias\/sessions" is also the alias of .*qa\.yaml \(logging\.kms\.alias, line \d+, column \d+\) in account 444444444444, eu-west-1/,
    ],
    [
      "the same log bucket name in two accounts (bucket names are global)",
      {
        "qa.yaml": env("qa", A, (e) => (e.logging.s3 = { bucketName: "session-logs" })),
        "uat.yaml": env("uat", B, (e) => (e.logging.s3 = { bucketName: "session-logs" })),
      },
      /uat\.yaml: logging\.s3\.bucketName: session log bucket "session-logs" is also the session log bucket of .*qa\.yaml \(logging\.s3\.bucketName, line \d+, column \d+\)/,
    ],
    [
      "a log bucket named like another environment's state bucket",
      {
        "qa.yaml": env("qa", A, (e) => (e.logging.s3 = { bucketName: "bastionless-tfstate-111111111111" })),
      },
      /qa\.yaml: logging\.s3\.bucketName: session log bucket "bastionless-tfstate-111111111111" is also the state bucket of .*dev\.yaml \(state\.bucket, line 8, column 11\)/,
    ],
    [
      "overlapping created VPCs in one account and region",
      {
        "qa.yaml": env("qa", A, (e) => {
          e.vpcs[0].cidr = "10.200.0.0/16";
          e.vpcs[0].privateSubnets = [{ cidr: "10.200.0.0/20", availabilityZone: "eu-west-1a" }];
        }),
        "uat.yaml": env("uat", A, (e) => {
          e.vpcs[0].cidr = "10.200.128.0/17";
          e.vpcs[0].privateSubnets = [{ cidr: "10.200.128.0/20", availabilityZone: "eu-west-1a" }];
        }),
      },
      /uat\.yaml: vpcs\[0\]\.cidr: "10\.200\.128\.0\/17" overlaps "10\.200\.0\.0\/16" of .*qa\.yaml \(vpcs\[0\]\.cidr, line \d+, column \d+\) in account 444444444444, eu-west-1/,
    ],
    [
      "an environment named like the bootstrap stack",
      { "bootstrap.yaml": env("bootstrap", A) },
      /bootstrap\.yaml: name: "bootstrap" is reserved: it is the name of the state-backend bootstrap stack; rename the file and the environment \(line 1, column 7\)/,
    ],
    [
      "an environment named like the identity stack",
      { "identity.yaml": env("identity", A) },
      /identity\.yaml: name: "identity" is reserved/,
    ],
    [
      "dev.yaml and dev.yml",
      { "dev.yml": env("dev", A) },
      /dev\.yml: name: "dev" is already the name of the environment in .*dev\.yaml; keep one file per environment/,
    ],
  ];

  test.each(cases)("WHEN they share %s THEN the collision names both files and fields", (_what, files, expected) => {
    const problems = problemsOf(envDir(files));
    expect(problems.join("\n")).toMatch(expected);
  });

  test("WHEN a file duplicates another's name THEN only the name is reported, not every collision with itself", () => {
    const problems = problemsOf(envDir({ "dev.yml": variant("dev", () => undefined) }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/dev\.yml: name: "dev" is already the name/);
    expect(problems[0]).not.toMatch(/environment "dev" and environment "dev"/);
  });

  test("WHEN several collisions exist THEN all are reported at once", () => {
    const problems = problemsOf(
      envDir({
        "qa.yaml": env("qa", A, (e) => {
          e.state.bucket = "shared-state";
          e.logging.kms = { alias: "alias/x" };
        }),
        "uat.yaml": env("uat", B, (e) => (e.state.bucket = "shared-state")),
        "bootstrap.yaml": env("bootstrap", A, (e) => (e.logging.kms = { alias: "alias/x" })),
      }),
    );
    const text = problems.join("\n");
    expect(text).toMatch(/uat\.yaml: state\.bucket/);
    expect(text).toMatch(/bootstrap\.yaml: name: "bootstrap" is reserved/);
    expect(text).toMatch(/logging\.kms\.alias: KMS alias "alias\/x"/);
  });
});

describe("GIVEN environments that only look alike", () => {
  test("WHEN the same CIDR is used in another region or account, and a state bucket is shared correctly THEN they load", () => {
    const envs = loadEnvironments(
      envDir({
        "qa.yaml": env("qa", A, (e) => {
          e.vpcs[0].cidr = "10.200.0.0/16";
          e.vpcs[0].privateSubnets = [{ cidr: "10.200.0.0/20", availabilityZone: "eu-west-1a" }];
          e.state = { bucket: "shared-state", locking: "dynamodb", dynamodbTable: "lock" };
        }),
        "uat.yaml": env("uat", A, (e) => {
          e.region = "eu-central-1";
          e.vpcs[0].cidr = "10.200.0.0/16";
          e.vpcs[0].privateSubnets = [{ cidr: "10.200.0.0/20", availabilityZone: "eu-central-1a" }];
          e.state = { bucket: "shared-state", region: "eu-west-1", locking: "both", dynamodbTable: "lock" };
          // qa's multi-region trail already logs this account.
          e.logging.cloudTrail = {
            existing: "arn:aws:cloudtrail:eu-west-1:444444444444:trail/bastionless-qa-audit-trail",
          };
        }),
        "perf.yaml": env("perf", B, (e) => {
          e.vpcs[0].cidr = "10.200.0.0/16";
          e.vpcs[0].privateSubnets = [{ cidr: "10.200.0.0/20", availabilityZone: "eu-west-1a" }];
        }),
      }),
    );
    expect(envs.map((e) => e.config.name)).toEqual(expect.arrayContaining(["qa", "uat", "perf"]));
  });
});

describe("the names the pass compares are the names the stack creates", () => {
  test("GIVEN the dev example WHEN synthesized THEN its KMS alias and log bucket are the ones the pass computed", () => {
    const dev = loadEnvironments(envDir()).find((e) => e.config.name === "dev")!.config;
    const json = Testing.synth(new EnvironmentStack(Testing.app(), "dev", { config: dev }));
    expect(json).toContain(`"name": "${sessionKeyAlias(dev)}"`);
    expect(json).toContain(`"bucket": "${sessionLogBucket(dev)}"`);
  });
});
