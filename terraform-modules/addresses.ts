/**
 * Terraform addresses of the generated modules, in the house style of terraform-aws-modules: `this` where a module
 * has one resource of a type, a short role name where it has two (`aws_security_group.instance` / `.endpoint`),
 * `current` for the account/region/partition lookups. They are part of each module's contract: a consumer's state
 * holds them, and a changed address destroys and re-creates the resource (the session key and log bucket too).
 *
 * Every resource and data source a module builds must have an entry here (keyed by type and construct path), so a
 * renamed construct fails the build instead of silently re-addressing. An address that was released before and is
 * replaced keeps its old name in `was`: the module then ships a `moved` block (moved.tf), and Terraform moves the
 * consumer's state instead of replacing the resource. test/distribution/terraform-module-addresses.test.ts pins
 * the released addresses and fails when one disappears without a `moved` block.
 */
import { Construct, TerraformDataSource, TerraformResource, TerraformStack } from "../modules/core/cdktf";

export interface Address {
  /** The Terraform name (`this`, `instance`, `current`). */
  readonly name: string;
  /**
   * The name(s) this resource had in earlier releases, oldest first (0.1.0 used cdktf's hashed names): one `moved`
   * block per step of the chain, the last to the current address.
   */
  readonly was?: string | readonly string[];
  /** The resource gained `count` after the last `was`: the chain ends at `name[0]` (the released single instance). */
  readonly nowCounted?: true;
}

/** module → `<type> <construct path below the stack>` → address. */
export const ADDRESSES: Record<string, Record<string, Address>> = {
  network: {
    "aws_region region": { name: "current" },
    "aws_partition partition": { name: "current" },
    "aws_vpc vpc": { name: "this" },
    "aws_ec2_managed_prefix_list Endpoints/S3PrefixList": { name: "s3" },
    "aws_security_group Endpoints/InstanceSecurityGroup/Resource": {
      name: "instance",
      was: "Endpoints_InstanceSecurityGroup_01B72CC9",
    },
    "aws_vpc_security_group_egress_rule Endpoints/InstanceSecurityGroup/Egress443FromEndpointsEndpointSecurityGroup": {
      name: "instance_to_endpoints",
      was: "Endpoints_InstanceSecurityGroup_Egress443FromEndpointsEndpointSecurityGroup_F8FE9E06",
    },
    "aws_vpc_security_group_egress_rule Endpoints/InstanceSecurityGroup/EgressHttpsToS3": {
      name: "instance_to_s3",
      was: "Endpoints_InstanceSecurityGroup_EgressHttpsToS3_F4201A1C",
    },
    "aws_security_group Endpoints/EndpointSecurityGroup/Resource": {
      name: "endpoint",
      was: "Endpoints_EndpointSecurityGroup_21CE02B5",
    },
    "aws_vpc_security_group_ingress_rule Endpoints/EndpointSecurityGroup/Ingress443FromEndpointsInstanceSecurityGroup":
      {
        name: "instances",
        was: ["Endpoints_EndpointSecurityGroup_Ingress443FromEndpointsInstanceSecurityGroup_6305999D", "this"],
      },
    "aws_vpc_security_group_ingress_rule Endpoints/EndpointSecurityGroup/IngressHttpsFromVpc": { name: "vpc" },
    "aws_vpc_security_group_ingress_rule Endpoints/EndpointSecurityGroup/IngressHttpsFromAllowedCidrs": {
      name: "allowed_cidrs",
    },
    "aws_vpc_security_group_ingress_rule Endpoints/EndpointSecurityGroup/IngressHttpsFromAllowedSecurityGroups": {
      name: "allowed_security_groups",
    },
    "aws_vpc_endpoint Endpoints/Interface/Endpoint": {
      name: "interface",
      was: "Endpoints_Interface_Endpoint_746F1F6E",
    },
    // Created with `count` since the gateway became opt-in: the released single instance moves to [0].
    "aws_vpc_endpoint Endpoints/S3Gateway": {
      name: "s3_gateway",
      was: ["Endpoints_S3Gateway_9EB91B88", "s3_gateway"],
      nowCounted: true,
    },
  },
  "instance-access": {
    "aws_partition partition": { name: "current" },
    "aws_iam_role InstanceRole/Resource": { name: "this", was: "InstanceRole_3CCE2F1D" },
    "aws_iam_role_policy InstanceRole/Policy": { name: "this", was: "InstanceRole_Policy_FD738921" },
    "aws_iam_instance_profile InstanceRole/InstanceProfile": {
      name: "this",
      was: "InstanceRole_InstanceProfile_2CCB7687",
    },
    "aws_iam_role_policy_attachment InstanceRole/ManagedInstanceCore": {
      name: "managed_instance_core",
      was: "InstanceRole_ManagedInstanceCore_6D42928E",
    },
    "aws_ssm_parameter LaunchTemplate/AmazonLinux2023": { name: "al2023" },
    "aws_launch_template LaunchTemplate/Resource": { name: "this", was: "LaunchTemplate_04EC5460" },
  },
  "operator-access": {
    "aws_caller_identity caller": { name: "current" },
    "aws_region region": { name: "current" },
    "aws_partition partition": { name: "current" },
    "aws_iam_group AccessGroup/Group": { name: "this", was: "AccessGroup_64546773" },
    "aws_iam_group_policy AccessGroup/GroupPolicy": { name: "this", was: "AccessGroup_GroupPolicy_9D3A973C" },
    "aws_iam_role_policy AccessGroup/Roles/Policy": { name: "this", was: "AccessGroup_Roles_Policy_FFA61630" },
  },
  "session-logging": {
    "aws_caller_identity caller": { name: "current" },
    "aws_region region": { name: "current" },
    "aws_partition partition": { name: "current" },
    "aws_kms_key SessionKey/Resource": { name: "this", was: "SessionKey_0FE01E29" },
    "aws_kms_alias SessionKey/Alias": { name: "this", was: "SessionKey_Alias_01AF0D8E" },
    "aws_kms_key_policy SessionKey/Policy": { name: "this", was: "SessionKey_Policy_BAE4F117" },
    "aws_cloudwatch_log_group SessionLogGroup/Resource": { name: "this", was: "SessionLogGroup_B139EA89" },
    "aws_s3_bucket SessionLogBucket/Resource": { name: "this", was: "SessionLogBucket_4A91D6B0" },
    "aws_s3_bucket_ownership_controls SessionLogBucket/Ownership": {
      name: "this",
      was: "SessionLogBucket_Ownership_EEE04CB3",
    },
    "aws_s3_bucket_public_access_block SessionLogBucket/PublicAccessBlock": {
      name: "this",
      was: "SessionLogBucket_PublicAccessBlock_3511E5B4",
    },
    "aws_s3_bucket_server_side_encryption_configuration SessionLogBucket/Encryption": {
      name: "this",
      was: "SessionLogBucket_Encryption_5976BDD2",
    },
    "aws_s3_bucket_versioning SessionLogBucket/Versioning": {
      name: "this",
      was: "SessionLogBucket_Versioning_22A1FF75",
    },
    "aws_s3_bucket_policy SessionLogBucket/Policy": { name: "this", was: "SessionLogBucket_Policy_29932015" },
    "aws_s3_bucket_lifecycle_configuration SessionLogBucket/Lifecycle": {
      name: "this",
      was: "SessionLogBucket_Lifecycle_3F66AB88",
    },
  },
  "session-preferences": {
    "aws_partition partition": { name: "current" },
    "aws_region region": { name: "current" },
    "aws_caller_identity caller": { name: "current" },
    // Created with `count` since `create` was added: the released single instance moves to [0].
    "aws_ssm_document Preferences/Resource": { name: "this", was: "this", nowCounted: true },
  },
};

const blockKey = (c: TerraformResource | TerraformDataSource) =>
  `${c.terraformResourceType} ${c.node.path.split("/").slice(1).join("/")}`;

/**
 * The stack a module is built in: each resource and data source gets its address from the table the moment cdktf
 * first asks for its name (references are written with it, so it must be right from the start). Throws on a block
 * without an entry.
 */
export class ModuleStack extends TerraformStack {
  constructor(
    scope: Construct,
    id: string,
    private readonly module: string,
  ) {
    super(scope, id);
    if (!ADDRESSES[module]) throw new Error(`module ${module}: no entry in terraform-modules/addresses.ts`);
  }

  protected allocateLogicalId(element: Parameters<TerraformStack["getLogicalId"]>[0]): string {
    if (!(element instanceof TerraformResource || element instanceof TerraformDataSource))
      return super.allocateLogicalId(element);
    const key = blockKey(element);
    const a = ADDRESSES[this.module][key];
    if (!a)
      throw new Error(
        `module ${this.module}: ${key} has no Terraform address; add it to terraform-modules/addresses.ts ` +
          "(a renamed construct keeps its address; a replaced one adds `was` so consumers get a moved block)",
      );
    return a.name;
  }
}

/**
 * After the build: every table entry was used, no two blocks share an address. Returns the `moved` blocks
 * (moved.tf; empty when nothing moved).
 */
export function movedBlocks(stack: TerraformStack, module: string): string {
  const table = ADDRESSES[module];
  const used = new Map<string, string>();
  const moved: string[] = [];
  for (const c of stack.node.findAll()) {
    if (!(c instanceof TerraformResource || c instanceof TerraformDataSource)) continue;
    const key = blockKey(c);
    const a = table[key];
    const address = `${c instanceof TerraformDataSource ? "data." : ""}${c.terraformResourceType}.${c.friendlyUniqueId}`;
    if (used.has(address)) throw new Error(`module ${module}: ${key} and ${used.get(address)} both have ${address}`);
    used.set(address, key);
    if (a?.was && c instanceof TerraformResource) {
      const chain = [...(typeof a.was === "string" ? [a.was] : a.was), a.nowCounted ? `${a.name}[0]` : a.name];
      for (let i = 1; i < chain.length; i++)
        moved.push(
          `moved {\n  from = ${c.terraformResourceType}.${chain[i - 1]}\n  to   = ${c.terraformResourceType}.${chain[i]}\n}\n`,
        );
    }
  }
  const stale = Object.keys(table).filter((k) => ![...used.values()].includes(k));
  if (stale.length > 0)
    throw new Error(`module ${module}: addresses.ts names blocks the module no longer builds: ${stale.join(", ")}`);
  return moved.length === 0
    ? ""
    : `# Generated by \`npm run build:terraform-modules\`: resources renamed since an earlier release move in state\n# instead of being replaced.\n\n${moved.join("\n")}`;
}

/** The managed-resource addresses declared in a module's .tf text, and its `moved` blocks. */
export function declaredAddresses(tf: string): { resources: Set<string>; moved: Map<string, string> } {
  const resources = new Set(
    [...tf.matchAll(/^resource "([a-z0-9_]+)" "([A-Za-z0-9_-]+)"/gm)].map((m) => `${m[1]}.${m[2]}`),
  );
  const moved = new Map(
    [...tf.matchAll(/^moved \{\s*from\s*=\s*([A-Za-z0-9_.[\]-]+)\s*to\s*=\s*([A-Za-z0-9_.[\]-]+)\s*\}/gm)].map((m) => [
      m[1],
      m[2],
    ]),
  );
  return { resources, moved };
}

/**
 * What breaks consumers' state: a pinned (released) address that the module neither declares nor moves (through
 * a chain of `moved` blocks) to a declared one, and a declared address nobody pinned (a new resource must be pinned).
 */
export function addressProblems(tf: string, pinned: readonly string[]): string[] {
  const { resources, moved } = declaredAddresses(tf);
  const problems: string[] = [];
  for (const p of pinned) {
    let at = p;
    // `type.name[0]` is an instance of the declared resource `type.name`.
    const declared = (a: string) => resources.has(a.replace(/\[\d+\]$/, "")) && !moved.has(a);
    for (let hops = 0; !declared(at) && moved.has(at) && hops < 20; hops++) at = moved.get(at)!;
    if (!declared(at)) problems.push(`${p} is gone without a moved block (consumers' state would lose it)`);
  }
  for (const r of resources) if (!pinned.includes(r)) problems.push(`${r} is new: pin it`);
  return problems;
}
