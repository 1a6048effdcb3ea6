/** Test helpers for IAM-engine scenarios: synthesized policies made concrete, example principals and ARNs. */
import { SsoadminPermissionSet, SsoadminPermissionSetInlinePolicy } from "../../modules/core/aws";
import * as path from "path";
import { loadCiConfig, type CiConfig } from "../../loader/ci";
import { loadIdentity, type IdentityConfig } from "../../loader/identity";
import type { LoadedEnvironment } from "../../loader/load";
import type { EnvironmentConfig } from "../../loader/schema";
import { Testing, type TerraformResource } from "../../modules/core/cdktf";
import { concretePolicy, lookupIn } from "../../ops/lib/iam-evaluate";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { IdentityCenterStack } from "../../stacks/identity-center-stack";
import { bodyOf, resourceEntries, synthJson, type TfJson } from "./synth";

export interface EnvScope {
  readonly account: string;
  readonly region: string;
}

const STACKS = new WeakMap<TfJson, EnvironmentStack>();

/** The synthesized stack of an environment config (`environmentStackOf` gives the stack that made it). */
export function synthEnvironment(config: EnvironmentConfig): TfJson {
  const stack = new EnvironmentStack(Testing.app(), config.name, { config });
  const tf = synthJson(stack);
  STACKS.set(tf, stack);
  return tf;
}

/** The EnvironmentStack that `synthEnvironment` synthesized into `tf`. */
export function environmentStackOf(tf: TfJson): EnvironmentStack {
  const stack = STACKS.get(tf);
  if (!stack) throw new Error("not a stack synthesized by synthEnvironment");
  return stack;
}

/** The concrete policy (account, region and references filled in) of a resource the test holds. */
export function concretePolicyOf(tf: TfJson, element: TerraformResource, env: EnvScope, attr = "policy"): object {
  return concretePolicy(lookupIn(tf), bodyOf(tf, element)[attr] as string, env.account, env.region);
}

/**
 * The concrete policy of access group `name` (its YAML name) in an environment synthesized by `synthEnvironment`:
 * the policy of its IAM group (`group`) or of its roles (`role`), found through the stack's typed fields.
 */
export function accessGroupPolicy(tf: TfJson, env: EnvScope, name: string, principal: "group" | "role"): object {
  const group = environmentStackOf(tf).accessGroups.find((g) => g.node.id === name);
  if (!group) throw new Error(`no access group ${name}`);
  const element = principal === "group" ? group.groupPolicy : group.rolePolicies[0];
  if (!element) throw new Error(`access group ${name} has no ${principal} policy`);
  return concretePolicyOf(tf, element, env);
}

export const instanceArn = (env: EnvScope, id = "i-0123456789abcdef0") =>
  `arn:aws:ec2:${env.region}:${env.account}:instance/${id}`;

/** A second, broad policy the same principal holds (e.g. from another team's permission set). */
export const EC2_FULL_ACCESS = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "ec2:*", Resource: "*" }],
};
/** The shape of the AWS managed PowerUserAccess policy. */
export const POWER_USER = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
    {
      Effect: "Allow",
      Action: [
        "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole",
        "iam:ListRoles",
        "organizations:DescribeOrganization",
      ],
      Resource: "*",
    },
  ],
};

export const IDENTITY_FILE = path.join(__dirname, "..", "..", "config", "identity.yaml");

export const CI_FILE = path.join(__dirname, "..", "..", "config", "ci.yaml");

/**
 * The identity stack of the example environments (or the given ones) with the repository's identity file and CI
 * file (`ci: null`: without a CI repository).
 */
export function identityStack(
  environments: LoadedEnvironment[],
  identity?: IdentityConfig,
  ci?: CiConfig | null,
): IdentityCenterStack {
  const config = identity ?? loadIdentity(IDENTITY_FILE, environments)!.config;
  return new IdentityCenterStack(Testing.app(), "identity", {
    identity: config,
    environments: environments.map((e) => e.config),
    ci: ci === null ? undefined : (ci ?? loadCiConfig(CI_FILE)),
  });
}

/** The concrete inline policy of the permission set `name` in a synthesized identity stack. */
export function permissionSetPolicy(tf: TfJson, name: string, env: EnvScope): object {
  const set = resourceEntries(tf, SsoadminPermissionSet).find(([, b]) => b.name === name);
  if (!set) throw new Error(`no permission set ${name}`);
  const [, policy] = resourceEntries(tf, SsoadminPermissionSetInlinePolicy).find(
    ([, b]) => b.permission_set_arn === `\${aws_ssoadmin_permission_set.${set[0]}.arn}`,
  )!;
  return concretePolicy(lookupIn(tf), policy.inline_policy as string, env.account, env.region);
}
