export * from "./service";
export * from "./cost";
export * from "./session-endpoints";
