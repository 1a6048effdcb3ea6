import { KmsAlias, KmsKey, KmsKeyPolicy } from "../core/aws";
import { Construct, Token } from "../core/cdktf";
import { KMS_ALIAS, KMS_DELETION_WINDOW_DAYS } from "../core/limits";
import { arn, grant, renderPolicy, type AccountScope, type IGrantable, type Statement } from "../core/iam";
import { DEFAULT_KMS_DELETION_WINDOW_DAYS } from "../core/defaults";
import type { IEncryptionKey } from "../core/kms";
import { cloudTrailKeyStatements } from "./audit-trail";

export interface SessionKeyProps extends AccountScope {
  /** `alias/...`, not `alias/aws/...`. */
  readonly alias: string;
  /** @default DEFAULT_KMS_DELETION_WINDOW_DAYS (30) */
  readonly deletionWindowDays?: number;
  /** Log-group name pattern CloudWatch Logs may use the key for, e.g. `/bastionless/dev/*`. */
  readonly logGroupNamePattern: string;
  /** Let EventBridge publish to topics encrypted with this key. @default false */
  readonly allowEventBridge?: boolean;
  /**
   * Let CloudWatch alarms of this account publish to topics encrypted with this key (kms:Decrypt and
   * kms:GenerateDataKey*, aws:SourceAccount): without it an alarm's notification fails, recorded only in the alarm
   * history. @default false
   */
  readonly allowCloudWatchAlarms?: boolean;
  /**
   * The ARN of a trail that encrypts its log files with this key (`AuditTrail`): CloudTrail may create data keys
   * for that trail only. @default - CloudTrail may not use the key
   */
  readonly cloudTrailArn?: string;
  /**
   * Let every principal of the account use the key for Session Manager sessions, without an IAM permission of its
   * own: kms:GenerateDataKey (the session-manager-plugin of a user starting a session) and kms:Decrypt (the SSM agent
   * on the instance), only with Session Manager's encryption context (`aws:ssm:SessionId` and `aws:ssm:TargetId`,
   * no other key) and `kms:CallerAccount` = this account. For an environment that owns the account-wide preferences
   * document in an account other teams use (`sessionPreferences.sharedAccount`). `kms:ViaService` cannot be used:
   * the plugin and the agent call KMS themselves, not through a service. @default false
   */
  readonly sessionUseByAccount?: boolean;
  /**
   * Keep objects S3 stores with this key (the session transcripts) for the roles named here: the key policy denies
   * kms:Decrypt with an S3 encryption context (`aws:s3:arn`) to every other principal, whatever its IAM policies
   * allow (PowerUserAccess, an administrator, the CI roles). `uploaderRoleArns` are the roles that write
   * transcripts: S3 decrypts the data key of a multipart upload with the uploader's identity. Service principals
   * (CloudWatch Logs, CloudTrail) are not affected. @default - IAM policies decide who reads transcripts
   */
  readonly transcriptDecrypt?: {
    readonly readerRoleArns: readonly string[];
    readonly uploaderRoleArns: readonly string[];
  };
}

/** See `SessionKeyProps.transcriptDecrypt`. */
export function transcriptDecryptStatement(allowed: {
  readonly readerRoleArns: readonly string[];
  readonly uploaderRoleArns: readonly string[];
}): Statement {
  const roles = [...allowed.readerRoleArns, ...allowed.uploaderRoleArns];
  return {
    sid: "TranscriptsOnlyForLogReaders",
    effect: "Deny",
    principals: { AWS: ["*"] },
    actions: ["kms:Decrypt"],
    resources: ["*"],
    conditions: {
      "ForAnyValue:StringEquals": { "kms:EncryptionContextKeys": ["aws:s3:arn"] },
      // A service principal has no aws:PrincipalArn: ArnNotEquals is then false, so services are never denied.
      ...(roles.length > 0
        ? { ArnNotEquals: { "aws:PrincipalArn": roles } }
        : { Null: { "aws:PrincipalArn": "false" } }),
    },
  };
}

/** The encryption-context keys Session Manager binds a session's data key to (the plugin and the agent). */
export const SESSION_ENCRYPTION_CONTEXT_KEYS = ["aws:ssm:SessionId", "aws:ssm:TargetId"] as const;

/**
 * Any principal of `account` may create and open Session Manager data keys (see `SessionKeyProps.sessionUseByAccount`):
 * the context must name a session (ForAnyValue: the key is present) and nothing else (ForAllValues), so the grant
 * never decrypts S3 objects, log events or anything else the key protects.
 */
export function sessionUseByAccountStatement(account: string): Statement {
  return {
    sid: "SessionManagerUseByAccountPrincipals",
    effect: "Allow",
    principals: { AWS: ["*"] },
    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    resources: ["*"],
    conditions: {
      StringEquals: { "kms:CallerAccount": account },
      "ForAnyValue:StringEquals": { "kms:EncryptionContextKeys": [SESSION_ENCRYPTION_CONTEXT_KEYS[0]] },
      "ForAllValues:StringEquals": { "kms:EncryptionContextKeys": [...SESSION_ENCRYPTION_CONTEXT_KEYS] },
    },
  };
}

/**
 * The environment's customer-managed KMS key for session data, session logs (CloudWatch and S3) and the audit
 * topic: rotation on, 30-day deletion window, an alias, `prevent_destroy`. The key policy has exactly:
 * account administration (IAM policies decide who uses the key), CloudWatch Logs limited by
 * `kms:EncryptionContext:aws:logs:arn` to this environment's log groups, and, when asked, EventBridge for the
 * audit topic (limited to this account). The policy is a separate resource so log groups can depend on it.
 */
export class SessionKey extends Construct implements IEncryptionKey {
  public readonly key: KmsKey;
  public readonly keyPolicy: KmsKeyPolicy;
  public readonly keyArn: string;
  public readonly aliasName: string;

  constructor(scope: Construct, id: string, props: SessionKeyProps) {
    super(scope, id);
    const window = props.deletionWindowDays ?? DEFAULT_KMS_DELETION_WINDOW_DAYS;
    // Values from Terraform variables are checked by the variables' validation blocks instead.
    if (
      !Token.isUnresolved(window) &&
      (window < KMS_DELETION_WINDOW_DAYS.min || window > KMS_DELETION_WINDOW_DAYS.max)
    ) {
      throw new Error(
        `SessionKey: deletionWindowDays ${window} is out of range; allowed: ${KMS_DELETION_WINDOW_DAYS.min}-${KMS_DELETION_WINDOW_DAYS.max}`,
      );
    }
    if (!Token.isUnresolved(props.alias) && !KMS_ALIAS.test(props.alias)) {
      throw new Error(
        `SessionKey: alias ${JSON.stringify(props.alias)} must start with alias/ (not alias/aws/) and use letters, digits, /, _ and -`,
      );
    }
    this.key = new KmsKey(this, "Resource", {
      description: `Session Manager session data and logs (${props.alias})`,
      enableKeyRotation: true,
      deletionWindowInDays: window,
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      keyUsage: "ENCRYPT_DECRYPT",
      lifecycle: { preventDestroy: true },
    });
    this.keyArn = this.key.arn;
    this.aliasName = props.alias;
    new KmsAlias(this, "Alias", { name: props.alias, targetKeyId: this.key.keyId });
    this.keyPolicy = new KmsKeyPolicy(this, "Policy", {
      keyId: this.key.keyId,
      policy: renderPolicy(SessionKey.policyStatements(props)),
    });
  }

  /** The key policy statements (exposed for policy tests and guardrails). */
  public static policyStatements(props: SessionKeyProps): Statement[] {
    const partition = props.partition ?? "aws";
    const statements: Statement[] = [
      {
        sid: "AccountAdministration",
        effect: "Allow",
        principals: { AWS: [`arn:${partition}:iam::${props.account}:root`] },
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        sid: "CloudWatchLogsForThisEnvironment",
        effect: "Allow",
        principals: { Service: [`logs.${props.region}.amazonaws.com`] },
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        conditions: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": arn(props, "logs", `log-group:${props.logGroupNamePattern}`),
          },
        },
      },
    ];
    if (props.allowEventBridge) {
      statements.push({
        sid: "EventBridgeToAuditTopic",
        effect: "Allow",
        principals: { Service: ["events.amazonaws.com"] },
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": props.account } },
      });
    }
    if (props.allowCloudWatchAlarms) {
      statements.push({
        sid: "CloudWatchAlarmsToAuditTopic",
        effect: "Allow",
        principals: { Service: ["cloudwatch.amazonaws.com"] },
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": props.account } },
      });
    }
    if (props.cloudTrailArn) statements.push(...cloudTrailKeyStatements(props.cloudTrailArn, props.account, partition));
    if (props.sessionUseByAccount) statements.push(sessionUseByAccountStatement(props.account));
    if (props.transcriptDecrypt) statements.push(transcriptDecryptStatement(props.transcriptDecrypt));
    return statements;
  }

  /** See `grantSessionKeyEncryptDecrypt`. */
  public grantEncryptDecrypt(grantee: IGrantable): Statement {
    return grantSessionKeyEncryptDecrypt(grantee, this.keyArn);
  }

  /** Operators: create the data key that encrypts a session (kms:GenerateDataKey on this key only). */
  public grantSessionStart(grantee: IGrantable): Statement {
    return grantSessionKeyStart(grantee, this.keyArn);
  }
}

/** Operators: create the data key that encrypts a session (kms:GenerateDataKey on the key `keyArn` only). */
export function grantSessionKeyStart(grantee: IGrantable, keyArn: string): Statement {
  return grant(grantee, "SessionKeyDataKey", ["kms:GenerateDataKey"], [keyArn]);
}

/** Instances: decrypt session data and write encrypted logs (kms:Decrypt, kms:GenerateDataKey on the key `keyArn`). */
export function grantSessionKeyEncryptDecrypt(grantee: IGrantable, keyArn: string): Statement {
  return grant(grantee, "SessionKeyEncryptDecrypt", ["kms:Decrypt", "kms:GenerateDataKey"], [keyArn]);
}
