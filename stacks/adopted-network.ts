import type { VpcConfig } from "../config/schema";
import type { IPrivateNetwork } from "../modules/network-security";

/** An existing VPC adopted by ids from the environment file; nothing is created. */
export function adoptedNetwork(config: Extract<VpcConfig, { mode: "adopt" }>): IPrivateNetwork {
  return {
    vpcId: config.vpcId,
    cidr: config.cidr,
    subnets: config.privateSubnets.map((s) => ({ id: s.id, availabilityZone: s.availabilityZone })),
    routeTableIds: [...config.routeTableIds],
  };
}
