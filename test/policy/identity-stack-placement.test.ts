/**
 * The identity stack in a real organization: its remote state is bootstrapped in the management / delegated-admin
 * account (not a workload account), and its plan stops unless the provider runs in the management account or a
 * delegated administrator for sso.amazonaws.com, in Identity Center's home region. `npm run validate` runs the
 * generated terraform test, which proves each check fires; here: the checks' shape and the runs it generates.
 */
import { S3Bucket } from "../../modules/core/aws";
import { identitySchema, loadIdentity, type IdentityConfig } from "../../loader/identity";
import { loadEnvironments } from "../../loader/load";
import { Testing } from "../../modules/core/cdktf";
import { tftestFile } from "../../tools/tftest";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { IDENTITY_FILE, identityStack } from "../helpers/policies";
import { ENV_DIR, resources, synthJson, type TfJson } from "../helpers/synth";

const environments = loadEnvironments(ENV_DIR);
const configs = environments.map((e) => e.config);
const identity = loadIdentity(IDENTITY_FILE, environments)!.config;
const withState = (state: Record<string, unknown>): IdentityConfig =>
  identitySchema.parse({ ...structuredClone(identity), state });

type Postconditions = { lifecycle: { postcondition: { condition: string; error_message: string }[] } };

describe("GIVEN the identity file WHEN the bootstrap stack is synthesized", () => {
  let tf: TfJson;
  beforeAll(() => {
    tf = synthJson(new BootstrapStack(Testing.app(), "bootstrap", { environments: configs, identity }));
  });
  test("THEN the identity stack's state bucket is created in the identity account, in the home region", () => {
    const providers = tf.provider!.aws as { alias: string; allowed_account_ids: string[]; region: string }[];
    const bucket = resources(tf, S3Bucket).find((b) => b.bucket === "bastionless-tfstate-999999999999")!;
    expect(bucket).toMatchObject({ lifecycle: { prevent_destroy: true } });
    const provider = providers.find((p) => `aws.${p.alias}` === bucket.provider)!;
    expect(provider).toMatchObject({ allowed_account_ids: ["999999999999"], region: "eu-west-1" });
  });
  test("THEN every environment's bucket is still there (the identity bucket is added, nothing replaced)", () => {
    const names = resources(tf, S3Bucket).map((b) => b.bucket);
    expect(names.sort()).toEqual([...configs.map((c) => c.state.bucket), identity.state.bucket].sort());
  });
  test("GIVEN a state region and a bootstrap role in the identity file THEN its provider uses both", () => {
    const role = "arn:aws:iam::999999999999:role/bootstrap";
    const custom = withState({ bucket: "org-identity-state", region: "us-east-1", bootstrapRoleArn: role });
    const t = synthJson(new BootstrapStack(Testing.app(), "bootstrap", { environments: configs, identity: custom }));
    const bucket = resources(t, S3Bucket).find((b) => b.bucket === "org-identity-state")!;
    const provider = (t.provider!.aws as Record<string, unknown>[]).find(
      (p) => `aws.${String(p.alias)}` === bucket.provider,
    )!;
    expect(provider).toMatchObject({
      region: "us-east-1",
      allowed_account_ids: ["999999999999"],
      assume_role: [{ role_arn: role, session_name: "bastionless-bootstrap" }],
    });
  });
  test("GIVEN the identity file names a workload account's state bucket THEN synth fails naming both owners", () => {
    const clash = withState({ bucket: "bastionless-tfstate-111111111111" });
    expect(() => new BootstrapStack(Testing.app(), "bootstrap", { environments: configs, identity: clash })).toThrow(
      /state bucket bastionless-tfstate-111111111111 is named by environment dev \(account 111111111111\) and the identity stack \(config\/identity\.yaml\) \(account 999999999999\)/,
    );
  });
  test("GIVEN identity state in HCP Terraform THEN no bucket is created for it", () => {
    const cloud = withState({ cloud: { organization: "acme", workspace: "bastionless-identity" } });
    const t = synthJson(new BootstrapStack(Testing.app(), "bootstrap", { environments: configs, identity: cloud }));
    expect(resources(t, S3Bucket).map((b) => b.bucket)).not.toContain("bastionless-tfstate-999999999999");
  });
});

describe("GIVEN the identity stack WHEN it is planned", () => {
  let tf: TfJson;
  beforeAll(() => {
    tf = synthJson(identityStack(environments));
  });
  test("THEN the plan stops unless the account is the management account or a delegated admin for sso.amazonaws.com", () => {
    const [delegated] = Object.entries(tf.data!.aws_organizations_delegated_administrators);
    expect(delegated[1]).toMatchObject({ service_principal: "sso.amazonaws.com" });
    const [org] = Object.values(tf.data!.aws_organizations_organization) as unknown as Postconditions[];
    expect(org.lifecycle.postcondition).toEqual([
      {
        condition: `\${self.master_account_id == "999999999999" || contains([for a in data.aws_organizations_delegated_administrators.${delegated[0]}.delegated_administrators : a.id], "999999999999")}`,
        error_message: expect.stringMatching(
          /^Identity stack: account 999999999999 \(identity file: account\) is neither the organization's management account .* nor a delegated administrator for sso\.amazonaws\.com/,
        ),
      },
    ]);
  });
  test("THEN the plan stops unless Identity Center's instance and identity store answer there (its home region)", () => {
    const [instances] = Object.values(tf.data!.aws_ssoadmin_instances) as unknown as Postconditions[];
    expect(instances.lifecycle.postcondition.map((p) => p.condition)).toEqual([
      '${length(setsubtract(["arn:aws:sso:::instance/ssoins-1234567890abcdef"], self.arns)) == 0}',
      '${length(setsubtract(["d-1234567890"], self.identity_store_ids)) == 0}',
    ]);
    expect(instances.lifecycle.postcondition[0].error_message).toMatch(
      /is not visible from account 999999999999 in eu-west-1: Identity Center answers only in its home region \(identity file: homeRegion\)/,
    );
  });
  test("THEN the generated terraform test proves each check fires, and lets a delegated administrator through", () => {
    const file = tftestFile(tf);
    const org = `data.aws_organizations_organization.${Object.keys(tf.data!.aws_organizations_organization)[0]}`;
    const instances = `data.aws_ssoadmin_instances.${Object.keys(tf.data!.aws_ssoadmin_instances)[0]}`;
    expect(file.match(new RegExp(`expect_failures = \\[${org.replace(/\./g, "\\.")}\\]`, "g"))).toHaveLength(1);
    expect(file.match(new RegExp(`expect_failures = \\[${instances.replace(/\./g, "\\.")}\\]`, "g"))).toHaveLength(2);
    expect(file).toContain('master_account_id = "000000000000"');
    const passing = file.slice(file.indexOf('run "placement_delegated_administrator_passes"'));
    expect(passing).toMatch(/delegated_administrators = \[\{ id = "999999999999"/);
    expect(passing.slice(0, passing.indexOf("\n}\n"))).not.toContain("expect_failures");
  });
});
