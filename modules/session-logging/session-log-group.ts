import { CloudwatchLogGroup } from "../core/aws";
import { Construct, Token } from "../core/cdktf";
import { afterKeyPolicy, type IEncryptionKey } from "../core/kms";
import { grant, type IGrantable, type Statement } from "../core/iam";
import { LOG_RETENTION_DAYS } from "../core/limits";
import { DEFAULT_LOG_RETENTION_DAYS } from "../core/defaults";

export interface SessionLogGroupProps {
  readonly name: string;
  /** One of the values CloudWatch Logs accepts. @default DEFAULT_LOG_RETENTION_DAYS (365) */
  readonly retentionDays?: number;
  /**
   * The key the logs are encrypted with. The group is created after the key's policy: CreateLogGroup with a key
   * fails unless the policy already admits CloudWatch Logs.
   */
  readonly encryptionKey: IEncryptionKey;
}

/** The session log group: KMS-encrypted, with retention, kept on `terraform destroy` (`skip_destroy`). */
export class SessionLogGroup extends Construct {
  public readonly resource: CloudwatchLogGroup;
  public readonly logGroupName: string;
  public readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: SessionLogGroupProps) {
    super(scope, id);
    const retention = props.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    if (!Token.isUnresolved(retention) && !(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
      throw new Error(
        `SessionLogGroup: retentionDays ${retention} is not accepted by CloudWatch Logs; allowed: ${LOG_RETENTION_DAYS.join(", ")}`,
      );
    }
    this.resource = new CloudwatchLogGroup(this, "Resource", {
      name: props.name,
      retentionInDays: retention,
      kmsKeyId: props.encryptionKey.keyArn,
      skipDestroy: true,
      dependsOn: afterKeyPolicy(props.encryptionKey),
    });
    this.logGroupName = props.name;
    this.logGroupArn = this.resource.arn;
  }

  /** See `grantLogGroupSessionWrite`. */
  public grantSessionWrite(grantee: IGrantable): Statement[] {
    return grantLogGroupSessionWrite(grantee, this.logGroupArn);
  }
}

/**
 * What the SSM agent needs to stream a session to the log group `logGroupArn`: log-stream writes on that group
 * only, and `logs:DescribeLogGroups` on `*` (the agent checks the group exists; the action has no resource scoping).
 */
export function grantLogGroupSessionWrite(grantee: IGrantable, logGroupArn: string): Statement[] {
  return [
    grant(
      grantee,
      "SessionLogStreams",
      ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      [`${logGroupArn}:*`],
    ),
    grant(grantee, "SessionLogGroupLookup", ["logs:DescribeLogGroups"], ["*"]),
  ];
}
