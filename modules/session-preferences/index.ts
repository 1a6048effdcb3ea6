export * from "./session-preferences";
