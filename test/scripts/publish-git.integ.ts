/**
 * Publishing the generated modules to one git repository each (terraform-modules/publish.ts, github target),
 * proven against local bare repositories standing in for the remote (file:// base URL): what a dry run plans and
 * leaves untouched, what a push writes, and that re-runs, new versions and changed contents behave.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs, publish, PublishConfigError } from "../../terraform-modules/publish";

const git = (args: string[], cwd: string) => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
};

function writeModule(modulesDir: string, name: string, body: string): void {
  const dir = path.join(modulesDir, `terraform-aws-bastionless-${name}`);
  fs.mkdirSync(path.join(dir, "examples", "complete"), { recursive: true });
  fs.mkdirSync(path.join(dir, ".terraform"), { recursive: true });
  fs.writeFileSync(path.join(dir, ".terraform", "junk"), "local state of a validate run");
  fs.writeFileSync(path.join(dir, "main.tf"), `resource "terraform_data" "this" {\n  input = "${body}"\n}\n`);
  fs.writeFileSync(path.join(dir, "versions.tf"), 'terraform {\n  required_version = ">= 1.5"\n}\n');
  fs.writeFileSync(path.join(dir, "README.md"), `# ${name}\n`);
  fs.writeFileSync(path.join(dir, "examples", "complete", "main.tf"), `module "m" {\n  source = "../.."\n}\n`);
}

describe("publishing modules to their own git repositories", () => {
  let tmp: string;
  let modulesDir: string;
  let remotes: string;
  let lines: string[];
  const bare = (name: string) => path.join(remotes, "acme", `terraform-aws-bastionless-${name}.git`);
  const refs = (name: string) => git(["for-each-ref", "--format=%(refname) %(objectname)"], bare(name));
  const run = (tag: string, extra: { dryRun?: boolean; env?: NodeJS.ProcessEnv } = {}) =>
    publish({
      modulesDir,
      tag,
      targets: ["github"],
      dryRun: extra.dryRun ?? false,
      env: extra.env ?? { MODULES_GITHUB_OWNER: "acme", MODULES_GIT_BASE_URL: `file://${remotes}` },
      log: (l) => lines.push(l),
    });

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bl-publish-test-"));
    modulesDir = path.join(tmp, "modules");
    remotes = path.join(tmp, "remotes");
    writeModule(modulesDir, "alpha", "a1");
    writeModule(modulesDir, "beta", "b1");
    for (const name of ["alpha", "beta"]) {
      fs.mkdirSync(bare(name), { recursive: true });
      git(["init", "-q", "--bare", "-b", "main"], bare(name));
    }
    lines = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("GIVEN no configuration WHEN dry-run THEN it plans every module with placeholders and touches no remote", async () => {
    await run("v0.1.0", { dryRun: true, env: {} });
    expect(lines[0]).toBe("2 modules, tag v0.1.0 (dry run, nothing is contacted)");
    expect(lines[1]).toMatch(
      /^github planned {3}https:\/\/github\.com\/<MODULES_GITHUB_OWNER>\/terraform-aws-bastionless-alpha\.git v0\.1\.0 \(4 files, tree [0-9a-f]{12}\)$/,
    );
    expect(lines[2]).toContain("/terraform-aws-bastionless-beta.git v0.1.0");
    expect(refs("alpha")).toBe("");
    expect(refs("beta")).toBe("");
  });

  test("GIVEN configuration WHEN dry-run THEN the planned tree is the one a real run pushes, and nothing is pushed", async () => {
    await run("v0.1.0", { dryRun: true });
    const planned = /tree ([0-9a-f]{12})/.exec(lines[1])?.[1];
    expect(refs("alpha")).toBe("");
    await run("v0.1.0");
    expect(git(["rev-parse", "refs/tags/v0.1.0^{tree}"], bare("alpha")).slice(0, 12)).toBe(planned);
  });

  test("WHEN published THEN each repository has the module's files at its root on main, tagged with the semver tag", async () => {
    await run("v0.1.0");
    for (const name of ["alpha", "beta"]) {
      expect(git(["rev-parse", "refs/tags/v0.1.0^{commit}"], bare(name))).toBe(git(["rev-parse", "main"], bare(name)));
      expect(git(["ls-tree", "-r", "--name-only", "v0.1.0"], bare(name)).split("\n")).toEqual([
        "README.md",
        "examples/complete/main.tf",
        "main.tf",
        "versions.tf",
      ]);
      expect(git(["log", "-1", "--format=%s", "v0.1.0"], bare(name))).toBe(`terraform-aws-bastionless-${name} v0.1.0`);
    }
    expect(git(["show", "v0.1.0:main.tf"], bare("beta"))).toContain('input = "b1"');
    expect(lines.slice(1).every((l) => l.startsWith("github pushed"))).toBe(true);
  });

  test("GIVEN an interrupted or repeated release WHEN run again THEN published tags are left unchanged", async () => {
    await run("v0.1.0");
    const before = refs("alpha");
    lines = [];
    await run("v0.1.0");
    expect(refs("alpha")).toBe(before);
    expect(lines.slice(1).every((l) => l.startsWith("github unchanged"))).toBe(true);
  });

  test("GIVEN a new version WHEN published THEN main continues the history and both tags remain", async () => {
    await run("v0.1.0");
    writeModule(modulesDir, "alpha", "a2");
    await run("v0.2.0");
    expect(git(["rev-parse", "v0.2.0^"], bare("alpha"))).toBe(git(["rev-parse", "v0.1.0^{commit}"], bare("alpha")));
    expect(git(["show", "v0.1.0:main.tf"], bare("alpha"))).toContain('"a1"');
    expect(git(["show", "main:main.tf"], bare("alpha"))).toContain('"a2"');
  });

  test("fails when a published tag would change contents, and changes nothing", async () => {
    await run("v0.1.0");
    const before = refs("alpha");
    writeModule(modulesDir, "alpha", "a-changed");
    await expect(run("v0.1.0")).rejects.toThrow(
      /terraform-aws-bastionless-alpha\.git: tag v0\.1\.0 already exists with other contents .*release a new version/,
    );
    expect(refs("alpha")).toBe(before);
  });

  test("fails without the owner, and without a push token for an https remote, naming the variable", async () => {
    await expect(run("v0.1.0", { env: {} })).rejects.toThrow(
      new PublishConfigError(
        "MODULES_GITHUB_OWNER is not set (see terraform-modules/publish.ts for the configuration)",
      ),
    );
    await expect(run("v0.1.0", { env: { MODULES_GITHUB_OWNER: "acme" } })).rejects.toThrow(
      /^MODULES_PUSH_TOKEN is not set/,
    );
  });

  test("fails on an unreachable remote without printing the push token", async () => {
    const token = "ghs_not-a-real-token-0123456789";
    const error = await run("v0.1.0", {
      env: { MODULES_GITHUB_OWNER: "acme", MODULES_GIT_BASE_URL: "http://127.0.0.1:9", MODULES_PUSH_TOKEN: token },
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^reading http:\/\/127\.0\.0\.1:9\/acme\/terraform-aws-bastionless-alpha\.git failed/,
    );
    expect((error as Error).message).not.toContain(token);
    expect((error as Error).message).not.toContain(Buffer.from(`x-access-token:${token}`).toString("base64"));
  });

  test("fails on a directory without generated modules, and on a tag that is not package.json's semver", async () => {
    const nothing = { modulesDir: path.join(tmp, "nothing"), tag: "v0.1.0", targets: ["github" as const] };
    await expect(publish({ ...nothing, dryRun: true, env: {}, log: () => undefined })).rejects.toThrow(
      /nothing does not exist: run `npm run build:terraform-modules` first/,
    );
    expect(() => parseArgs(["--tag", "v0.2.0"], "0.1.0")).toThrow(
      "--tag v0.2.0 does not match package.json version 0.1.0 (v0.1.0)",
    );
    expect(() => parseArgs(["--tag", "0.1.0"], "0.1.0")).toThrow(/expected a semver tag vMAJOR\.MINOR\.PATCH/);
    expect(() => parseArgs(["--target", "gitlab"], "0.1.0")).toThrow(/expected github, hcp or all/);
    expect(parseArgs(["--dry-run", "--target", "hcp", "mods"], "0.1.0")).toEqual({
      modulesDir: path.resolve("mods"),
      tag: "v0.1.0",
      targets: ["hcp"],
      dryRun: true,
    });
  });
});
