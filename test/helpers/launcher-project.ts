/**
 * A tiny project beside a copy of the synth launcher (synth/launcher.js), using the repository's node_modules
 * through a symlink: the launcher tests run it in milliseconds instead of a full synth. The launcher keeps one
 * bundle cache per checkout under the (shared) node_modules, so removing a project removes its cache too.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

/**
 * A fresh temporary folder holding synth/launcher.js (a copy of the launcher) and a node_modules symlink.
 */
export function launcherProject(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, "synth"));
  fs.copyFileSync(path.join(ROOT, "synth", "launcher.js"), path.join(dir, "synth", "launcher.js"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** The launcher's bundle cache for the project in `dir` (named as synth/launcher.js names it). */
export function launcherCacheDir(dir: string): string {
  return path.join(ROOT, "node_modules", ".cache", "bastionless-synth", dir.replace(/[^A-Za-z0-9]+/g, "-"));
}

/** Removes a project made by launcherProject and its bundle cache. */
export function removeLauncherProject(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(launcherCacheDir(dir), { recursive: true, force: true });
}
