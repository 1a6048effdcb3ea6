import type { EnvironmentConfig } from "../config/schema";
import { AwsProvider } from "../modules/core/aws";
import { Construct, S3Backend, TerraformStack } from "../modules/core/cdktf";

export interface EnvironmentStackProps {
  readonly config: EnvironmentConfig;
}

/** The tags every resource of an environment carries (provider default tags). */
export function defaultTags(config: EnvironmentConfig): Record<string, string> {
  return { ...config.tags, Project: config.project, Environment: config.name, ManagedBy: "bastionless" };
}

/**
 * One environment: the AWS provider pinned to the environment's account, its remote state, and the
 * Session Manager modules composed from the environment config.
 */
export class EnvironmentStack extends TerraformStack {
  public readonly config: EnvironmentConfig;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const config = (this.config = props.config);

    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: [config.account],
      defaultTags: [{ tags: defaultTags(config) }],
    });

    const state = config.state;
    const backend = new S3Backend(this, {
      bucket: state.bucket,
      key: `${state.keyPrefix}/${config.name}.tfstate`,
      region: state.region ?? config.region,
      encrypt: true,
      dynamodbTable: state.locking === "lockfile" ? undefined : state.dynamodbTable,
    });
    // cdktf 0.21's S3BackendConfig has no useLockfile; the override adds S3-native locking (Terraform >= 1.10).
    if (state.locking !== "dynamodb") backend.addOverride("use_lockfile", true);
  }
}
