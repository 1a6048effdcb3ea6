/** Wiring of the example environments (config/environments/*.yaml) into their stacks: networks, preferences, instances. */
import {
  EndpointService,
  requiredServices,
  HOURS_PER_MONTH,
  INTERFACE_ENDPOINT_HOURLY_USD,
} from "../../modules/network-endpoints";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { DataAwsVpcEndpoint, Instance, SsmDocument, VpcEndpoint } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { dataSources, exampleConfig, resources, synthJson, type TfJson } from "../helpers/synth";
import { PREFERENCES_DOCUMENT } from "../../modules/session-preferences";

const interfaceServices = (tf: TfJson) =>
  resources(tf, VpcEndpoint)
    .filter((e) => e.vpc_endpoint_type === "Interface")
    .map((e) => e.service_name)
    .sort();

describe("the example environments' networks", () => {
  const envTf = (name: string, patch?: Parameters<typeof exampleConfig>[1]) =>
    synthJson(new EnvironmentStack(Testing.app(), name, { config: exampleConfig(name, patch) }));

  const { SSM, SSMMESSAGES, EC2MESSAGES, LOGS, KMS } = EndpointService;
  test.each([
    ["dev", [SSM, SSMMESSAGES, LOGS, KMS]],
    ["staging", [SSM, SSMMESSAGES, EC2MESSAGES, LOGS, KMS]],
    ["prod", [SSM, SSMMESSAGES, EC2MESSAGES, LOGS, KMS]],
  ])("%s has exactly the expected interface endpoints", (name, services) => {
    const cfg = exampleConfig(name);
    const expected = requiredServices({
      legacyAgentSupport: cfg.network.legacyAgentSupport,
      cloudWatchLogging: cfg.logging.cloudWatch.enabled,
      kmsEncryption: cfg.sessionPreferences.waiveKmsEncryption === undefined,
    })
      .map((s) => s.serviceName(cfg.region))
      .sort();
    // Created as resources, or (staging's reuse path) read as data sources of existing endpoints: together, all of them.
    const stack = new EnvironmentStack(Testing.app(), name, { config: cfg });
    const tf = synthJson(stack);
    const reused = stack.networks.flatMap((n) =>
      n.endpoints.reusedEndpoints.map((r) => r.service.serviceName(cfg.region)),
    );
    expect(dataSources(tf, DataAwsVpcEndpoint)).toHaveLength(reused.length);
    expect([...interfaceServices(tf), ...reused].sort()).toEqual(expected);
    expect(expected).toEqual(services.map((s) => s.serviceName(cfg.region)).sort());
  });

  test("turning CloudWatch logging off removes the logs endpoint; the KMS waiver removes the kms endpoint", () => {
    const noLogs = envTf("prod", (e) => {
      e.logging = { ...e.logging, cloudWatch: { enabled: false } };
    });
    const names = (services: EndpointService[]) => services.map((s) => s.serviceName("eu-central-1")).sort();
    expect(exampleConfig("prod").region).toBe("eu-central-1");
    expect(interfaceServices(noLogs)).toEqual(names([SSM, SSMMESSAGES, EC2MESSAGES, KMS]));
    const noKms = envTf("prod", (e) => {
      e.sessionPreferences = { ...e.sessionPreferences, waiveKmsEncryption: "sandbox without customer data" };
    });
    expect(interfaceServices(noKms)).toEqual(names([SSM, SSMMESSAGES, EC2MESSAGES, LOGS]));
  });

  test("GIVEN the adopted prod VPC with the safe S3 default THEN no gateway endpoint touches its route tables", () => {
    const gateways = resources(envTf("prod"), VpcEndpoint).filter((e) => e.vpc_endpoint_type === "Gateway");
    expect(gateways).toEqual([]);
  });

  test("the cost output and summary match the arithmetic", () => {
    const stack = new EnvironmentStack(Testing.app(), "prod", { config: exampleConfig("prod") });
    const tf = synthJson(stack);
    const cfg = stack.config;
    const azs = cfg.vpcs[0].endpointAzs ?? new Set(cfg.vpcs[0].privateSubnets.map((s) => s.availabilityZone)).size;
    const expected = Math.round(5 * azs * INTERFACE_ENDPOINT_HOURLY_USD[cfg.region] * HOURS_PER_MONTH * 100) / 100;
    expect(tf.output?.interface_endpoint_monthly_usd.value).toBe(expected);
    expect(stack.summary()).toEqual([
      `5 endpoints × ${azs} AZ ≈ $${expected.toFixed(2)}/month`,
      "adopts vpc-0f1e2d3c4b5a69788: creates 5 (private DNS for the whole VPC, 443 from 10.30.0.0/16, 100.64.0.0/16), S3 gateway: none, NACL: untouched",
      "takes over SSM-SessionManagerRunShell in 333333333333/eu-central-1 (sharedAccount opt-in): every session there that names no document is encrypted with alias/bastionless-prod-sessions (usable by every principal of the account, for sessions only), logged to s3://bastionless-prod-session-logs-333333333333/prod/ and /bastionless/prod/sessions, idle/max 15/240 min; the agent does not check the destinations' encryption",
      "audit trail: reads arn:aws:cloudtrail:eu-west-1:999999999999:trail/organization-trail (plan fails unless it logs write management events here)",
    ]);
  });
});

describe("the example environments' preferences and instances", () => {
  test("environments: dev and staging own the document, prod adopts it; document: none owns nothing", () => {
    const docs = (name: string, patch?: Parameters<typeof exampleConfig>[1]) => {
      const tf = synthJson(new EnvironmentStack(Testing.app(), name, { config: exampleConfig(name, patch) }));
      return {
        documents: resources(tf, SsmDocument).filter((d) => d.name === PREFERENCES_DOCUMENT),
        imports: tf.import ?? [],
      };
    };
    const none = docs("staging", (e) => {
      e.sessionPreferences = { document: "none" };
    });
    expect(none.documents).toEqual([]);
    for (const name of ["dev", "staging", "prod"]) {
      const { documents, imports } = docs(name);
      const mode = exampleConfig(name).sessionPreferences.document;
      expect(documents).toHaveLength(mode === "none" ? 0 : 1);
      expect(imports.length > 0).toBe(mode === "adopt");
    }
  });

  test("the dev example launches one instance from the hardened template; staging and prod launch none", () => {
    const count = (name: string) =>
      resources(synthJson(new EnvironmentStack(Testing.app(), name, { config: exampleConfig(name) })), Instance).length;
    expect([count("dev"), count("staging"), count("prod")]).toEqual([1, 0, 0]);
  });
});
