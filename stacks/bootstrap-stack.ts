import type { IdentityConfig } from "../loader/identity";
import type { EnvironmentConfig } from "../loader/schema";
import { AwsProvider } from "../modules/core/aws";
import { Construct, LocalBackend, TerraformStack } from "../modules/core/cdktf";
import { compareText } from "../modules/core/order";
import { enableGuardrails } from "../modules/guardrails";
import { StateBucket } from "../modules/state-backend";

export interface BootstrapStackProps {
  readonly environments: readonly EnvironmentConfig[];
  /**
   * The organization's identity file: its state bucket (in the management or delegated-admin account, Identity
   * Center's home region unless state.region says otherwise) is bootstrapped too. @default - no identity stack
   */
  readonly identity?: IdentityConfig;
}

/** Whose state a bucket holds, in which account and region, with which lock table and bootstrap role. */
interface StateOwner {
  readonly who: string;
  readonly project: string;
  readonly account: string;
  readonly region: string;
  readonly bootstrapRoleArn?: string;
  readonly lockTable?: string;
}

/**
 * Creates every state bucket (and DynamoDB lock table) the environments and the identity file name. Applied once,
 * before any environment or the identity stack, with a local backend: its state file lives at `state/terraform.bootstrap.tfstate` in the
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
    const buckets = new Map<string, StateOwner>();
    const owners: { state: EnvironmentConfig["state"]; owner: Omit<StateOwner, "lockTable"> }[] = [
      ...props.environments.map((env) => ({
        state: env.state,
        owner: {
          who: `environment ${env.name}`,
          project: env.project,
          account: env.account,
          region: env.state.region ?? env.region,
          bootstrapRoleArn: env.state.bootstrapRoleArn,
        },
      })),
      ...(props.identity
        ? [
            {
              state: props.identity.state,
              owner: {
                who: "the identity stack (config/identity.yaml)",
                project: props.identity.project,
                account: props.identity.account,
                region: props.identity.state.region ?? props.identity.homeRegion,
                bootstrapRoleArn: props.identity.state.bootstrapRoleArn,
              },
            },
          ]
        : []),
    ];
    for (const { state, owner } of owners) {
      if (!state.bucket) continue; // state in HCP Terraform (state.cloud): no bucket to create
      const existing = buckets.get(state.bucket);
      const lockTable = state.locking === "lockfile" ? undefined : state.dynamodbTable;
      if (existing && existing.account !== owner.account) {
        throw new Error(
          `state bucket ${state.bucket} is named by ${existing.who} (account ${existing.account}) and ${owner.who} (account ${owner.account}); a bucket lives in one account: give each account its own state bucket`,
        );
      }
      buckets.set(
        state.bucket,
        existing ? { ...existing, lockTable: existing.lockTable ?? lockTable } : { ...owner, lockTable },
      );
    }
    for (const [bucketName, env] of [...buckets].sort(([a], [b]) => compareText(a, b))) {
      const { region, lockTable } = env;
      const key = `${env.account}-${region}`;
      let provider = providers.get(key);
      if (!provider) {
        provider = new AwsProvider(this, `aws-${key}`, {
          alias: `a${key.replace(/-/g, "_")}`,
          region,
          allowedAccountIds: [env.account],
          assumeRole: env.bootstrapRoleArn
            ? [{ roleArn: env.bootstrapRoleArn, sessionName: "bastionless-bootstrap" }]
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
