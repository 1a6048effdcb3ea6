/** Config rules of brownfield adoption: named opt-ins, endpoint choices, port-forward targets, shared VPCs. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { ConfigError, loadEnvironments } from "../../loader/load";
import { environmentSchema } from "../../loader/schema";
import { ENV_DIR, exampleInput } from "../helpers/examples";

function envDir(files: Record<string, object>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-adopt-"));
  for (const f of fs.readdirSync(ENV_DIR)) fs.copyFileSync(path.join(ENV_DIR, f), path.join(dir, f));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), stringify(content));
  return dir;
}

function problemsOf(files: Record<string, object>): string[] {
  const dir = envDir(files);
  try {
    loadEnvironments(dir);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return [];
}

function variant(name: string, patch: (env: Record<string, any>) => void): Record<string, any> {
  const env = structuredClone(exampleInput(name)) as Record<string, any>;
  patch(env);
  return env;
}

describe("GIVEN an adopted VPC in an environment file", () => {
  test("WHEN nothing is said about endpoints, S3 or the NACL THEN every endpoint is created, no S3 gateway, no NACL", () => {
    const env = variant("staging", (e) => {
      delete e.vpcs[0].interfaceEndpoints;
      delete e.vpcs[0].s3Gateway;
    });
    const vpc = environmentSchema.parse(env).vpcs[0];
    expect(vpc.mode).toBe("adopt");
    if (vpc.mode !== "adopt") return;
    expect(vpc.interfaceEndpoints).toEqual({});
    expect(vpc.s3Gateway).toEqual({ mode: "none" });
    expect(vpc.networkAcl).toBe(false);
  });

  test.each([
    [
      "networkAcl: true (the old boolean) is rejected with the consequence and the opt-in named",
      (e: Record<string, any>) => (e.vpcs[0].networkAcl = true),
      /staging\.yaml: vpcs\[0\]\.networkAcl: true is not allowed; a managed NACL replaces the adopted subnets' NACL and blocks every flow the config does not declare .*"replace-subnet-acls-blocking-undeclared-traffic"/,
    ],
    [
      "a reused S3 gateway without its id",
      (e: Record<string, any>) => (e.vpcs[0].s3Gateway = { mode: "reuse" }),
      /staging\.yaml: vpcs\[0\]\.s3Gateway\.endpointId: is required when mode is "reuse"/,
    ],
    [
      "a restrictive S3 gateway asked for by a name that does not say what it breaks",
      (e: Record<string, any>) => (e.vpcs[0].s3Gateway = { mode: "create-restrictive" }),
      /staging\.yaml: vpcs\[0\]\.s3Gateway\.mode: "create-restrictive" is not allowed; allowed: "none", "reuse", "create-full-access", "create-restrictive-breaks-other-s3-traffic"/,
    ],
    [
      "an endpoint choice that is neither create, reuse nor an endpoint id",
      (e: Record<string, any>) => (e.vpcs[0].interfaceEndpoints = { ssm: "share" }),
      /staging\.yaml: vpcs\[0\]\.interfaceEndpoints\.ssm: "share" is not allowed; allowed: "create", "reuse" .* or a vpce-… id/,
    ],
    [
      "an endpoint for a service the environment does not need",
      (e: Record<string, any>) => {
        e.network = { legacyAgentSupport: false };
        e.vpcs[0].interfaceEndpoints = { ec2messages: "reuse" };
      },
      /staging\.yaml: vpcs\[0\]\.interfaceEndpoints\.ec2messages: this environment needs no ec2messages endpoint/,
    ],
    [
      "the shared security-group layout while endpoints are created in the adopted VPC",
      (e: Record<string, any>) => {
        e.network = { securityGroupLayout: "shared" };
        e.vpcs[0].interfaceEndpoints = {};
      },
      /staging\.yaml: network\.securityGroupLayout: "shared" cannot be used with adopted VPC "main": its endpoints must admit the whole VPC CIDR/,
    ],
    [
      "a gateway to be created with no route tables",
      (e: Record<string, any>) => {
        e.vpcs[0].routeTableIds = [];
        e.vpcs[0].s3Gateway = { mode: "create-restrictive-breaks-other-s3-traffic" };
      },
      /staging\.yaml: vpcs\[0\]\.routeTableIds: is empty, but s3Gateway\.mode "create-restrictive-breaks-other-s3-traffic" attaches a gateway/,
    ],
  ])("WHEN %s THEN the file is rejected naming field and value", (_what, patch, expected) => {
    expect(problemsOf({ "staging.yaml": variant("staging", patch) })).toEqual(
      expect.arrayContaining([expect.stringMatching(expected)]),
    );
  });
});

describe("GIVEN a port-forwarding target", () => {
  const withTarget = (target: object, vpcs?: object[]) =>
    variant("dev", (e) => {
      e.accessGroups[1].capabilities.portForwarding = [target];
      if (vpcs) e.vpcs = vpcs;
    });

  test("WHEN it says neither where it is (no cidr, no securityGroupId) THEN it is rejected", () => {
    expect(problemsOf({ "dev.yaml": withTarget({ host: "db.example.com", port: 5432 }) })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /dev\.yaml: accessGroups\[1\]\.capabilities\.portForwarding\[0\]: db\.example\.com:5432 must say where it is with exactly one of cidr or securityGroupId/,
        ),
      ]),
    );
  });

  test("WHEN it gives both a CIDR and a security group THEN it is rejected", () => {
    const both = { host: "db", port: 5432, cidr: "10.10.16.0/20", securityGroupId: "sg-0123456789abcdef0" };
    expect(problemsOf({ "dev.yaml": withTarget(both) }).join("\n")).toMatch(/exactly one of cidr or securityGroupId/);
  });

  test("WHEN its CIDR is 0.0.0.0/0 or its vpc is unknown THEN it is rejected", () => {
    expect(problemsOf({ "dev.yaml": withTarget({ host: "db", port: 5432, cidr: "0.0.0.0/0" }) }).join("\n")).toMatch(
      /portForwarding\[0\]\.cidr: "0\.0\.0\.0\/0" is every address/,
    );
    expect(
      problemsOf({ "dev.yaml": withTarget({ host: "db", port: 5432, cidr: "10.10.16.0/20", vpc: "other" }) }).join(
        "\n",
      ),
    ).toMatch(/portForwarding\[0\]\.vpc: "other" is not a VPC of this environment; allowed: main/);
  });

  test("WHEN a security-group target does not name its VPC in a two-VPC environment THEN it is rejected", () => {
    const dev = exampleInput("dev") as Record<string, any>;
    const second = { ...dev.vpcs[0], name: "second", cidr: "10.11.0.0/16" };
    second.privateSubnets = [{ cidr: "10.11.0.0/20", availabilityZone: "eu-west-1a" }];
    const env = withTarget({ host: "db", port: 5432, securityGroupId: "sg-0123456789abcdef0" }, [dev.vpcs[0], second]);
    expect(problemsOf({ "dev.yaml": env }).join("\n")).toMatch(
      /portForwarding\[0\]\.vpc: is required for a securityGroupId target when the environment has several VPCs/,
    );
  });
});

describe("GIVEN two environments in one account and region", () => {
  // A second environment in staging's account and region, adopting staging's VPC.
  const qa = (patch: (e: Record<string, any>) => void = () => undefined) =>
    variant("staging", (e) => {
      e.name = "qa";
      e.sessionPreferences = { document: "none" };
      delete e.vpcs[0].interfaceEndpoints;
      patch(e);
    });

  test("WHEN both adopt the same VPC THEN the second file is rejected naming both files and the way out", () => {
    const problems = problemsOf({ "qa.yaml": qa() });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /staging\.yaml: vpcs\[0\]: environment "staging" and environment "qa" \(.*qa\.yaml\) both adopt VPC vpc-0a1b2c3d4e5f60718 in account 222222222222 in eu-west-1; .*Set vpcs\[0\]\.sharedEndpointsFrom: qa in .*staging\.yaml/,
        ),
      ]),
    );
  });

  test("WHEN they adopt different VPCs but share a route table THEN it is rejected too", () => {
    const problems = problemsOf({
      "qa.yaml": qa((e) => {
        e.vpcs[0].vpcId = "vpc-0a1b2c3d4e5f6ffff";
      }),
    });
    expect(problems.join("\n")).toMatch(/both adopt route tables rtb-0a1b2c3d4e5f60001, rtb-0a1b2c3d4e5f60002/);
  });

  test("WHEN the second says it shares the first one's endpoints THEN both load", () => {
    const shares = (e: Record<string, any>) => {
      e.vpcs[0].sharedEndpointsFrom = "staging";
      // Its own access tags: staging's would let each environment's groups reach the other's instances.
      for (const g of e.accessGroups) g.instanceTags = { "bastionless:environment": ["qa"] };
    };
    expect(problemsOf({ "qa.yaml": qa(shares) })).toEqual([]);
  });

  test("WHEN the sharing environment still asks to create an endpoint THEN it is rejected", () => {
    const problems = problemsOf({
      "qa.yaml": qa((e) => {
        e.vpcs[0].sharedEndpointsFrom = "staging";
        e.vpcs[0].interfaceEndpoints = { ssm: "create" };
      }),
    });
    expect(problems.join("\n")).toMatch(
      /qa\.yaml: vpcs\[0\]\.interfaceEndpoints\.ssm: "create" contradicts sharedEndpointsFrom "staging"/,
    );
  });

  test("WHEN sharedEndpointsFrom names an environment that does not adopt that VPC THEN it is rejected", () => {
    const problems = problemsOf({ "qa.yaml": qa((e) => (e.vpcs[0].sharedEndpointsFrom = "prod")) });
    expect(problems.join("\n")).toMatch(
      /qa\.yaml: vpcs\[0\]\.sharedEndpointsFrom: environment "prod" \(.*prod\.yaml\) does not adopt vpc-0a1b2c3d4e5f60718/,
    );
  });
});
