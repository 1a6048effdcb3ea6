export * from "./session-log-format";
export * from "./queries";
export * from "./risky-commands";
export * from "./transcripts-table";
export * from "./session-audit";
