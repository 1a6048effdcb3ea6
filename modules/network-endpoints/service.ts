import {
  awsServiceName,
  INTERFACE_SERVICES,
  neededInterfaceServices,
  type EndpointSelection,
  type InterfaceService,
} from "../core/endpoint-services";

export type { EndpointSelection, InterfaceService };

/**
 * The AWS services Session Manager reaches through interface endpoints. Typed: never a free-form string. The names
 * come from the one list, `INTERFACE_SERVICES` (modules/core/endpoint-services.ts), which the config schema reads too.
 */
export class EndpointService {
  private static readonly byName = new Map<InterfaceService, EndpointService>();
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
  /** Every service Session Manager may need, in the fixed order `requiredServices` uses (`INTERFACE_SERVICES`). */
  public static readonly ALL: readonly EndpointService[] = INTERFACE_SERVICES.map((s) => EndpointService.of(s));

  /** The service of a name from `INTERFACE_SERVICES` (e.g. a key of an environment's `interfaceEndpoints`). */
  public static of(shortName: InterfaceService): EndpointService {
    const service = EndpointService.byName.get(shortName);
    if (!service) throw new Error(`EndpointService: no constant for "${shortName}" of INTERFACE_SERVICES`);
    return service;
  }

  private constructor(public readonly shortName: InterfaceService) {
    EndpointService.byName.set(shortName, this);
  }

  /** `com.amazonaws.<region>.<service>`. */
  public serviceName(region: string): string {
    return awsServiceName(region, this.shortName);
  }
}

/** The interface endpoints an environment needs, in a fixed order. */
export function requiredServices(s: EndpointSelection): EndpointService[] {
  return neededInterfaceServices(s).map((name) => EndpointService.of(name));
}
