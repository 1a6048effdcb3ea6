/** Tests are transpiled by @swc/jest (no type-checking here: `npm run typecheck` does that once). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
  // Jest's default is one worker fewer than the CPUs: a single worker on a 2-core machine. The main process only
  // waits, so every core gets a worker.
  maxWorkers: "100%",
  setupFiles: ["<rootDir>/test/helpers/jest-env.js"],
  // One temp root per run, removed at the end (test/helpers/temp-root.js).
  globalSetup: "<rootDir>/test/helpers/temp-root-setup.js",
  globalTeardown: "<rootDir>/test/helpers/temp-root-teardown.js",
};
