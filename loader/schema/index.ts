/**
 * The environment schema, one file per section (loader/schema/*.ts): the single source of the `EnvironmentConfig`
 * type, of the load-time validation and of the JSON Schema editors use (`npm run schema`).
 */
export * from "./primitives";
export * from "./state";
export * from "./network";
export * from "./logging";
export * from "./access";
export * from "./audit";
export * from "./break-glass";
export * from "./environment";
