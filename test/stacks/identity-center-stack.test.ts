import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { identitySchema, loadIdentity, type IdentityConfig } from "../../loader/identity";
import { ConfigError, loadEnvironments, type LoadedEnvironment } from "../../loader/load";
import {
  DataAwsIdentitystoreGroup,
  OrganizationsPolicy,
  OrganizationsPolicyAttachment,
  SsoadminAccountAssignment,
  SsoadminPermissionSet,
  SsoadminPermissionSetInlinePolicy,
} from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { accountScpFile, IdentityCenterStack, SCP_FILE } from "../../stacks/identity-center-stack";
import { synthesizeAtomically } from "../../synth/synth";
import { CI_FILE, IDENTITY_FILE, identityStack } from "../helpers/policies";
import { loadCiConfig } from "../../loader/ci";
import {
  dataSources,
  ENV_DIR,
  exampleConfig,
  resources,
  resourceEntries,
  synthJson,
  type TfJson,
} from "../helpers/synth";

const environments = loadEnvironments(ENV_DIR);
const identity = loadIdentity(IDENTITY_FILE, environments)!.config;
const withIdentity = (patch: (c: IdentityConfig) => void): IdentityConfig => {
  const c = structuredClone(identity);
  patch(c);
  return identitySchema.parse(c);
};

describe("IdentityCenterStack", () => {
  let tf: TfJson;
  beforeAll(() => {
    tf = synthJson(identityStack(environments));
  });

  test("GIVEN the identity file THEN its provider is pinned to the management/delegated-admin account in the home region", () => {
    expect(tf.provider?.aws).toEqual([
      expect.objectContaining({ region: "eu-west-1", allowed_account_ids: ["999999999999"] }),
    ]);
  });
  test("THEN it has its own state object, separate from every environment's", () => {
    const s3 = tf.terraform!.backend!.s3 as Record<string, unknown>;
    expect(s3).toMatchObject({ bucket: "bastionless-tfstate-999999999999", key: "bastionless/identity.tfstate" });
    expect(s3.use_lockfile).toBe(true);
  });
  test("THEN each Identity Center access group gets a permission set with its inline policy, for its environment", () => {
    const sets = resources(tf, SsoadminPermissionSet);
    expect(sets).toEqual([
      expect.objectContaining({
        name: "SessionManagerSRE",
        session_duration: "PT4H",
        instance_arn: "arn:aws:sso:::instance/ssoins-1234567890abcdef",
      }),
    ]);
    const [policy] = resources(tf, SsoadminPermissionSetInlinePolicy);
    const doc = JSON.parse(policy.inline_policy as string) as { Statement: { Sid: string; Resource: unknown }[] };
    // prod's account and region, never the identity account's
    expect(JSON.stringify(doc)).toContain("arn:aws:ec2:eu-central-1:333333333333:instance/*");
    expect(doc.Statement.map((s) => s.Sid)).not.toContain("DenySessionsWithoutMfa");
  });
  test("THEN the group is looked up by display name and assigned the permission set in the environment's account", () => {
    const groups = dataSources(tf, DataAwsIdentitystoreGroup);
    expect(groups).toEqual([
      {
        identity_store_id: "d-1234567890",
        alternate_identifier: { unique_attribute: { attribute_path: "DisplayName", attribute_value: "SRE-OnCall" } },
      },
    ]);
    const [[setName]] = resourceEntries(tf, SsoadminPermissionSet);
    const [groupName] = Object.keys(tf.data![DataAwsIdentitystoreGroup.tfResourceType]);
    expect(resources(tf, SsoadminAccountAssignment)).toEqual([
      expect.objectContaining({
        principal_type: "GROUP",
        principal_id: `\${data.${DataAwsIdentitystoreGroup.tfResourceType}.${groupName}.group_id}`,
        permission_set_arn: `\${${SsoadminPermissionSet.tfResourceType}.${setName}.arn}`,
        target_type: "AWS_ACCOUNT",
        target_id: "333333333333",
      }),
    ]);
  });
  test("GIVEN two permission sets naming the same Identity Center group THEN one data source serves both", () => {
    const configs = environments.map((e) =>
      e.config.name === "staging"
        ? {
            ...e,
            config: exampleConfig("staging", (i) => {
              i.accessGroups![0].principals = {
                identityCenter: { permissionSetName: "SessionManagerStaging", groups: ["SRE-OnCall", "Platform"] },
              };
            }),
          }
        : e,
    );
    const out = synthJson(identityStack(configs));
    expect(dataSources(out, DataAwsIdentitystoreGroup)).toHaveLength(2);
    expect(
      resources(out, SsoadminAccountAssignment)
        .map((a) => a.target_id)
        .sort(),
    ).toEqual(["222222222222", "222222222222", "333333333333"]);
  });
  test("THEN the workload stacks create no permission set (they cannot: wrong account)", () => {
    const prod = synthJson(
      new EnvironmentStack(Testing.app(), "prod", {
        config: environments.find((e) => e.config.name === "prod")!.config,
      }),
    );
    expect(Object.keys(prod.resource ?? {}).filter((t) => t.startsWith("aws_ssoadmin"))).toEqual([]);
  });
  test("GIVEN createScp with targets THEN the SCP is an aws_organizations_policy attached to each target", () => {
    const out = synthJson(
      identityStack(
        environments,
        withIdentity((c) => Object.assign(c.tagProtection!, { createScp: true, scpTargetIds: ["ou-ab12-cdef3456"] })),
      ),
    );
    const [policy] = resources(out, OrganizationsPolicy);
    expect(policy.type).toBe("SERVICE_CONTROL_POLICY");
    const scp = JSON.parse(policy.content as string) as {
      Statement: { Effect: string; Condition: Record<string, Record<string, unknown>> }[];
    };
    expect(scp.Statement.every((s) => s.Effect === "Deny")).toBe(true);
    expect(scp.Statement[0].Condition["ForAnyValue:StringEqualsIgnoreCase"]["aws:TagKeys"]).toEqual([
      "bastionless:environment",
      "bastionless:team",
      "bastionless:tier",
    ]);
    expect(resources(out, OrganizationsPolicyAttachment)).toEqual([
      expect.objectContaining({ target_id: "ou-ab12-cdef3456" }),
    ]);
  });
  test("GIVEN no createScp THEN no organizations resource is created", () => {
    expect(resources(tf, OrganizationsPolicy)).toEqual([]);
  });
});

describe("the tag-protection SCP file", () => {
  test("WHEN the app synthesizes THEN cdktf.out/scp/access-tag-protection.json holds the SCP, under 5,120 characters", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-scp-")), "cdktf.out");
    synthesizeAtomically(out, (app) => {
      new IdentityCenterStack(app, "identity", { identity, environments: environments.map((e) => e.config) });
    });
    const text = fs.readFileSync(path.join(out, SCP_FILE), "utf8");
    const scp = JSON.parse(text) as {
      Statement: { Sid: string; Condition: Record<string, Record<string, unknown>> }[];
    };
    expect(JSON.stringify(scp).length).toBeLessThanOrEqual(5120);
    // No ci.yaml given here: the break-glass role of each environment account, by exact ARN, is the exemption.
    for (const s of scp.Statement)
      expect(s.Condition.ArnNotEquals["aws:PrincipalArn"]).toEqual(
        ["111111111111", "333333333333", "222222222222"].map((a) => `arn:aws:iam::${a}:role/bastionless-break-glass`),
      );
  });
});

describe("one SCP per environment account", () => {
  test("WHEN synthesized THEN each account's SCP reserves only its environments' keys and exempts only its own principals", () => {
    const stack = identityStack(environments);
    expect(Object.keys(stack.accountScps).sort()).toEqual(["111111111111", "222222222222", "333333333333"]);
    const dev = stack.accountScps["111111111111"] as {
      Statement: { Condition: Record<string, Record<string, string[]>> }[];
    };
    expect(dev.Statement[0].Condition["ForAnyValue:StringEqualsIgnoreCase"]["aws:TagKeys"]).toEqual([
      "bastionless:team",
      "bastionless:tier",
    ]);
    for (const s of dev.Statement)
      expect(s.Condition.ArnNotEquals["aws:PrincipalArn"]).toEqual([
        "arn:aws:iam::111111111111:role/bastionless-dev-ci-apply",
        "arn:aws:iam::111111111111:role/bastionless-break-glass",
      ]);
  });
  test("GIVEN 26 environment accounts (the combined SCP would exceed 5,120 characters) THEN the per-account SCPs are written and fit, the combined one is left out", () => {
    const many: LoadedEnvironment[] = Array.from({ length: 26 }, (_, i) => {
      const account = String(100000000000 + i);
      return {
        file: `env${i}.yaml`,
        config: exampleConfig("dev", (c) => {
          Object.assign(c, {
            name: `env${i}`,
            account,
            state: { ...c.state, bucket: `bastionless-tfstate-${account}` },
          });
        }),
      };
    });
    const stack = identityStack(many, identity);
    expect(stack.scp).toBeUndefined();
    expect(Object.keys(stack.accountScps).length).toBeGreaterThanOrEqual(3);
    for (const scp of Object.values(stack.accountScps)) expect(JSON.stringify(scp).length).toBeLessThanOrEqual(5120);
    expect(stack.summary().join("\n")).toMatch(
      /SCP → scp\/access-tag-protection-<account>\.json \(\d+ accounts; the combined one would be \d+ characters, over 5120\)/,
    );
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-scp-")), "cdktf.out");
    synthesizeAtomically(out, (app) => {
      new IdentityCenterStack(app, "identity", {
        identity,
        environments: many.map((e) => e.config),
        ci: loadCiConfig(CI_FILE),
      });
    });
    expect(fs.existsSync(path.join(out, SCP_FILE))).toBe(false);
    for (const account of Object.keys(stack.accountScps))
      expect(fs.existsSync(path.join(out, accountScpFile(account)))).toBe(true);
  });
});

describe("identity configuration errors", () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), "bl-identity-"));
  test("GIVEN an access group with identityCenter and no identity file THEN the error names the environment file and field", () => {
    expect(() => loadIdentity(path.join(dir(), "identity.yaml"), environments)).toThrow(ConfigError);
    try {
      loadIdentity(path.join(dir(), "identity.yaml"), environments);
    } catch (e) {
      expect((e as ConfigError).problems).toEqual([
        expect.stringMatching(
          /prod\.yaml: accessGroups\[0\]\.principals\.identityCenter: needs the organization's identity file/,
        ),
      ]);
    }
  });
  test("GIVEN two environments with the same permission set name THEN the second is an error naming both", () => {
    const staging: LoadedEnvironment = {
      file: "config/environments/staging.yaml",
      config: exampleConfig("staging", (i) => {
        i.accessGroups![0].principals = { identityCenter: { permissionSetName: "SessionManagerSRE", groups: ["x"] } };
      }),
    };
    const envs = [...environments.filter((e) => e.config.name !== "staging"), staging];
    expect(() => loadIdentity(IDENTITY_FILE, envs)).toThrow(
      /staging\.yaml: accessGroups\[0\]\.principals\.identityCenter\.permissionSetName: "SessionManagerSRE" is already used by .*prod\.yaml/,
    );
  });
  test("GIVEN a bad identity file THEN each problem names the file and field", () => {
    const file = path.join(dir(), "identity.yaml");
    fs.writeFileSync(
      file,
      stringify({
        ...identity,
        account: "12345",
        homeRegion: "mars-1",
        tagProtection: {
          exemptPrincipalArns: ["arn:aws:iam::*:role/bastionless-platform", "arn:aws:iam::111111111111:role/ci-*"],
          breakGlassRoleName: "break glass",
        },
      }),
    );
    let problems: string[] = [];
    try {
      loadIdentity(file, []);
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/identity\.yaml: account: "12345" is not an AWS account id/),
        expect.stringMatching(/identity\.yaml: homeRegion: "mars-1" is not a known AWS region/),
        expect.stringMatching(
          /identity\.yaml: tagProtection\.exemptPrincipalArns\[0\]: "arn:aws:iam::\*:role\/bastionless-platform" names no account \(\*\): anyone able to create a principal of that name in any member account would be exempt/,
        ),
        expect.stringMatching(
          /identity\.yaml: tagProtection\.exemptPrincipalArns\[1\]: "arn:aws:iam::111111111111:role\/ci-\*" is not an exact IAM role or user ARN; allowed: arn:aws:iam::<12-digit account>:role\/<path\/name> \(no wildcards\)/,
        ),
        expect.stringMatching(
          /identity\.yaml: tagProtection\.breakGlassRoleName: "break glass" is not an IAM role name/,
        ),
      ]),
    );
  });
});
