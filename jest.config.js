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
  // One temp root per run, removed at the end (test/helpers/temp-root.js).
  globalSetup: "<rootDir>/test/helpers/temp-root-setup.js",
  globalTeardown: "<rootDir>/test/helpers/temp-root-teardown.js",
};
