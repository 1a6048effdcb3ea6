/**
 * Two jest projects over test/ (`npx jest` runs both; a path argument picks the file wherever it lives):
 * - unit (`npm test`, the README's command): `*.test.ts`, in-process only: synthesize, evaluate, render, parse.
 * - integration (`npm run test:integration`; CI runs both): `*.integ.ts`, the tests that start the project's
 *   programs or heavy tools as child processes: the synth CLI, the scripts' CLIs, tsc/npm pack, git, the
 *   workflows' shell scripts, ESLint over the repository. test/architecture/test-split.test.ts keeps that rule.
 * test/consumer (`npm run test:consumer`, run by `npm run validate`) also uses `*.integ.ts` but is its own target:
 * it installs the packed package into a fresh project (minutes), so neither project includes it.
 * Tests are transpiled by @swc/jest (no type-checking here: `npm run typecheck` does that once).
 */
const shared = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  setupFiles: ["<rootDir>/test/helpers/jest-env.js"],
};

module.exports = {
  projects: [
    { ...shared, displayName: "unit", testMatch: ["**/*.test.ts"] },
    {
      ...shared,
      displayName: "integration",
      // Every *.integ.ts but test/consumer's; `npm run test:consumer` selects this project with its own testMatch.
      testMatch: ["<rootDir>/test/*.integ.ts", "<rootDir>/test/!(consumer)/**/*.integ.ts"],
    },
  ],
  // Jest's default is one worker fewer than the CPUs: a single worker on a 2-core machine. The main process only
  // waits, so every core gets a worker.
  maxWorkers: "100%",
  // A global option: jest ignores testTimeout inside a project's settings (the default 5 s then applied to tests that
  // start processes, which a loaded machine can exceed).
  testTimeout: 60000,
  // One temp root per run, removed at the end (test/helpers/temp-root.js).
  globalSetup: "<rootDir>/test/helpers/temp-root-setup.js",
  globalTeardown: "<rootDir>/test/helpers/temp-root-teardown.js",
};
