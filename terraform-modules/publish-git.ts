/**
 * Publishing a generated Terraform module to its own git repository (what the public Terraform registry and most
 * private registries read): one repository per module, the module's files at the repository root, the release's
 * semver tag on the commit that has exactly those files.
 *
 * Safe to re-run after an interruption: a tag that already holds the same files is left alone (nothing pushed), a
 * tag that holds other files is an error (a published version never changes), and branch and tag are pushed
 * atomically. Nothing is ever force-pushed. The token goes to git through GIT_CONFIG_* variables (an HTTP header),
 * never on a command line or in a remote URL, so it cannot appear in `ps`, in .git/config or in an error message.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface GitTarget {
  /** e.g. https://github.com (file:///… in tests). */
  readonly baseUrl: string;
  readonly owner: string;
  /** Repository name for a module (`terraform-aws-bastionless-network`). */
  readonly repository: string;
  readonly branch: string;
  /** Basic-auth token for https remotes (x-access-token); unused for file:// remotes. */
  readonly token?: string;
}

export interface GitPublishResult {
  readonly url: string;
  readonly tag: string;
  /** pushed: branch and tag pushed; unchanged: the tag already had these files; planned: dry run. */
  readonly action: "pushed" | "unchanged" | "planned";
  /** git tree id of the module's files (equal for equal contents). */
  readonly tree: string;
  readonly files: readonly string[];
}

export const remoteUrl = (t: GitTarget): string => `${t.baseUrl.replace(/\/+$/, "")}/${t.owner}/${t.repository}.git`;

function gitEnv(t: GitTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? "bastionless release",
    GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? "bastionless-release@users.noreply.github.com",
    GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? "bastionless release",
    GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? "bastionless-release@users.noreply.github.com",
  };
  if (t.token) {
    const basic = Buffer.from(`x-access-token:${t.token}`).toString("base64");
    Object.assign(env, {
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: `http.${t.baseUrl.replace(/\/+$/, "")}/.extraheader`,
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
    });
  }
  return env;
}

function git(args: string[], cwd: string, env: NodeJS.ProcessEnv): { ok: boolean; out: string } {
  const r = spawnSync("git", args, { cwd, env, encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

function must(args: string[], cwd: string, env: NodeJS.ProcessEnv, what: string): string {
  const r = git(args, cwd, env);
  if (!r.ok) throw new Error(`${what} failed (git ${args[0]}): ${r.out}`);
  return r.out;
}

/** Every file below `dir`, relative, sorted (the module as it will be published). */
export function moduleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name === ".git" || e.name === ".terraform" || e.name === ".terraform.lock.hcl") continue;
      const p = path.join(rel, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk("");
  return out.sort();
}

function copyInto(moduleDir: string, work: string): string[] {
  for (const e of fs.readdirSync(work))
    if (e !== ".git") fs.rmSync(path.join(work, e), { recursive: true, force: true });
  const files = moduleFiles(moduleDir);
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(work, f)), { recursive: true });
    fs.copyFileSync(path.join(moduleDir, f), path.join(work, f));
  }
  return files;
}

/**
 * Publishes `moduleDir` to `target` as `tag`. `dryRun`: builds the commit in a local repository and reports what
 * would be pushed, without contacting the remote.
 */
export function publishModuleToGit(
  moduleDir: string,
  target: GitTarget,
  tag: string,
  opts: { dryRun: boolean; message: string },
): GitPublishResult {
  const url = remoteUrl(target);
  const env = gitEnv(target);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bl-publish-"));
  try {
    if (opts.dryRun) {
      must(["init", "-q", "-b", target.branch], work, env, "git init");
      const files = copyInto(moduleDir, work);
      must(["add", "-A"], work, env, "git add");
      const tree = must(["write-tree"], work, env, "git write-tree");
      return { url, tag, action: "planned", tree, files };
    }
    // What the remote has: the tag (a published version), and whether the repository is empty.
    const remoteTag = must(["ls-remote", "--tags", url, `refs/tags/${tag}`], work, env, `reading ${url}`);
    must(["init", "-q", "-b", target.branch], work, env, "git init");
    must(["remote", "add", "origin", url], work, env, "git remote add");
    const files = copyInto(moduleDir, work);
    must(["add", "-A"], work, env, "git add");
    const tree = must(["write-tree"], work, env, "git write-tree");
    if (remoteTag !== "") {
      must(
        ["fetch", "-q", "--depth", "1", "origin", `refs/tags/${tag}:refs/tags/${tag}`],
        work,
        env,
        `fetching ${tag}`,
      );
      const published = must(["rev-parse", `refs/tags/${tag}^{tree}`], work, env, "reading the tag");
      if (published === tree) return { url, tag, action: "unchanged", tree, files };
      throw new Error(
        `${url}: tag ${tag} already exists with other contents (tree ${published}, these files are ${tree}); ` +
          "a published version never changes: release a new version",
      );
    }
    // Continue the branch's history when there is one (the registry shows it); an empty repository starts it.
    const head = git(["fetch", "-q", "--depth", "1", "origin", `refs/heads/${target.branch}`], work, env);
    const parent = head.ok ? must(["rev-parse", "FETCH_HEAD"], work, env, "reading the branch") : undefined;
    const commit = must(
      ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", opts.message],
      work,
      env,
      "git commit-tree",
    );
    must(["tag", tag, commit], work, env, "git tag");
    must(
      ["push", "-q", "--atomic", "origin", `${commit}:refs/heads/${target.branch}`, `refs/tags/${tag}`],
      work,
      env,
      `pushing ${target.branch} and ${tag} to ${url}`,
    );
    return { url, tag, action: "pushed", tree, files };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
