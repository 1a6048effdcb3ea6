/** Test helpers for IAM-engine scenarios: synthesized policies made concrete, example principals and ARNs. */
import type { EnvironmentConfig } from "../../config/schema";
import { Testing } from "../../modules/core/cdktf";
import { concretePolicy, lookupIn } from "../../scripts/lib/iam-evaluate";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { resourceEntries, synthJson, type TfJson } from "./synth";

export interface EnvScope {
  readonly account: string;
  readonly region: string;
}

/** The synthesized stack of an environment config. */
export function synthEnvironment(config: EnvironmentConfig): TfJson {
  return synthJson(new EnvironmentStack(Testing.app(), config.name, { config }));
}

/** The concrete policy of the first `type` resource whose name contains `nameFragment`. */
export function policyIn(tf: TfJson, env: EnvScope, type: string, nameFragment: string, attr = "policy"): object {
  const found = resourceEntries(tf, type).find(([n]) => n.includes(nameFragment));
  if (!found) throw new Error(`no ${type} named like ${nameFragment}`);
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
