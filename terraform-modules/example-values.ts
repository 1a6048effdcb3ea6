/**
 * The example values of the generated modules, in one place: each module's examples/complete, the README usage
 * blocks, the root example wiring every module, the shipped tests and the mock defaults all read them, so the
 * key prefix the preferences document writes under is the one the instance role may write to, and a mocked ARN
 * is the one an example passes.
 */
const account = "111111111111";
const region = "eu-west-1";
const environment = "dev";
const logBucketName = `bastionless-${environment}-session-logs-${account}`;
const logGroupName = `/bastionless/${environment}/sessions`;

export const EXAMPLE = {
  account,
  region,
  environment,
  /** The key prefix session logs are written under (session-preferences) and the instances may write to. */
  logPrefix: environment,
  logBucketName,
  logBucketArn: `arn:aws:s3:::${logBucketName}`,
  logGroupName,
  logGroupArn: `arn:aws:logs:${region}:${account}:log-group:${logGroupName}`,
  kmsKeyAlias: `alias/bastionless-${environment}-sessions`,
  kmsKeyArn: `arn:aws:kms:${region}:${account}:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9`,
  instanceRoleName: `bastionless-${environment}-session-instance`,
  accessGroupName: `bastionless-${environment}-platform-shell`,
  instanceTags: { Team: "platform" } as Record<string, string>,
  tags: { Environment: environment } as Record<string, string>,
} as const;
