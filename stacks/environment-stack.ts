import type { EnvironmentConfig } from "../config/schema";
import { AwsProvider } from "../modules/core/aws";
import { Construct, S3Backend, TerraformOutput, TerraformStack } from "../modules/core/cdktf";
import type { IGrantable } from "../modules/core/iam";
import { logGroupName, physicalName, type NamingContext } from "../modules/core/naming";
import { enableGuardrails } from "../modules/guardrails";
import { DefaultHostManagement, HardenedLaunchTemplate, InstanceRole } from "../modules/instance-access";
import { requiredServices, SessionManagerEndpoints, type EndpointCost } from "../modules/network-endpoints";
import { adoptedNetwork, NetworkAcl, PrivateVpc, type IPrivateNetwork } from "../modules/network-security";
import { AccessGroup } from "../modules/operator-access";
import { AuditAlerts, SessionKey, SessionLogBucket, SessionLogGroup } from "../modules/session-logging";
import { PREFERENCES_DOCUMENT, SessionPreferences } from "../modules/session-preferences";
import type { ISummarized } from "./synth";

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
export class EnvironmentStack extends TerraformStack implements ISummarized {
  public readonly config: EnvironmentConfig;
  public readonly sessionKey: SessionKey;
  public readonly logGroup?: SessionLogGroup;
  public readonly logBucket?: SessionLogBucket;
  public readonly preferences?: SessionPreferences;
  public readonly instanceRole: InstanceRole;
  public readonly networks: { name: string; network: IPrivateNetwork; endpoints: SessionManagerEndpoints }[] = [];
  public readonly accessGroups: AccessGroup[] = [];
  public readonly defaultHostManagement?: DefaultHostManagement;
  public readonly launchTemplate?: HardenedLaunchTemplate;

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

    const naming: NamingContext = { project: config.project, environment: config.name };
    const account = { account: config.account, region: config.region };
    const logging = config.logging;
    const prefs = config.sessionPreferences;
    const kmsEncryption = prefs.waiveKmsEncryption === undefined;

    // Session logging: one key for session data, logs and alerts; log group and bucket depend on its policy.
    this.sessionKey = new SessionKey(this, "SessionKey", {
      ...account,
      alias: logging.kms.alias ?? `alias/${physicalName(naming, "sessions")}`,
      deletionWindowDays: logging.kms.deletionWindowDays,
      logGroupNamePattern: `/${config.project}/${config.name}/*`,
      allowEventBridge: true,
    });
    if (logging.cloudWatch.enabled) {
      this.logGroup = new SessionLogGroup(this, "SessionLogGroup", {
        name: logGroupName(naming, "sessions"),
        retentionDays: logging.cloudWatch.retentionDays,
        kmsKeyArn: this.sessionKey.keyArn,
        dependsOn: [this.sessionKey.keyPolicy],
      });
    }
    if (logging.s3.enabled) {
      this.logBucket = new SessionLogBucket(this, "SessionLogBucket", {
        bucketName: logging.s3.bucketName ?? `${physicalName(naming, "session-logs")}-${config.account}`,
        kmsKeyArn: this.sessionKey.keyArn,
        expireDays: logging.s3.expireDays,
        noncurrentExpireDays: logging.s3.noncurrentExpireDays,
        transitionToInfrequentAccessDays: logging.s3.transitionToInfrequentAccessDays,
        objectLock: logging.s3.objectLock,
        accessLogBucket: logging.s3.accessLogBucket,
      });
    }
    const s3Prefix = config.name;
    if (prefs.document !== "none") {
      this.preferences = new SessionPreferences(this, "SessionPreferences", {
        s3: this.logBucket ? { bucketName: this.logBucket.bucketName, keyPrefix: s3Prefix } : undefined,
        cloudWatch: this.logGroup
          ? { logGroupName: this.logGroup.logGroupName, streaming: logging.cloudWatch.streaming }
          : undefined,
        kmsKeyId: kmsEncryption ? this.sessionKey.keyArn : undefined,
        waiveKmsEncryption: prefs.waiveKmsEncryption,
        waiveLogging: logging.waiveLogging,
        idleSessionTimeoutMinutes: prefs.idleTimeoutMinutes,
        maxSessionDurationMinutes: prefs.maxDurationMinutes,
        runAsDefaultUser: prefs.runAs.enabled ? prefs.runAs.defaultUser : undefined,
        shellProfile: prefs.shellProfile,
        adoptExisting: prefs.document === "adopt",
      });
    }
    new AuditAlerts(this, "AuditAlerts", {
      topicName: physicalName(naming, "session-audit"),
      ruleNamePrefix: physicalName(naming, "session"),
      kmsKeyArn: this.sessionKey.keyArn,
      preferencesDocumentName: PREFERENCES_DOCUMENT,
      emails: logging.alertEmails,
    });

    // Instance side: least-privilege role, logging grants from the logging resources themselves.
    const ia = config.instanceAccess;
    this.instanceRole = new InstanceRole(this, "InstanceRole", {
      roleName: physicalName(naming, "session-instance"),
      legacyAgentSupport: config.network.legacyAgentSupport,
      managedInstanceCore: ia.managedInstanceCore,
      permissionsBoundaryArn: ia.permissionsBoundaryArn,
    });
    const grantees: IGrantable[] = [this.instanceRole];
    if (ia.defaultHostManagement) {
      this.defaultHostManagement = new DefaultHostManagement(this, "DefaultHostManagement", {
        ...account,
        roleName: physicalName(naming, "dhmc"),
        permissionsBoundaryArn: ia.permissionsBoundaryArn,
      });
      grantees.push(this.defaultHostManagement);
    }
    for (const grantee of grantees) {
      this.logGroup?.grantSessionWrite(grantee);
      this.logBucket?.grantSessionWrite(grantee, s3Prefix);
      this.sessionKey.grantEncryptDecrypt(grantee);
    }

    // Network: per VPC, private-only (or adopted) with endpoints, SGs and NACL.
    const services = requiredServices({
      legacyAgentSupport: config.network.legacyAgentSupport,
      cloudWatchLogging: logging.cloudWatch.enabled,
      kmsEncryption,
    });
    const networks = new Construct(this, "Network");
    for (const vpc of config.vpcs) {
      const vpcScope = new Construct(networks, vpc.name);
      const prefix = physicalName(naming, vpc.name);
      const network: IPrivateNetwork =
        vpc.mode === "create"
          ? new PrivateVpc(vpcScope, "Vpc", {
              ...account,
              name: prefix,
              cidr: vpc.cidr,
              subnets: vpc.privateSubnets,
              flowLogKmsKeyArn: this.sessionKey.keyArn,
              flowLogRetentionDays: vpc.flowLogRetentionDays,
              flowLogGroupName: logGroupName(naming, `flow-logs/${vpc.name}`),
              flowLogDependsOn: [this.sessionKey.keyPolicy],
            })
          : adoptedNetwork(vpc);
      const endpoints = new SessionManagerEndpoints(vpcScope, "Endpoints", {
        network,
        region: config.region,
        namePrefix: prefix,
        services,
        endpointAzs: vpc.endpointAzs,
        layout: config.network.securityGroupLayout,
        logBucketArn: this.logBucket?.bucketArn,
      });
      if (vpc.networkAcl) {
        new NetworkAcl(vpcScope, "NetworkAcl", {
          vpcId: network.vpcId,
          name: `${prefix}-private`,
          subnetIds: network.subnets.map((s) => s.id),
          vpcCidr: network.cidr,
          s3Cidrs: `[for e in data.aws_ec2_managed_prefix_list.${endpoints.s3PrefixList.friendlyUniqueId}.entries : e.cidr]`,
        });
      }
      this.networks.push({ name: vpc.name, network, endpoints });
      new TerraformOutput(vpcScope, "InstanceSecurityGroupId", {
        staticId: true,
        value: endpoints.instanceSecurityGroup.securityGroupId,
        description: `Security group to attach to instances in VPC ${vpc.name}`,
      }).overrideLogicalId(`instance_security_group_id_${vpc.name.replace(/-/g, "_")}`);
    }

    const first = this.networks[0];
    this.launchTemplate = new HardenedLaunchTemplate(this, "LaunchTemplate", {
      name: physicalName(naming, "session-instance"),
      instanceType: ia.instanceType,
      instanceProfileArn: this.instanceRole.instanceProfile.arn,
      securityGroupIds: [first.endpoints.instanceSecurityGroup.securityGroupId],
      subnetId: first.network.subnets[0].id,
      instanceTags: ia.instanceTags,
    });
    if (ia.exampleInstance) this.launchTemplate.launch(this, "ExampleInstance");

    // Operators.
    const groups = new Construct(this, "AccessGroups");
    for (const g of config.accessGroups) {
      this.accessGroups.push(
        new AccessGroup(groups, g.name, {
          ...account,
          name: physicalName(naming, g.name),
          description: g.description,
          instanceTags: g.instanceTags,
          shellDocumentName: g.capabilities.shell ? PREFERENCES_DOCUMENT : undefined,
          portForwarding: g.capabilities.portForwarding,
          ssh: g.capabilities.ssh,
          iamGroup: g.principals.iamGroup,
          roleNames: g.principals.roleNames,
          identityCenter: g.principals.identityCenter,
          requireMfa: g.requireMfa,
          sourceCidrs: g.sourceCidrs,
          sessionKeyArn: kmsEncryption ? this.sessionKey.keyArn : undefined,
          preferencesDocumentName: PREFERENCES_DOCUMENT,
        }),
      );
    }

    new TerraformOutput(this, "InterfaceEndpointMonthlyUsd", {
      staticId: true,
      value: this.endpointCost().monthlyUsd,
      description:
        "Estimated monthly cost of the interface endpoints (endpoints x AZs x hourly price x 730 h; data processing excluded)",
    }).overrideLogicalId("interface_endpoint_monthly_usd");

    enableGuardrails(this, {
      minLogRetentionDays: config.guardrails.minLogRetentionDays,
      suppressions: config.guardrails.suppressions,
    });
  }

  /** Interface-endpoint cost of each VPC and the environment's monthly total, rounded to cents. */
  public endpointCost(): { monthlyUsd: number; perVpc: EndpointCost[] } {
    const perVpc = this.networks.map((n) => {
      // Always known here: the region and the endpoint subnets come from the environment file.
      if (!n.endpoints.cost) throw new Error(`no endpoint cost for VPC ${n.name}`);
      return n.endpoints.cost;
    });
    return { monthlyUsd: Math.round(perVpc.reduce((sum, c) => sum + c.monthlyUsd, 0) * 100) / 100, perVpc };
  }

  public summary(): string[] {
    const c = this.endpointCost();
    const shape = c.perVpc.map((v) => `${v.endpoints} endpoints × ${v.azs} AZ`).join(" + ");
    return [`${shape} ≈ $${c.monthlyUsd.toFixed(2)}/month`];
  }
}
