export * from "../core/kms";
export * from "./session-key";
export * from "./session-log-group";
export * from "./session-log-bucket";
export * from "./audit-alerts";
export * from "./audit-trail";
