export * from "./operator-policy";
export * from "./operator-access";
