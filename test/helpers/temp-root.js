/**
 * Jest globalSetup/globalTeardown: every temporary directory the tests (and the processes they spawn) create goes
 * below one fresh directory, removed when the run ends, so a test run leaves nothing in the system temp dir even
 * when a test forgets to clean up or fails half-way. Works because os.tmpdir() reads TMPDIR on every call and
 * workers and child processes inherit the environment.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");

const KEY = "BASTIONLESS_TEST_TMP_ROOT";

module.exports.setup = async function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bastionless-jest-"));
  process.env[KEY] = root;
  process.env.TMPDIR = root;
};

module.exports.teardown = async function teardown() {
  const root = process.env[KEY];
  if (root && path.basename(root).startsWith("bastionless-jest-")) fs.rmSync(root, { recursive: true, force: true });
};
