/** The AWS services Session Manager reaches through interface endpoints. Typed: never a free-form string. */
export class EndpointService {
  /** Always: the agent registers and receives commands. */
  public static readonly SSM = new EndpointService("ssm");
  /** Always for Session Manager: the session data channel. */
  public static readonly SSMMESSAGES = new EndpointService("ssmmessages");
  /** SSM Agent < 3.3.40.0 only (newer agents use ssmmessages). */
  public static readonly EC2MESSAGES = new EndpointService("ec2messages");
  /** When sessions or logs are KMS-encrypted. */
  public static readonly KMS = new EndpointService("kms");
  /** When sessions are logged to CloudWatch Logs. */
  public static readonly LOGS = new EndpointService("logs");
  /** Every service Session Manager may need, in the fixed order `requiredServices` uses. */
  public static readonly ALL: readonly EndpointService[] = [
    EndpointService.SSM,
    EndpointService.SSMMESSAGES,
    EndpointService.EC2MESSAGES,
    EndpointService.LOGS,
    EndpointService.KMS,
  ];

  private constructor(public readonly shortName: string) {}

  /** `com.amazonaws.<region>.<service>`. */
  public serviceName(region: string): string {
    return `com.amazonaws.${region}.${this.shortName}`;
  }
}

export interface EndpointSelection {
  /** Keep ec2messages for agents older than 3.3.40.0. */
  readonly legacyAgentSupport: boolean;
  readonly cloudWatchLogging: boolean;
  readonly kmsEncryption: boolean;
}

/** The interface endpoints an environment needs, in a fixed order. */
export function requiredServices(s: EndpointSelection): EndpointService[] {
  return [
    EndpointService.SSM,
    EndpointService.SSMMESSAGES,
    ...(s.legacyAgentSupport ? [EndpointService.EC2MESSAGES] : []),
    ...(s.cloudWatchLogging ? [EndpointService.LOGS] : []),
    ...(s.kmsEncryption ? [EndpointService.KMS] : []),
  ];
}
