import { CLOUD_TRAIL_REQUIRED } from "../loader/cloud-trail";
import { S3_RESTRICTIVE_OPT_IN, SHARED_ACCOUNT_OPT_IN, type EnvironmentConfig, type VpcConfig } from "../loader/schema";
import { sessionKeyAlias, sessionLogBucket } from "../loader/names";
import { AwsProvider } from "../modules/core/aws";
import {
  CloudBackend,
  Construct,
  NamedCloudWorkspace,
  S3Backend,
  TerraformOutput,
  TerraformStack,
} from "../modules/core/cdktf";
import type { AccountScope, IGrantable } from "../modules/core/iam";
import { breakGlassRoleName, logGroupName, physicalName, type NamingContext } from "../modules/core/naming";
import { renderPolicy } from "../modules/core/iam";
import { enableGuardrails, suppress } from "../modules/guardrails";
import { DefaultHostManagement, HardenedLaunchTemplate, InstanceRole } from "../modules/instance-access";
import { requiredServices, SessionManagerEndpoints, type EndpointCost } from "../modules/network-endpoints";
import { AdoptedVpc, NetworkAcl, PrivateVpc, type IPrivateNetwork } from "../modules/network-security";
import { AccessGroup, BreakGlassRole } from "../modules/operator-access";
import {
  AuditAlerts,
  AuditTrail,
  SessionKey,
  SessionLogBucket,
  SessionLogGroup,
  trailArn,
  TrailLoggingCheck,
} from "../modules/session-logging";
import { PREFERENCES_DOCUMENT, SessionPreferences } from "../modules/session-preferences";
import { reasonExpectedPrincipals, SessionAudit } from "../modules/session-audit";
import {
  allowForwarding,
  blastRadius,
  createdEndpoints,
  endpointPlan,
  forwardTargets,
  managesNacl,
  naclFlows,
  type EndpointPlan,
} from "./adopted-network";
import { accessTagKeys, breakGlassPolicyProps, breakGlassRoleArn } from "./operator-policy-props";
import type { ISummarized } from "./summary";

export interface EnvironmentStackProps {
  readonly config: EnvironmentConfig;
  /**
   * Permissions boundary of every IAM role the stack creates (instance, Default Host Management and flow-log
   * roles): the `ci` stack's project boundary when the environment is applied by its CI roles
   * (stacks/permissions-boundary.ts). @default - the environment's instanceAccess.permissionsBoundaryArn, else none
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * The ci stack creates the environment's break-glass role (it serves this environment: the CI roles apply this
   * stack, and the apply role may neither change nor assume that role). @default false: this stack creates it,
   * applied by whoever administers the account (docs/break-glass.md)
   */
  readonly breakGlassRoleInCiStack?: boolean;
}

/** The tags every resource of an environment carries (provider default tags). */
export function defaultTags(config: EnvironmentConfig): Record<string, string> {
  return { ...config.tags, Project: config.project, Environment: config.name, ManagedBy: "bastionless" };
}

/** One VPC of the environment: the network (created or adopted) and its Session Manager endpoints. */
export interface EnvironmentNetwork {
  readonly name: string;
  readonly network: IPrivateNetwork;
  readonly endpoints: SessionManagerEndpoints;
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
  public readonly networks: EnvironmentNetwork[] = [];
  /** Per adopted VPC, what the stack creates or reuses in it (printed in the synth summary). */
  public readonly adoptions: string[] = [];
  public readonly accessGroups: AccessGroup[] = [];
  public readonly defaultHostManagement?: DefaultHostManagement;
  public readonly launchTemplate?: HardenedLaunchTemplate;
  /** The trail this environment creates (logging.cloudTrail.create). */
  public readonly auditTrail?: AuditTrail;
  public readonly auditAlerts: AuditAlerts;
  /** The session audit kit (unless audit.waive). */
  public readonly sessionAudit?: SessionAudit;
  /** The break-glass role, when the environment has one and the ci stack does not create it. */
  public readonly breakGlassRole?: BreakGlassRole;
  /** What the audit alerts rely on, for the synth summary. */
  private auditTrailNote = "";

  private readonly naming: NamingContext;
  private readonly account: AccountScope;
  /** The boundary every role of the stack carries. */
  private readonly permissionsBoundaryArn?: string;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const config = (this.config = props.config);
    this.naming = { project: config.project, environment: config.name };
    this.account = { account: config.account, region: config.region };
    this.permissionsBoundaryArn = config.instanceAccess.permissionsBoundaryArn ?? props.permissionsBoundaryArn;

    this.providerAndState();
    this.sessionKey = this.sessionKeyFor();
    this.logGroup = this.cloudWatchLogging();
    this.logBucket = this.s3Logging();
    this.preferences = this.sessionPreferences();
    this.auditAlerts = this.alerts();
    this.sessionAudit = this.auditKit();
    this.auditTrail = this.cloudTrail();
    this.instanceRole = this.instanceAccess();
    this.defaultHostManagement = this.hostManagement();
    this.grantLogging([this.instanceRole, ...(this.defaultHostManagement ? [this.defaultHostManagement] : [])]);
    this.network();
    this.launchTemplate = this.hardenedLaunchTemplate();
    this.operators();
    this.breakGlassRole = this.breakGlass(props.breakGlassRoleInCiStack ?? false);
    this.costOutput();
    this.guardrails();
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
    return [
      `${shape} ≈ $${c.monthlyUsd.toFixed(2)}/month`,
      ...this.adoptions,
      ...(this.takeover ? [this.takeover] : []),
      this.auditTrailNote,
    ];
  }

  /** What owning the account-wide preferences document takes over, for the synth summary. */
  private get takeover(): string | undefined {
    const prefs = this.config.sessionPreferences;
    if (!this.preferences) return undefined;
    const where = `${this.config.account}/${this.config.region}`;
    const inputs = this.preferences.content.inputs;
    const logs = [
      inputs.s3BucketName && `s3://${inputs.s3BucketName}/${inputs.s3KeyPrefix}/`,
      inputs.cloudWatchLogGroupName,
    ].filter(Boolean);
    const key = this.kmsEncryption
      ? `encrypted with ${this.sessionKey.aliasName}${this.sharedAccount ? " (usable by every principal of the account, for sessions only)" : ""}`
      : "not KMS-encrypted";
    const shared = this.sharedAccount ? " (sharedAccount opt-in)" : "";
    return (
      `takes over ${PREFERENCES_DOCUMENT} in ${where}${shared}: every session there that names no document is ${key}, ` +
      `logged to ${logs.length > 0 ? logs.join(" and ") : "nowhere"}, idle/max ${prefs.idleTimeoutMinutes}/${prefs.maxDurationMinutes} min` +
      (this.sharedAccount ? "; the agent does not check the destinations' encryption" : "")
    );
  }

  /** The environment owns the account-wide preferences in an account other teams use (the named opt-in). */
  private get sharedAccount(): boolean {
    const prefs = this.config.sessionPreferences;
    return prefs.document !== "none" && prefs.sharedAccount === SHARED_ACCOUNT_OPT_IN;
  }

  /** Sessions are KMS-encrypted unless the environment waives it (then no key ARN goes into the preferences). */
  private get kmsEncryption(): boolean {
    return this.config.sessionPreferences.waiveKmsEncryption === undefined;
  }

  /** The AWS provider pinned to the environment's account, and its S3 remote state. */
  private providerAndState(): void {
    const { config } = this;
    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: [config.account],
      defaultTags: [{ tags: defaultTags(config) }],
    });
    const state = config.state;
    if (state.cloud) {
      // HCP Terraform / Terraform Enterprise keeps state and locks; the workspace is named in the config.
      const { organization, hostname, workspace, project } = state.cloud;
      new CloudBackend(this, { organization, hostname, workspaces: new NamedCloudWorkspace(workspace, project) });
    } else {
      const backend = new S3Backend(this, {
        bucket: state.bucket!,
        key: `${state.keyPrefix}/${config.name}.tfstate`,
        region: state.region ?? config.region,
        encrypt: true,
        dynamodbTable: state.locking === "lockfile" ? undefined : state.dynamodbTable,
      });
      // cdktf 0.21's S3BackendConfig has no useLockfile; the override adds S3-native locking (Terraform >= 1.10).
      if (state.locking !== "dynamodb") backend.addOverride("use_lockfile", true);
    }
  }

  /** One key for session data, logs and alerts; the log group and bucket depend on its policy. */
  private sessionKeyFor(): SessionKey {
    const { config } = this;
    return new SessionKey(this, "SessionKey", {
      ...this.account,
      alias: sessionKeyAlias(config),
      deletionWindowDays: config.logging.kms.deletionWindowDays,
      logGroupNamePattern: `/${config.project}/${config.name}/*`,
      allowEventBridge: true,
      allowCloudWatchAlarms: this.auditAlarmArnPattern !== undefined,
      cloudTrailArn: this.createdTrailArn,
      sessionUseByAccount: this.sharedAccount && this.kmsEncryption,
      transcriptDecrypt: config.logging.s3.enabled
        ? { readerRoleArns: config.logging.logReaderRoleArns, uploaderRoleArns: this.transcriptUploaderRoleArns }
        : undefined,
    });
  }

  /** The roles whose agents upload transcripts (the instance role, and the Default Host Management role). */
  private get transcriptUploaderRoleArns(): string[] {
    const { account, instanceAccess } = this.config;
    return [
      `arn:aws:iam::${account}:role/${this.instanceRoleName}`,
      ...(instanceAccess.defaultHostManagement
        ? [`arn:aws:iam::${account}:role/service-role/${this.dhmcRoleName}`]
        : []),
    ];
  }

  private get instanceRoleName(): string {
    return physicalName(this.naming, "session-instance");
  }

  private get dhmcRoleName(): string {
    return physicalName(this.naming, "dhmc");
  }

  /** The created trail's name (logging.cloudTrail.create). */
  private get trailName(): string {
    return physicalName(this.naming, "audit-trail");
  }

  /** The ARN of the trail this environment creates, if it creates one (known before the trail: no cycle). */
  private get createdTrailArn(): string | undefined {
    return this.config.logging.cloudTrail?.create
      ? trailArn("aws", this.config.region, this.config.account, this.trailName)
      : undefined;
  }

  private cloudWatchLogging(): SessionLogGroup | undefined {
    const cloudWatch = this.config.logging.cloudWatch;
    if (!cloudWatch.enabled) return undefined;
    return new SessionLogGroup(this, "SessionLogGroup", {
      name: logGroupName(this.naming, "sessions"),
      retentionDays: cloudWatch.retentionDays,
      encryptionKey: this.sessionKey,
    });
  }

  private s3Logging(): SessionLogBucket | undefined {
    const s3 = this.config.logging.s3;
    if (!s3.enabled) return undefined;
    return new SessionLogBucket(this, "SessionLogBucket", {
      bucketName: sessionLogBucket(this.config)!,
      encryptionKey: this.sessionKey,
      expireDays: s3.expireDays,
      noncurrentExpireDays: s3.noncurrentExpireDays,
      transitionToInfrequentAccessDays: s3.transitionToInfrequentAccessDays,
      objectLock: s3.objectLock,
      accessLogBucket: s3.accessLogBucket,
      cloudTrail: this.createdTrailArn ? { trailArn: this.createdTrailArn, account: this.config.account } : undefined,
      breakGlassRoleArn: s3.breakGlassRoleArn,
    });
  }

  /** The S3 key prefix of this environment's session logs. */
  private get s3Prefix(): string {
    return this.config.name;
  }

  /** The Session Manager preferences document (unless another environment owns it in this account+region). */
  private sessionPreferences(): SessionPreferences | undefined {
    const { logging, sessionPreferences: prefs } = this.config;
    if (prefs.document === "none") return undefined;
    return new SessionPreferences(this, "SessionPreferences", {
      s3: this.logBucket ? { bucketName: this.logBucket.bucketName, keyPrefix: this.s3Prefix } : undefined,
      cloudWatch: this.logGroup
        ? { logGroupName: this.logGroup.logGroupName, streaming: logging.cloudWatch.streaming }
        : undefined,
      kmsKeyId: this.kmsEncryption ? this.sessionKey.keyArn : undefined,
      waiveKmsEncryption: prefs.waiveKmsEncryption,
      waiveLogging: logging.waiveLogging,
      waiveDestinationEncryptionCheck: this.sharedAccount
        ? `sessionPreferences.sharedAccount is ${SHARED_ACCOUNT_OPT_IN}: other teams' instances cannot read this environment's log bucket or group, and the agent refuses a session whose destination it cannot check; the destinations are KMS-encrypted by construction (BL-BKT-003, BL-LOG-001)`
        : undefined,
      idleSessionTimeoutMinutes: prefs.idleTimeoutMinutes,
      maxSessionDurationMinutes: prefs.maxDurationMinutes,
      runAsDefaultUser: prefs.runAs.enabled ? prefs.runAs.defaultUser : undefined,
      shellProfile: prefs.shellProfile,
      adoptExisting: prefs.document === "adopt",
    });
  }

  private alerts(): AuditAlerts {
    return new AuditAlerts(this, "AuditAlerts", {
      topicName: physicalName(this.naming, "session-audit"),
      ruleNamePrefix: physicalName(this.naming, "session"),
      encryptionKey: this.sessionKey,
      preferencesDocumentName: PREFERENCES_DOCUMENT,
      emails: this.config.logging.alertEmails,
      alarmArnPattern: this.auditAlarmArnPattern,
      breakGlass: this.config.breakGlass
        ? { roleArn: breakGlassRoleArn(this.config), environment: this.config.name }
        : undefined,
    });
  }

  /** The audit kit's name prefix (alarms, metric filters, dashboard, metric namespace). */
  private get auditPrefix(): string {
    return physicalName(this.naming, "audit");
  }

  /** The ARNs of the kit's risky-command alarms, when it has any (audit on, CloudWatch logging on). */
  private get auditAlarmArnPattern(): string | undefined {
    const { audit, logging, region, account } = this.config;
    if (audit.waive !== undefined || !logging.cloudWatch.enabled || audit.riskyCommands.length === 0) return undefined;
    return SessionAudit.alarmArnPattern("aws", region, account, this.auditPrefix);
  }

  /**
   * The session audit kit over this environment's logs: saved queries, risky-command alarms to the alert topic,
   * a dashboard, an Athena table over the transcripts and the StartSession records with their reasons.
   */
  private auditKit(): SessionAudit | undefined {
    const { audit, logging } = this.config;
    if (audit.waive !== undefined) return undefined;
    return new SessionAudit(this, "SessionAudit", {
      namePrefix: this.auditPrefix,
      queryFolder: `${this.config.project}/${this.config.name}`,
      region: this.config.region,
      alertTopic: this.auditAlerts.topic,
      sessionLogGroupName: this.logGroup?.resource.name,
      workingHours: audit.workingHours,
      riskyCommands: audit.riskyCommands,
      transcripts:
        this.logBucket && audit.transcriptsTable
          ? {
              bucketName: this.logBucket.bucketName,
              keyPrefix: this.s3Prefix,
              databaseName: physicalName(this.naming, "sessions").replace(/-/g, "_"),
            }
          : undefined,
      sessionStarts: audit.sessionStarts
        ? {
            logGroupName: logGroupName(this.naming, "session-starts"),
            ruleName: `${physicalName(this.naming, "session")}-starts`,
            retentionDays: logging.cloudWatch.retentionDays,
            encryptionKey: this.sessionKey,
            account: this.config.account,
            reasonExpected: this.config.accessGroups
              .filter((g) => g.reasonExpected)
              .flatMap((g) =>
                reasonExpectedPrincipals({
                  name: g.name,
                  iamGroup: g.principals.iamGroup,
                  roleNames: g.principals.roleNames,
                  permissionSetName: g.principals.identityCenter?.permissionSetName,
                }),
              ),
          }
        : undefined,
    });
  }

  /**
   * The trail the audit alerts depend on: an existing one read and checked at plan time, a created one, or a
   * written waiver (the schema requires exactly one).
   */
  private cloudTrail(): AuditTrail | undefined {
    const { cloudTrail } = this.config.logging;
    // The schema requires it; a config built without the schema gets the same message.
    if (!cloudTrail)
      throw new Error(`EnvironmentStack ${this.config.name}: logging.cloudTrail ${CLOUD_TRAIL_REQUIRED}`);
    if (cloudTrail.existing) {
      new TrailLoggingCheck(this, "CloudTrailCheck", { ...this.account, trail: cloudTrail.existing });
      this.auditTrailNote = `audit trail: reads ${cloudTrail.existing} (plan fails unless it logs write management events here)`;
      return undefined;
    }
    if (cloudTrail.create && this.logBucket) {
      this.auditTrailNote = `audit trail: creates ${this.trailName} (multi-region, validated, SSE-KMS) into ${this.logBucket.bucketName}`;
      return new AuditTrail(this, "AuditTrail", {
        ...this.account,
        name: this.trailName,
        bucketName: this.logBucket.bucketName,
        bucketPolicy: this.logBucket.policy,
        encryptionKey: this.sessionKey,
      });
    }
    this.auditTrailNote = `audit trail: waived (${cloudTrail.waive}): the session audit alerts may never fire`;
    return undefined;
  }

  /** The least-privilege role instances run as. */
  private instanceAccess(): InstanceRole {
    const ia = this.config.instanceAccess;
    return new InstanceRole(this, "InstanceRole", {
      roleName: this.instanceRoleName,
      legacyAgentSupport: this.config.network.legacyAgentSupport,
      managedInstanceCore: ia.managedInstanceCore,
      permissionsBoundaryArn: this.permissionsBoundaryArn,
    });
  }

  /** Default Host Management Configuration (opt-in): the account-wide role the agent uses without a profile. */
  private hostManagement(): DefaultHostManagement | undefined {
    const ia = this.config.instanceAccess;
    if (!ia.defaultHostManagement) return undefined;
    return new DefaultHostManagement(this, "DefaultHostManagement", {
      ...this.account,
      roleName: this.dhmcRoleName,
      permissionsBoundaryArn: this.permissionsBoundaryArn,
    });
  }

  /** The instance-side grants come from the logging resources themselves. */
  private grantLogging(grantees: IGrantable[]): void {
    for (const grantee of grantees) {
      this.logGroup?.grantSessionWrite(grantee);
      this.logBucket?.grantSessionWrite(grantee, this.s3Prefix);
      this.sessionKey.grantEncryptDecrypt(grantee);
    }
  }

  /** Per VPC: private-only (or adopted) with endpoints, security groups and the optional NACL. */
  private network(): void {
    const services = requiredServices({
      legacyAgentSupport: this.config.network.legacyAgentSupport,
      cloudWatchLogging: this.config.logging.cloudWatch.enabled,
      kmsEncryption: this.kmsEncryption,
    });
    const networks = new Construct(this, "Network");
    for (const vpc of this.config.vpcs) {
      const vpcScope = new Construct(networks, vpc.name);
      const prefix = physicalName(this.naming, vpc.name);
      const plan = endpointPlan(vpc, services);
      const network = this.vpc(vpcScope, vpc, prefix, plan);
      const endpoints = new SessionManagerEndpoints(vpcScope, "Endpoints", {
        network,
        region: this.config.region,
        namePrefix: prefix,
        services: plan.services,
        reuse: plan.reuse,
        clients: plan.clients,
        s3Gateway: plan.s3Gateway,
        endpointAzs: vpc.endpointAzs,
        layout: this.config.network.securityGroupLayout,
        logBucket: this.logBucket,
      });
      this.adoptedS3(vpcScope, vpc, endpoints);
      const targets = forwardTargets(this.config, vpc.name);
      allowForwarding(vpcScope, endpoints, targets);
      const nacl = managesNacl(vpc);
      if (nacl) {
        new NetworkAcl(vpcScope, "NetworkAcl", {
          vpcId: network.vpcId,
          name: `${prefix}-private`,
          subnetIds: network.subnets.map((s) => s.id),
          vpcCidr: network.cidr,
          s3PrefixList: endpoints.s3PrefixList,
          flows: naclFlows(vpc, targets),
        });
      }
      if (vpc.mode === "adopt") this.adoptions.push(blastRadius(vpc, endpoints, nacl));
      this.networks.push({ name: vpc.name, network, endpoints });
      new TerraformOutput(vpcScope, "InstanceSecurityGroupId", {
        staticId: true,
        value: endpoints.instanceSecurityGroup.securityGroupId,
        description: `Security group to attach to instances in VPC ${vpc.name}`,
      }).overrideLogicalId(`instance_security_group_id_${vpc.name.replace(/-/g, "_")}`);
    }
  }

  /**
   * The S3 side of an adopted VPC: the restrictive-gateway opt-in is recorded as a BL-NET-008 suppression (shown in
   * the synth summary), a reused gateway gets an output with the statements its policy must allow.
   */
  private adoptedS3(scope: Construct, vpc: VpcConfig, endpoints: SessionManagerEndpoints): void {
    if (vpc.mode !== "adopt") return;
    if (vpc.s3Gateway.mode === S3_RESTRICTIVE_OPT_IN && endpoints.s3Gateway)
      suppress(
        endpoints.s3Gateway,
        "BL-NET-008",
        `vpcs[${vpc.name}].s3Gateway.mode is the opt-in ${S3_RESTRICTIVE_OPT_IN}: other S3 traffic from ${vpc.routeTableIds.join(", ")} is denied`,
      );
    if (endpoints.reusedS3Gateway)
      new TerraformOutput(scope, "S3GatewayRequiredStatements", {
        staticId: true,
        value: renderPolicy(endpoints.s3RequiredStatements),
        description: `The reused S3 gateway ${vpc.s3Gateway.endpointId} of VPC ${vpc.name} must allow these statements (SSM agent buckets, session-log bucket)`,
      }).overrideLogicalId(`s3_gateway_required_statements_${vpc.name.replace(/-/g, "_")}`);
  }

  /** A private-only VPC this environment creates, or the existing one it adopts by ids (checked at plan time). */
  private vpc(scope: Construct, vpc: VpcConfig, prefix: string, plan: EndpointPlan): IPrivateNetwork {
    if (vpc.mode !== "create")
      return new AdoptedVpc(scope, "Vpc", {
        vpcId: vpc.vpcId,
        cidr: vpc.cidr,
        subnets: vpc.privateSubnets,
        routeTableIds: vpc.routeTableIds,
        createdEndpoints: createdEndpoints(vpc, plan),
      });
    return new PrivateVpc(scope, "Vpc", {
      ...this.account,
      name: prefix,
      cidr: vpc.cidr,
      subnets: vpc.privateSubnets,
      flowLogKey: this.sessionKey,
      flowLogRetentionDays: vpc.flowLogRetentionDays,
      flowLogGroupName: logGroupName(this.naming, `flow-logs/${vpc.name}`),
      flowLogRoleName: `${prefix}-flow-logs`,
      permissionsBoundaryArn: this.permissionsBoundaryArn,
    });
  }

  /** A launch template for session instances in the first VPC (and the example instance, opt-in). */
  private hardenedLaunchTemplate(): HardenedLaunchTemplate {
    const ia = this.config.instanceAccess;
    const first = this.networks[0];
    const template = new HardenedLaunchTemplate(this, "LaunchTemplate", {
      name: physicalName(this.naming, "session-instance"),
      instanceType: ia.instanceType,
      instanceProfile: this.instanceRole.instanceProfile,
      securityGroupIds: [first.endpoints.instanceSecurityGroup.securityGroupId],
      subnetId: first.network.subnets[0].id,
      instanceTags: ia.instanceTags,
    });
    if (ia.exampleInstance) template.launch(this, "ExampleInstance");
    return template;
  }

  /** One access group per configured group of operators. */
  private operators(): void {
    const groups = new Construct(this, "AccessGroups");
    // Every group's policy reserves every access tag key of the environment (tagging is privilege).
    const protectedTagKeys = accessTagKeys(this.config);
    for (const g of this.config.accessGroups) {
      const group = new AccessGroup(groups, g.name, {
        ...this.account,
        name: physicalName(this.naming, g.name),
        description: g.description,
        instanceTags: g.instanceTags,
        shellDocumentName: g.capabilities.shell ? PREFERENCES_DOCUMENT : undefined,
        portForwarding: g.capabilities.portForwarding,
        ssh: g.capabilities.ssh,
        iamGroup: g.principals.iamGroup,
        roleNames: g.principals.roleNames,
        requireMfa: g.requireMfa,
        sourceCidrs: g.sourceCidrs,
        sourceVpcIds: this.networks.map((n) => n.network.vpcId),
        preferencesDocumentName: PREFERENCES_DOCUMENT,
        protectedTagKeys,
        expires: g.expires,
        interfaces: g.interfaces,
      });
      // Encrypted sessions: the operator creates the session's data key with the session key.
      if (this.kmsEncryption) this.sessionKey.grantSessionStart(group);
      this.accessGroups.push(group);
    }
  }

  /** The break-glass role (breakGlass), unless the ci stack creates it. */
  private breakGlass(inCiStack: boolean): BreakGlassRole | undefined {
    const bg = this.config.breakGlass;
    if (!bg || inCiStack) return undefined;
    return new BreakGlassRole(this, "BreakGlassRole", {
      roleName: breakGlassRoleName(this.naming),
      description: `bastionless ${this.config.name}: break-glass shell on the environment's instances (docs/break-glass.md); every use alerts`,
      principals: bg.principals,
      policy: breakGlassPolicyProps(this.config),
    });
  }

  private costOutput(): void {
    new TerraformOutput(this, "InterfaceEndpointMonthlyUsd", {
      staticId: true,
      value: this.endpointCost().monthlyUsd,
      description:
        "Estimated monthly cost of the interface endpoints (endpoints x AZs x hourly price x 730 h; data processing excluded)",
    }).overrideLogicalId("interface_endpoint_monthly_usd");
  }

  private guardrails(): void {
    enableGuardrails(this, {
      minLogRetentionDays: this.config.guardrails.minLogRetentionDays,
      protectedEnvironment: this.config.protected,
      suppressions: this.config.guardrails.suppressions,
    });
  }
}
