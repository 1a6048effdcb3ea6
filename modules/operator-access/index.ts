export * from "./operator-policy";
export * from "./operator-access";
export * from "./permission-set";
export * from "./identity-center-check";
export * from "./break-glass";
