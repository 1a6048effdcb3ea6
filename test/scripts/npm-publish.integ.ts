/**
 * .github/scripts/npm-publish.sh (release.yml's npm job): trusted publishing only (npm >= 11.5.1, no
 * NODE_AUTH_TOKEN), the tarball the build job tested, with provenance; a re-run after the version is out leaves
 * it alone, and the same version with other contents is an error. A fake `npm` answers `view` and records `publish`.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.join(__dirname, "..", "..", ".github", "scripts", "npm-publish.sh");

function setup(npmVersion: string, published?: "same" | "other") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-npm-"));
  fs.mkdirSync(path.join(dir, "package"));
  fs.writeFileSync(
    path.join(dir, "package", "package.json"),
    JSON.stringify({ name: "bastionless", version: "1.2.3" }),
  );
  expect(spawnSync("tar", ["-czf", "bastionless-1.2.3.tgz", "package"], { cwd: dir }).status).toBe(0);
  const tarball = path.join(dir, "bastionless-1.2.3.tgz");
  const integrity = `sha512-${crypto.createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`;
  const answer = published === "same" ? integrity : published === "other" ? "sha512-b3RoZXI=" : "";
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(
    path.join(dir, "bin", "npm"),
    `#!/usr/bin/env bash
echo "npm $*" >> "${dir}/calls"
case "$1" in
  --version) echo "${npmVersion}" ;;
  view) [ -n "${answer}" ] && echo "${answer}" || { echo "npm error code E404" >&2; exit 1; } ;;
  publish) exit 0 ;;
esac
`,
    { mode: 0o755 },
  );
  const run = (env: NodeJS.ProcessEnv = {}) => {
    const base = { ...process.env };
    delete base.NODE_AUTH_TOKEN;
    return spawnSync("bash", [SCRIPT, tarball], {
      encoding: "utf8",
      env: { ...base, PATH: `${dir}/bin:${process.env.PATH}`, ...env },
    });
  };
  const calls = () => (fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8") : "");
  return { run, calls, tarball };
}

describe("npm-publish.sh", () => {
  test("GIVEN npm 11.5.1 or later and a new version THEN npm publish <the tarball> --provenance --access public, no token", () => {
    const s = setup("11.19.1");
    const r = s.run();
    expect(r.status).toBe(0);
    expect(s.calls()).toContain("npm view bastionless@1.2.3 dist.integrity");
    expect(s.calls()).toContain(`npm publish ${s.tarball} --provenance --access public`);
  });

  test("GIVEN the version is out from the same tarball THEN nothing is published (a re-run finishes the release)", () => {
    const s = setup("11.5.1", "same");
    const r = s.run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("bastionless@1.2.3 is already published from this tarball: nothing to do");
    expect(s.calls()).not.toContain("npm publish");
  });

  test.each([
    [
      "the version is out with other contents",
      setup.bind(null, "11.19.1", "other"),
      {},
      /already published with other contents/,
    ],
    [
      "npm older than 11.5.1 (no trusted publishing)",
      setup.bind(null, "10.9.2", undefined),
      {},
      /npm 10\.9\.2 cannot publish with trusted publishing: npm >= 11\.5\.1 needed/,
    ],
    [
      "a long-lived token in NODE_AUTH_TOKEN",
      setup.bind(null, "11.19.1", undefined),
      { NODE_AUTH_TOKEN: "npm_x" },
      /trusted publishing \(OIDC\) only/,
    ],
  ])("GIVEN %s THEN it refuses and publishes nothing", (_, make, env, message) => {
    const s = make();
    const r = s.run(env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(s.calls()).not.toContain("npm publish");
  });
});
