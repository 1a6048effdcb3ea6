/** Test helpers for IAM-engine scenarios: synthesized policies made concrete, example principals and ARNs. */
import { SsoadminPermissionSet, SsoadminPermissionSetInlinePolicy } from "../../modules/core/aws";
import * as path from "path";
import { loadIdentity, type IdentityConfig } from "../../config/identity";
import type { LoadedEnvironment } from "../../config/load";
import type { EnvironmentConfig } from "../../config/schema";
import { Testing } from "../../modules/core/cdktf";
import { concretePolicy, lookupIn } from "../../scripts/lib/iam-evaluate";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { IdentityCenterStack } from "../../stacks/identity-center-stack";
import { resourceEntries, synthJson, type ResourceType, type TfJson } from "./synth";

export interface EnvScope {
  readonly account: string;
  readonly region: string;
}

/** The synthesized stack of an environment config. */
export function synthEnvironment(config: EnvironmentConfig): TfJson {
  return synthJson(new EnvironmentStack(Testing.app(), config.name, { config }));
}

/** The concrete policy of the first `type` resource whose name contains `nameFragment`. */
export function policyIn(tf: TfJson, env: EnvScope, type: ResourceType, nameFragment: string, attr = "policy"): object {
  const found = resourceEntries(tf, type).find(([n]) => n.includes(nameFragment));
  if (!found) throw new Error(`no ${typeof type === "string" ? type : type.tfResourceType} named like ${nameFragment}`);
  return concretePolicy(lookupIn(tf), found[1][attr] as string, env.account, env.region);
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

/** The identity stack of the example environments (or the given ones) with the repository's identity file. */
export function identityStack(environments: LoadedEnvironment[], identity?: IdentityConfig): IdentityCenterStack {
  const config = identity ?? loadIdentity(IDENTITY_FILE, environments)!.config;
  return new IdentityCenterStack(Testing.app(), "identity", {
    identity: config,
    environments: environments.map((e) => e.config),
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
