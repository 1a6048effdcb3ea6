/**
 * Resource addresses are part of each generated module's contract: consumers' state holds them, and a changed
 * address destroys and re-creates the resource (the session key and log bucket included). Every address ever
 * released is pinned here; one that disappears without a `moved` block to a current address fails.
 */
import * as fs from "fs";
import * as path from "path";
import { MODULES_DIR, sharedTerraformModules } from "../helpers/terraform-modules";
import { addressProblems, declaredAddresses } from "../../terraform-modules/addresses";
import { MODULES } from "../../terraform-modules/definitions";

/** 0.1.0 (cdktf's hashed names), then the conventional names that replaced them. */
const PINNED: Record<string, string[]> = {
  network: [
    "aws_security_group.Endpoints_InstanceSecurityGroup_01B72CC9",
    "aws_vpc_security_group_egress_rule.Endpoints_InstanceSecurityGroup_Egress443FromEndpointsEndpointSecurityGroup_F8FE9E06",
    "aws_vpc_security_group_egress_rule.Endpoints_InstanceSecurityGroup_EgressHttpsToS3_F4201A1C",
    "aws_security_group.Endpoints_EndpointSecurityGroup_21CE02B5",
    "aws_vpc_security_group_ingress_rule.Endpoints_EndpointSecurityGroup_Ingress443FromEndpointsInstanceSecurityGroup_6305999D",
    "aws_vpc_endpoint.Endpoints_Interface_Endpoint_746F1F6E",
    "aws_vpc_endpoint.Endpoints_S3Gateway_9EB91B88",
    "aws_security_group.instance",
    "aws_security_group.endpoint",
    "aws_vpc_security_group_egress_rule.instance_to_endpoints",
    "aws_vpc_security_group_egress_rule.instance_to_s3",
    "aws_vpc_security_group_ingress_rule.this",
    "aws_vpc_endpoint.interface",
    "aws_vpc_endpoint.s3_gateway",
    // The endpoints admit the VPC and listed clients; the instance-SG rule is no longer the only ingress rule.
    "aws_vpc_security_group_ingress_rule.instances",
    "aws_vpc_security_group_ingress_rule.vpc",
    "aws_vpc_security_group_ingress_rule.allowed_cidrs",
    "aws_vpc_security_group_ingress_rule.allowed_security_groups",
  ],
  "instance-access": [
    "aws_iam_role.InstanceRole_3CCE2F1D",
    "aws_iam_role_policy.InstanceRole_Policy_FD738921",
    "aws_iam_instance_profile.InstanceRole_InstanceProfile_2CCB7687",
    "aws_iam_role_policy_attachment.InstanceRole_ManagedInstanceCore_6D42928E",
    "aws_launch_template.LaunchTemplate_04EC5460",
    "aws_iam_role.this",
    "aws_iam_role_policy.this",
    "aws_iam_instance_profile.this",
    "aws_iam_role_policy_attachment.managed_instance_core",
    "aws_launch_template.this",
  ],
  "operator-access": [
    "aws_iam_group.AccessGroup_64546773",
    "aws_iam_group_policy.AccessGroup_GroupPolicy_9D3A973C",
    "aws_iam_role_policy.AccessGroup_Roles_Policy_FFA61630",
    "aws_iam_group.this",
    "aws_iam_group_policy.this",
    "aws_iam_role_policy.this",
  ],
  "session-logging": [
    "aws_kms_key.SessionKey_0FE01E29",
    "aws_kms_alias.SessionKey_Alias_01AF0D8E",
    "aws_kms_key_policy.SessionKey_Policy_BAE4F117",
    "aws_cloudwatch_log_group.SessionLogGroup_B139EA89",
    "aws_s3_bucket.SessionLogBucket_4A91D6B0",
    "aws_s3_bucket_ownership_controls.SessionLogBucket_Ownership_EEE04CB3",
    "aws_s3_bucket_public_access_block.SessionLogBucket_PublicAccessBlock_3511E5B4",
    "aws_s3_bucket_server_side_encryption_configuration.SessionLogBucket_Encryption_5976BDD2",
    "aws_s3_bucket_versioning.SessionLogBucket_Versioning_22A1FF75",
    "aws_s3_bucket_policy.SessionLogBucket_Policy_29932015",
    "aws_s3_bucket_lifecycle_configuration.SessionLogBucket_Lifecycle_3F66AB88",
    "aws_kms_key.this",
    "aws_kms_alias.this",
    "aws_kms_key_policy.this",
    "aws_cloudwatch_log_group.this",
    "aws_s3_bucket.this",
    "aws_s3_bucket_ownership_controls.this",
    "aws_s3_bucket_public_access_block.this",
    "aws_s3_bucket_server_side_encryption_configuration.this",
    "aws_s3_bucket_versioning.this",
    "aws_s3_bucket_policy.this",
    "aws_s3_bucket_lifecycle_configuration.this",
  ],
  "session-preferences": ["aws_ssm_document.this"],
};

const outdir = MODULES_DIR;
beforeAll(() => sharedTerraformModules(), 60_000);

/** Every .tf file of a module's root, concatenated (moved blocks live in moved.tf). */
const moduleTf = (name: string) => {
  const dir = path.join(outdir, `terraform-aws-bastionless-${name}`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".tf"))
    .map((f) => fs.readFileSync(path.join(dir, f), "utf8"))
    .join("\n");
};

describe("generated module resource addresses", () => {
  test("every module's addresses are pinned (a module without a pin list fails)", () => {
    expect(Object.keys(PINNED).sort()).toEqual(MODULES.map((m) => m.name).sort());
  });

  test.each(MODULES.map((m) => [m.name] as const))(
    "%s: every released address is declared or moved to a declared one, and every declared one is pinned",
    (name) => {
      expect(addressProblems(moduleTf(name), PINNED[name])).toEqual([]);
    },
  );

  test.each(MODULES.map((m) => [m.name] as const))(
    "%s: conventional names (this, or a short role name), never cdktf's hashes",
    (name) => {
      for (const r of declaredAddresses(moduleTf(name)).resources)
        expect(r).toMatch(/^aws_[a-z0-9_]+\.(this|[a-z][a-z0-9]*(_[a-z0-9]+)*)$/);
    },
  );

  test("fails: a resource renamed without a moved block loses the consumer's state", () => {
    // GIVEN the session-logging module with its bucket renamed and no moved block for the new name
    const renamed = moduleTf("session-logging")
      .replace(/aws_s3_bucket\.this\b/g, "aws_s3_bucket.logs")
      .replace('resource "aws_s3_bucket" "this"', 'resource "aws_s3_bucket" "logs"');
    // WHEN / THEN
    // (the 0.1.0 address follows its moved block to the new name; the 0.2.0 one has none)
    expect(addressProblems(renamed, PINNED["session-logging"])).toEqual([
      "aws_s3_bucket.this is gone without a moved block (consumers' state would lose it)",
      "aws_s3_bucket.logs is new: pin it",
    ]);
  });

  test("GIVEN the same rename WITH a moved block THEN the released addresses still resolve (only the new pin is asked for)", () => {
    const renamed = `${moduleTf("session-logging").replace('resource "aws_s3_bucket" "this"', 'resource "aws_s3_bucket" "logs"')}
moved {
  from = aws_s3_bucket.this
  to   = aws_s3_bucket.logs
}
`;
    expect(addressProblems(renamed, PINNED["session-logging"])).toEqual(["aws_s3_bucket.logs is new: pin it"]);
    expect(addressProblems(renamed, [...PINNED["session-logging"], "aws_s3_bucket.logs"])).toEqual([]);
  });

  // (tests/upgrade.tftest.hcl in the module proves it with Terraform: the applied releases keep their ids)
  test("GIVEN the S3 gateway, now created with count WHEN upgrading THEN its released address moves to [0]", () => {
    const { moved } = declaredAddresses(moduleTf("network"));
    expect(moved.get("aws_vpc_endpoint.Endpoints_S3Gateway_9EB91B88")).toBe("aws_vpc_endpoint.s3_gateway");
    expect(moved.get("aws_vpc_endpoint.s3_gateway")).toBe("aws_vpc_endpoint.s3_gateway[0]");
    expect(moduleTf("network")).toMatch(/resource "aws_vpc_endpoint" "s3_gateway" \{[^]*?count\s*=/);
  });

  test("the 0.1.0 addresses move in state: moved.tf maps each to its new name", () => {
    const { moved } = declaredAddresses(moduleTf("session-logging"));
    expect(moved.get("aws_kms_key.SessionKey_0FE01E29")).toBe("aws_kms_key.this");
    expect(moved.get("aws_s3_bucket.SessionLogBucket_4A91D6B0")).toBe("aws_s3_bucket.this");
  });
});
