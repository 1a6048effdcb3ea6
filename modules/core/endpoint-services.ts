/**
 * The one list of the interface endpoint services Session Manager may need, and which of them an environment needs.
 * Dependency-free, so the config schema (which may not load constructs) reads the same list as
 * modules/network-endpoints (`EndpointService`), the stacks, the generated Terraform modules and the tests.
 */

/** Every interface endpoint service Session Manager may need, in the order endpoints are created. */
export const INTERFACE_SERVICES = ["ssm", "ssmmessages", "ec2messages", "logs", "kms"] as const;
export type InterfaceService = (typeof INTERFACE_SERVICES)[number];

/** The services every Session Manager network needs, whatever the toggles: registration and the session channel. */
export const ALWAYS_NEEDED_SERVICES: readonly InterfaceService[] = ["ssm", "ssmmessages"];

export interface EndpointSelection {
  /** Keep ec2messages for agents older than 3.3.40.0. */
  readonly legacyAgentSupport: boolean;
  readonly cloudWatchLogging: boolean;
  readonly kmsEncryption: boolean;
}

/** The interface endpoint services a selection needs, in the order of `INTERFACE_SERVICES`. */
export function neededInterfaceServices(s: EndpointSelection): InterfaceService[] {
  const wanted: Record<InterfaceService, boolean> = {
    ssm: true,
    ssmmessages: true,
    ec2messages: s.legacyAgentSupport,
    logs: s.cloudWatchLogging,
    kms: s.kmsEncryption,
  };
  return INTERFACE_SERVICES.filter((service) => wanted[service]);
}

/** `com.amazonaws.<region>.<service>`: the name of a regional AWS service endpoint (and of its managed prefix list). */
export function awsServiceName(region: string, shortName: string): string {
  return `com.amazonaws.${region}.${shortName}`;
}
