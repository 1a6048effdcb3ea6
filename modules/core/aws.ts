/**
 * Every AWS provider class this project uses, deep-imported one resource at a time: the package root loads
 * 2,216 modules (≈2.3 s, 560 MB); these imports cost milliseconds. Lint forbids the bare package name.
 * Keeping them in one file makes a provider upgrade a one-file change.
 *
 * Today: @cdktf/provider-aws 20.x = AWS provider 5.x (the offline mirror's 5.100.0), kept on the cdktn core by the
 * package.json override `"@cdktf/provider-aws": { "cdktf": "$cdktf" }` (it declares cdktf@^0.21).
 * The later move to @cdktn/provider-aws (AWS provider 6.x, same `lib/<resource>` layout, peer `cdktn`):
 *   1. package.json: `@cdktn/provider-aws` replaces `@cdktf/provider-aws` (dev and peer), `"cdktn": "0.24.x"`
 *      replaces the `cdktf` alias (see cdktf.ts), the override goes; `rm -rf node_modules && npm install`.
 *   2. Here: `@cdktf/provider-aws/lib/` becomes `@cdktn/provider-aws/lib/` on every line (eslint.config.mjs's
 *      provider-root rule names the package too).
 *   3. Fix what provider 6 renamed (e.g. `DataAwsRegion.name` is deprecated for `region`; the compiler lists every
 *      use), then `npm run validate` against a mirror that has AWS provider 6.x, and release it as a major version:
 *      library consumers change their peers.
 */
export { AwsProvider } from "@cdktf/provider-aws/lib/provider";
export { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
export { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
export { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
export { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
export { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
export { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
export { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
export { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
export { CloudwatchQueryDefinition } from "@cdktf/provider-aws/lib/cloudwatch-query-definition";
export { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
export { DataAwsCloudcontrolapiResource } from "@cdktf/provider-aws/lib/data-aws-cloudcontrolapi-resource";
export { DataAwsEc2ManagedPrefixList } from "@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list";
export { DataAwsIdentitystoreGroup } from "@cdktf/provider-aws/lib/data-aws-identitystore-group";
export { DataAwsOrganizationsDelegatedAdministrators } from "@cdktf/provider-aws/lib/data-aws-organizations-delegated-administrators";
export { DataAwsOrganizationsOrganization } from "@cdktf/provider-aws/lib/data-aws-organizations-organization";
export { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
export { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
export { DataAwsRouteTable } from "@cdktf/provider-aws/lib/data-aws-route-table";
export { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
export { DataAwsSsoadminInstances } from "@cdktf/provider-aws/lib/data-aws-ssoadmin-instances";
export { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
export { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
export { DataAwsVpcEndpoint } from "@cdktf/provider-aws/lib/data-aws-vpc-endpoint";
export { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
export { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
export { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
export { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
export { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
export { IamGroup } from "@cdktf/provider-aws/lib/iam-group";
export { IamGroupPolicy } from "@cdktf/provider-aws/lib/iam-group-policy";
export { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
export { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
export { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
export { IamRole } from "@cdktf/provider-aws/lib/iam-role";
export { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
export { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
export { Instance } from "@cdktf/provider-aws/lib/instance";
export { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
export { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
export { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
export { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
export { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
export { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
export { NetworkAcl } from "@cdktf/provider-aws/lib/network-acl";
export { NetworkAclAssociation } from "@cdktf/provider-aws/lib/network-acl-association";
export { NetworkAclRule } from "@cdktf/provider-aws/lib/network-acl-rule";
export { RouteTable } from "@cdktf/provider-aws/lib/route-table";
export { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
export { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
export { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
export { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
export { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
export { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
export { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
export { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
export { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
export { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
export { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
export { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
export { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
export { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
export { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
export { SsmServiceSetting } from "@cdktf/provider-aws/lib/ssm-service-setting";
export { SsoadminAccountAssignment } from "@cdktf/provider-aws/lib/ssoadmin-account-assignment";
export { SsoadminPermissionSet } from "@cdktf/provider-aws/lib/ssoadmin-permission-set";
export { SsoadminPermissionSetInlinePolicy } from "@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy";
export { Subnet } from "@cdktf/provider-aws/lib/subnet";
export { Vpc } from "@cdktf/provider-aws/lib/vpc";
export { VpcEndpoint, type VpcEndpointConfig } from "@cdktf/provider-aws/lib/vpc-endpoint";
export { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
export { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
