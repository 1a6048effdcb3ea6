import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { ConfigError, loadEnvironments } from "../../loader/load";
import { ENV_DIR, exampleInput } from "../helpers/examples";

/** A temporary copy of the example environments, with some files replaced or added. */
function envDir(files: Record<string, string | object | null> = {}, keepExamples = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-env-"));
  if (keepExamples) for (const f of fs.readdirSync(ENV_DIR)) fs.copyFileSync(path.join(ENV_DIR, f), path.join(dir, f));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    if (content === null) fs.rmSync(file);
    else fs.writeFileSync(file, typeof content === "string" ? content : stringify(content));
  }
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadEnvironments(dir);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the configuration to be rejected");
}

function variant(name: string, patch: (env: Record<string, any>) => void): object {
  const env = structuredClone(exampleInput(name)) as Record<string, any>;
  patch(env);
  return env;
}

describe("loadEnvironments", () => {
  test("loads the three example environments", () => {
    const envs = loadEnvironments(ENV_DIR);
    expect(envs.map((e) => e.config.name)).toEqual(["dev", "prod", "staging"]);
    expect(new Set(envs.map((e) => e.config.account)).size).toBe(3);
  });

  // Each case: the file(s) to write, then the exact `file: field: message` fragments the error must contain.
  const cases: [string, Record<string, string | object | null>, RegExp][] = [
    [
      "a bad account id",
      {
        "prod.yaml": variant("prod", (e) => {
          e.account = "12345";
        }),
      },
      /prod\.yaml: account: "12345" is not an AWS account id; expected exactly 12 digits/,
    ],
    [
      "an account id written as a number",
      {
        "prod.yaml": variant("prod", (e) => {
          e.account = 333333333333;
        }),
      },
      /prod\.yaml: account: expected string, got number 333333333333/,
    ],
    [
      "an unknown region",
      {
        "dev.yaml": variant("dev", (e) => {
          e.region = "eu-middle-7";
        }),
      },
      /dev\.yaml: region: "eu-middle-7" is not a known AWS region \(known: us-east-1, .*eu-west-1, .*registerRegion\) \(line 3, column 9\)/,
    ],
    [
      "a bad CIDR",
      {
        "prod.yaml": variant("prod", (e) => {
          e.vpcs[0].cidr = "10.0.0.0/33";
        }),
      },
      /prod\.yaml: vpcs\[0\]\.cidr: "10\.0\.0\.0\/33" is not an IPv4 CIDR/,
    ],
    [
      "a CIDR with host bits",
      {
        "dev.yaml": variant("dev", (e) => {
          e.vpcs[0].cidr = "10.10.1.0/16";
        }),
      },
      /dev\.yaml: vpcs\[0\]\.cidr: "10\.10\.1\.0\/16" has host bits set; did you mean "10\.10\.0\.0\/16"\?/,
    ],
    [
      "duplicate environment names",
      {
        "dev2.yaml": variant("dev", (e) => {
          e.account = "444444444444";
          e.sessionPreferences = { document: "none" };
        }),
      },
      /dev2\.yaml: name: "dev" is already the name of the environment in .*dev\.yaml/,
    ],
    [
      "two environments owning the preferences document of one account+region",
      {
        "qa.yaml": variant("dev", (e) => {
          e.name = "qa";
        }),
      },
      /qa\.yaml: sessionPreferences\.document: environment "qa" and environment "dev" .* both own the SSM-SessionManagerRunShell preferences document of account 111111111111 in eu-west-1/,
    ],
    [
      "two environments owning DHMC of one account+region",
      {
        "prod-b.yaml": variant("prod", (e) => {
          e.name = "prod-b";
          e.sessionPreferences = { document: "none" };
        }),
      },
      /prod(-b)?\.yaml: instanceAccess\.defaultHostManagement: environment "prod(-b)?" and environment "prod(-b)?" .* both own the Default Host Management Configuration of account 333333333333 in eu-central-1/,
    ],
    [
      "an unknown key",
      {
        "staging.yaml": variant("staging", (e) => {
          e.logging.cloudWatch.retentionDay = 30;
        }),
      },
      /staging\.yaml: logging\.cloudWatch: unknown key "retentionDay" \(allowed: enabled, retentionDays, streaming\)/,
    ],
    [
      "a missing required field",
      {
        "staging.yaml": variant("staging", (e) => {
          delete e.state;
        }),
      },
      /staging\.yaml: state: is required \(expected object\)/,
    ],
    [
      "a wrong type",
      {
        "dev.yaml": variant("dev", (e) => {
          e.vpcs[0].privateSubnets = "10.10.0.0/20";
        }),
      },
      /dev\.yaml: vpcs\[0\]\.privateSubnets: expected array, got string "10\.10\.0\.0\/20"/,
    ],
    [
      "an invalid state bucket name",
      {
        "dev.yaml": variant("dev", (e) => {
          e.state.bucket = "My_State_Bucket";
        }),
      },
      /dev\.yaml: state\.bucket: "My_State_Bucket" is not a valid S3 bucket name; allowed: 3-63 lowercase letters/,
    ],
    [
      "a file that is not YAML",
      { "broken.yaml": "name: [dev\nregion: : :\n" },
      /broken\.yaml: not valid YAML \(line \d+, column \d+\)/,
    ],
    [
      "a YAML file that is not a mapping",
      { "list.yaml": "- dev\n- prod\n" },
      /list\.yaml: expected a YAML mapping of environment settings \(name: …, account: …\), got a list/,
    ],
    [
      "a subnet outside the VPC CIDR",
      {
        "staging.yaml": variant("staging", (e) => {
          e.vpcs[0].privateSubnets[1].cidr = "10.99.16.0/20";
        }),
      },
      /staging\.yaml: vpcs\[0\]\.privateSubnets\[1\]\.cidr: "10\.99\.16\.0\/20" is outside the VPC CIDR 10\.20\.0\.0\/16/,
    ],
    [
      "a name that differs from the file name",
      {
        "dev.yaml": variant("dev", (e) => {
          e.name = "develop";
        }),
      },
      /dev\.yaml: name: "develop" must equal the file name "dev"/,
    ],
    [
      "an AZ of another region",
      {
        "dev.yaml": variant("dev", (e) => {
          e.vpcs[0].privateSubnets[0].availabilityZone = "us-east-1a";
        }),
      },
      /dev\.yaml: vpcs\[0\]\.privateSubnets\[0\]\.availabilityZone: "us-east-1a" is not an availability zone of eu-west-1; allowed: eu-west-1a, eu-west-1b, eu-west-1c/,
    ],
    [
      "dynamodb locking without a table",
      {
        "staging.yaml": variant("staging", (e) => {
          e.state.locking = "dynamodb";
        }),
      },
      /staging\.yaml: state\.dynamodbTable: is required when locking is "dynamodb"/,
    ],
    [
      "an invalid VPC mode",
      {
        "staging.yaml": variant("staging", (e) => {
          e.vpcs[0].mode = "adapt";
        }),
      },
      /staging\.yaml: vpcs\[0\]\.mode: "adapt" is not allowed; allowed: "create" .* or "adopt"/,
    ],
    // network (issue: bad input of the network modules)
    [
      "endpointAzs above the AZs the subnets cover",
      {
        "staging.yaml": variant("staging", (e) => {
          e.vpcs[0].endpointAzs = 3;
        }),
      },
      /staging\.yaml: vpcs\[0\]\.endpointAzs: 3 asks for more AZs than the private subnets cover \(2: eu-west-1a, eu-west-1b\)/,
    ],
    [
      "endpointAzs above what the region offers",
      {
        "staging.yaml": variant("staging", (e) => {
          e.vpcs[0].endpointAzs = 7;
        }),
      },
      /staging\.yaml: vpcs\[0\]\.endpointAzs: 7 is more availability zones than eu-west-1 offers \(3\)/,
    ],
    [
      "a duplicate subnet id",
      {
        "staging.yaml": variant("staging", (e) => {
          e.vpcs[0].privateSubnets[1].id = e.vpcs[0].privateSubnets[0].id;
        }),
      },
      /staging\.yaml: vpcs\[0\]\.privateSubnets\[1\]\.id: "subnet-0a1b2c3d4e5f60001" is listed twice/,
    ],
    [
      "no route tables while an S3 gateway is to be created on them",
      {
        "staging.yaml": variant("staging", (e) => {
          e.vpcs[0].routeTableIds = [];
          e.vpcs[0].s3Gateway = { mode: "create-full-access" };
        }),
      },
      /staging\.yaml: vpcs\[0\]\.routeTableIds: is empty, but s3Gateway\.mode "create-full-access" attaches a gateway to route tables/,
    ],
    // logging and preferences
    [
      "an idle timeout out of range",
      {
        "dev.yaml": variant("dev", (e) => {
          e.sessionPreferences = { ...e.sessionPreferences, idleTimeoutMinutes: 61 };
        }),
      },
      /dev\.yaml: sessionPreferences\.idleTimeoutMinutes: 61 is out of range; must be at most 60/,
    ],
    [
      "a max duration out of range",
      {
        "dev.yaml": variant("dev", (e) => {
          e.sessionPreferences = { ...e.sessionPreferences, maxDurationMinutes: 0 };
        }),
      },
      /dev\.yaml: sessionPreferences\.maxDurationMinutes: 0 /,
    ],
    [
      "runAs on without a user",
      {
        "dev.yaml": variant("dev", (e) => {
          e.sessionPreferences = { ...e.sessionPreferences, runAs: { enabled: true } };
        }),
      },
      /dev\.yaml: sessionPreferences\.runAs\.defaultUser: is required when runAs\.enabled is true/,
    ],
    [
      "a log bucket name with a reserved suffix",
      {
        "dev.yaml": variant("dev", (e) => {
          e.logging = { ...e.logging, s3: { bucketName: "session-logs-s3alias" } };
        }),
      },
      /dev\.yaml: logging\.s3\.bucketName: "session-logs-s3alias" is not a valid S3 bucket name; allowed: 3-63 .*no suffix -s3alias/,
    ],
    [
      "a log bucket name that is too long",
      {
        "dev.yaml": variant("dev", (e) => {
          e.logging = { ...e.logging, s3: { bucketName: "x".repeat(64) } };
        }),
      },
      /dev\.yaml: logging\.s3\.bucketName: "x{64}" is not a valid S3 bucket name; allowed: 3-63/,
    ],
    [
      "a KMS alias in the AWS namespace",
      {
        "dev.yaml": variant("dev", (e) => {
          e.logging = { ...e.logging, kms: { alias: "alias/aws/ssm" } };
        }),
      },
      /dev\.yaml: logging\.kms\.alias: "alias\/aws\/ssm" is not a valid KMS alias; must start with alias\/, not alias\/aws\//,
    ],
    [
      "object lock for zero days",
      {
        "dev.yaml": variant("dev", (e) => {
          e.logging = { ...e.logging, s3: { objectLock: { mode: "GOVERNANCE", days: 0 } } };
        }),
      },
      /dev\.yaml: logging\.s3\.objectLock\.days: 0 is not a number of days from 1 to 36500/,
    ],
    [
      "both log destinations off without a waiver",
      {
        "dev.yaml": variant("dev", (e) => {
          e.logging = { s3: { enabled: false }, cloudWatch: { enabled: false } };
        }),
      },
      /dev\.yaml: logging\.waiveLogging: is required when both s3\.enabled and cloudWatch\.enabled are false/,
    ],
    [
      "a suppression of a rule that does not exist",
      {
        "dev.yaml": variant("dev", (e) => {
          e.guardrails = { suppressions: [{ rule: "BL-NET-999", path: "Network", reason: "long enough reason" }] };
        }),
      },
      /dev\.yaml: guardrails\.suppressions\[0\]\.rule: "BL-NET-999" is not allowed; did you mean "BL-NET-009"\?; allowed: "BL-NET-001", .*"BL-DUR-001"/,
    ],
    [
      "a suppression without a real reason",
      {
        "dev.yaml": variant("dev", (e) => {
          e.guardrails = { suppressions: [{ rule: "BL-NET-001", path: "Network", reason: "because" }] };
        }),
      },
      /dev\.yaml: guardrails\.suppressions\[0\]\.reason: /,
    ],
  ];

  test.each(cases)("rejects %s, naming file, field and value", (_what, files, expected) => {
    // GIVEN / WHEN
    const problems = problemsOf(envDir(files));
    // THEN
    expect(problems.join("\n")).toMatch(expected);
  });

  test("rejects an empty directory", () => {
    const dir = envDir({}, false);
    expect(problemsOf(dir)).toEqual([
      `${dir}: no environment files; add one <name>.yaml per environment (see config/environments in the repository)`,
    ]);
  });

  test("collects the errors of every file at once", () => {
    // GIVEN two broken files
    const problems = problemsOf(
      envDir({
        "dev.yaml": variant("dev", (e) => {
          e.account = "1";
        }),
        "prod.yaml": variant("prod", (e) => {
          e.vpcs[0].cidr = "300.0.0.0/16";
          e.logging.cloudWatch.retentionDays = 45;
        }),
      }),
    );
    // THEN all three problems are reported together
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/dev\.yaml: account/);
    expect(problems.join("\n")).toMatch(/prod\.yaml: vpcs\[0\]\.cidr: "300\.0\.0\.0\/16" is not an IPv4 CIDR/);
    expect(problems.join("\n")).toMatch(
      /prod\.yaml: logging\.cloudWatch\.retentionDays: 45 is not a retention CloudWatch Logs accepts; allowed: 1, 3, 5/,
    );
  });

  test("accepts environments sharing an account+region when only one owns account-wide settings", () => {
    const envs = loadEnvironments(
      envDir({
        "qa.yaml": variant("dev", (e) => {
          e.name = "qa";
          e.vpcs[0].cidr = "10.11.0.0/16";
          e.vpcs[0].privateSubnets = [{ cidr: "10.11.0.0/20", availabilityZone: "eu-west-1a" }];
          e.sessionPreferences = { document: "none" };
          // Its own access tags (the same ones would reach dev's instances) and dev's trail.
          for (const g of e.accessGroups) g.instanceTags = { "bastionless:environment": ["qa"] };
          e.logging.cloudTrail = { existing: "bastionless-dev-audit-trail" };
        }),
      }),
    );
    expect(envs.map((e) => e.config.name)).toContain("qa");
  });
});
