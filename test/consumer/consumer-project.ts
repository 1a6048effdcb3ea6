/**
 * A consumer project of the npm package, built the way the README tells a user to: the packed tarball plus the
 * documented peer set in package.json, `npm install`, the README's example as main.ts, the cdktn project template's
 * tsconfig.json. Used by npm-consumer.integ.ts (slow: it installs the provider bindings from the npm cache).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.join(__dirname, "..", "..");
/** The tsconfig.json that `cdktn init --template=typescript` writes (module CommonJS, node10 resolution). */
export const TEMPLATE_TSCONFIG = path.join(
  ROOT,
  "node_modules",
  "cdktn-cli",
  "bundle",
  "templates",
  "typescript",
  "tsconfig.json",
);
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

export type Deps = Record<string, string>;
export interface Run {
  readonly status: number | null;
  /** stdout and stderr */
  readonly out: string;
  readonly stdout: string;
}

/** npm without the npm_* variables of the `npm run` that started the tests (they would act as npm config). */
export function npm(args: string[], cwd: string): Run {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const r = spawnSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: { ...env, npm_config_loglevel: "error", npm_config_update_notifier: "false" },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

export function node(args: string[], cwd: string): Run {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|CDKTF_)/i.test(k)));
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", env });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

export const tsc = (project: string, cwd: string): Run => node([TSC, "-p", project], cwd);

/** `npm pack` of this repository (runs prepack: the build) into `dir`; returns the tarball's path. */
export function pack(dir: string): string {
  const r = npm(["pack", "--json", "--pack-destination", dir], ROOT);
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.out}`);
  const [packed] = JSON.parse(r.stdout) as { filename: string }[];
  return path.join(dir, packed.filename);
}

/** The README section "Using the constructs (npm)": its package.json block and its TypeScript example. */
export function readmeNpmSection(): { packageJson: { dependencies: Deps; overrides: object }; example: string } {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("## Using the constructs (npm)");
  if (start < 0) throw new Error("README.md has no section 'Using the constructs (npm)'");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const block = (lang: string) => {
    const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)\\n```").exec(section);
    if (!m) throw new Error(`README npm section has no \`\`\`${lang} block`);
    return m[1];
  };
  return { packageJson: JSON.parse(block("json")) as never, example: `${block("ts")}\n` };
}

/** The peer dependency ranges the package declares, and the versions it is developed (and pinned) with. */
export function declaredPeers(): { ranges: Deps; pinned: Deps } {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<string, Deps>;
  const ranges = pkg.peerDependencies;
  const pinned = Object.fromEntries(Object.keys(ranges).map((name) => [name, pkg.devDependencies[name]]));
  return { ranges, pinned };
}

/** The newest published version inside a peer range (`npm:cdktn@^0.24.0` → `npm:cdktn@0.24.x`), from the registry. */
export function newestInRange(name: string, range: string): string {
  const alias = /^npm:(.+)@([^@]+)$/.exec(range);
  const [pkg, r] = alias ? [alias[1], alias[2]] : [name, range];
  const v = npm(["view", `${pkg}@${r}`, "version", "--json"], ROOT);
  if (v.status !== 0) throw new Error(`npm view ${pkg}@${r} failed:\n${v.out}`);
  const versions = JSON.parse(v.stdout) as string | string[];
  const newest = Array.isArray(versions) ? versions[versions.length - 1] : versions;
  return alias ? `npm:${pkg}@${newest}` : newest;
}

/** A fresh project directory with this package.json (README's shape) and the template tsconfig. */
export function createProject(dir: string, dependencies: Deps, overrides?: object): string {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = { name: "consumer", version: "1.0.0", private: true, dependencies, ...(overrides ? { overrides } : {}) };
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  fs.copyFileSync(TEMPLATE_TSCONFIG, path.join(dir, "tsconfig.json"));
  return dir;
}

/** npm install from the local cache where it can (the registry otherwise). `lockOnly`: resolve without extracting. */
export function install(dir: string, lockOnly = false): Run {
  const args = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"];
  return npm(lockOnly ? [...args, "--package-lock-only"] : args, dir);
}

/** Every installed copy of a package (by its package.json name) under `dir`/node_modules, as paths. */
export function installedCopies(dir: string, name: string): string[] {
  const found: string[] = [];
  const walk = (nm: string) => {
    if (!fs.existsSync(nm)) return;
    for (const entry of fs.readdirSync(nm)) {
      if (entry.startsWith(".")) continue;
      const dirs = entry.startsWith("@")
        ? fs.readdirSync(path.join(nm, entry)).map((e) => path.join(entry, e))
        : [entry];
      for (const d of dirs) {
        const manifest = path.join(nm, d, "package.json");
        if (
          fs.existsSync(manifest) &&
          (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === name
        )
          found.push(path.relative(dir, path.join(nm, d)));
        walk(path.join(nm, d, "node_modules"));
      }
    }
  };
  walk(path.join(dir, "node_modules"));
  return found.sort();
}
