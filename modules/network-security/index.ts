export * from "./connections";
export * from "./security-group";
export * from "./network-acl";
export * from "./vpc";
export * from "./adopted-vpc";
