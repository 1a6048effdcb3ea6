import type { EnvironmentConfig } from "../config/schema";
import { AwsProvider } from "../modules/core/aws";
import { Construct, LocalBackend, TerraformStack } from "../modules/core/cdktf";
import { compareText } from "../modules/core/order";
import { enableGuardrails } from "../modules/guardrails";
import { StateBucket } from "../modules/state-backend";

export interface BootstrapStackProps {
  readonly environments: readonly EnvironmentConfig[];
}

/**
 * Creates every state bucket (and DynamoDB lock table) the environments name. Applied once, before any
 * environment, with a local backend: its state file lives at `state/terraform.bootstrap.tfstate` in the
 * repository checkout (git-ignored; keep it safe or migrate it into a state bucket afterwards).
 *
 * One AWS provider per (account, region), each pinned to its account with `allowed_account_ids` and optionally
 * assuming `state.bootstrapRoleArn`, so one apply can bootstrap several accounts.
 */
export class BootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    // Relative to the stack's working directory cdktf.out/stacks/<id>: the state survives a new synth.
    new LocalBackend(this, { path: `../../../state/terraform.${id}.tfstate` });

    const providers = new Map<string, AwsProvider>();
    const buckets = new Map<string, { env: EnvironmentConfig; lockTable?: string }>();
    for (const env of props.environments) {
      if (!env.state.bucket) continue; // state in HCP Terraform (state.cloud): no bucket to create
      const existing = buckets.get(env.state.bucket);
      const lockTable = env.state.locking === "lockfile" ? undefined : env.state.dynamodbTable;
      if (existing && existing.env.account !== env.account) {
        throw new Error(
          `state bucket ${env.state.bucket} is named by environments ${existing.env.name} and ${env.name} in different accounts`,
        );
      }
      buckets.set(env.state.bucket, { env, lockTable: existing?.lockTable ?? lockTable });
    }
    for (const [bucketName, { env, lockTable }] of [...buckets].sort(([a], [b]) => compareText(a, b))) {
      const region = env.state.region ?? env.region;
      const key = `${env.account}-${region}`;
      let provider = providers.get(key);
      if (!provider) {
        provider = new AwsProvider(this, `aws-${key}`, {
          alias: `a${key.replace(/-/g, "_")}`,
          region,
          allowedAccountIds: [env.account],
          assumeRole: env.state.bootstrapRoleArn
            ? [{ roleArn: env.state.bootstrapRoleArn, sessionName: "bastionless-bootstrap" }]
            : undefined,
          defaultTags: [{ tags: { Project: env.project, ManagedBy: "bastionless", Purpose: "terraform-state" } }],
        });
        providers.set(key, provider);
      }
      new StateBucket(this, bucketName, { bucketName, lockTableName: lockTable, provider });
    }
    enableGuardrails(this);
  }
}
