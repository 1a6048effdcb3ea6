export * from "./instance-role";
export * from "./default-host-management";
export * from "./hardened-launch-template";
