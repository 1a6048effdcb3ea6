/**
 * Finding the environment files in a directory, and reading them, without ever throwing a raw `fs` error:
 * editor leftovers are skipped, and every entry that looks like an environment file but cannot be read as one
 * (a directory, a dangling symlink, a FIFO, an unreadable file) is reported by name.
 */
import * as fs from "fs";
import * as path from "path";
import { MAX_CONFIG_BYTES } from "./yaml-source";

/** `<name>.yaml` or `<name>.yml`, any letter case of the extension. */
export const YAML_FILE = /\.ya?ml$/i;

/**
 * Entries that are never environment files, though they may end in .yaml: dotfiles (emacs lock files
 * `.#dev.yaml`, vim swap files, `.dev.yaml`), editor backups and autosaves (`dev.yaml~`, `#dev.yaml#`) and
 * merge leftovers (`dev.yaml.orig`: not .yaml anyway).
 */
export function isIgnoredEntry(name: string): boolean {
  return name.startsWith(".") || name.startsWith("#") || name.endsWith("~") || name.endsWith("#");
}

/** Where the directory came from, for messages: `BASTIONLESS_CONFIG_DIR=/x` or the plain path. */
export interface DirSource {
  readonly dir: string;
  /** The environment variable that named the directory, if any. */
  readonly variable?: string;
}

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function fsReason(e: unknown): string {
  switch (errnoOf(e)) {
    case "ENOENT":
      return "does not exist";
    case "EACCES":
    case "EPERM":
      return "cannot be read (permission denied)";
    case "ELOOP":
      return "is a symbolic link loop";
    case "ENOTDIR":
      return "is not a directory";
    case "EISDIR":
      return "is a directory, not a file";
    default:
      return `cannot be read (${errnoOf(e) ?? (e instanceof Error ? e.message : String(e))})`;
  }
}

/** A path relative to the working directory when it is below it, else absolute. */
export function shownPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === "" ? p : rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(p) : rel;
}

/** `config/environments` or `BASTIONLESS_CONFIG_DIR (/tmp/x)`: how a directory is named in messages. */
export function describeDir(src: DirSource): string {
  const shown = shownPath(src.dir);
  return src.variable ? `${src.variable}=${src.dir}` : shown;
}

/**
 * Lists the environment files of a directory (sorted, paths relative to the working directory when possible).
 * Returns problems instead of throwing for a missing, unreadable or non-directory path.
 */
export function listEnvironmentFiles(src: DirSource): { files: string[]; problems: string[] } {
  const label = describeDir(src);
  if (src.variable && src.dir.trim() === "")
    return {
      files: [],
      problems: [`${src.variable} is set but empty; unset it or name a directory of <name>.yaml files`],
    };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(src.dir);
  } catch (e) {
    const reason = errnoOf(e) === "ENOENT" ? "environment directory does not exist" : fsReason(e);
    return { files: [], problems: [`${label}: ${reason}`] };
  }
  if (!stat.isDirectory())
    return { files: [], problems: [`${label}: is not a directory; it must name a directory of <name>.yaml files`] };
  let entries: string[];
  try {
    entries = fs.readdirSync(src.dir);
  } catch (e) {
    return { files: [], problems: [`${label}: ${fsReason(e)}`] };
  }
  const shown = shownPath(src.dir);
  const files = entries
    .filter((f) => YAML_FILE.test(f) && !isIgnoredEntry(f))
    .sort()
    .map((f) => path.join(shown, f));
  if (files.length === 0)
    return {
      files,
      problems: [
        `${label}: no environment files; add one <name>.yaml per environment (see config/environments in the repository)`,
      ],
    };
  return { files, problems: [] };
}

/** Reads one configuration file's bytes (an environment, ci.yaml, identity.yaml), or says why it is not a readable regular file. */
export function readConfigFile(file: string): { bytes: Buffer } | { problem: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    let link: string | undefined;
    try {
      link = fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : undefined;
    } catch {
      link = undefined;
    }
    if (link !== undefined && errnoOf(e) === "ENOENT")
      return { problem: `is a symbolic link to ${link}, which does not exist; remove the link or restore its target` };
    return { problem: fsReason(e) };
  }
  if (stat.isDirectory()) return { problem: "is a directory, not a YAML file; rename or move it" };
  if (!stat.isFile()) return { problem: "is not a regular file (a FIFO, socket or device); expected a YAML file" };
  if (stat.size > MAX_CONFIG_BYTES)
    return {
      problem: `is ${(stat.size / 1048576).toFixed(1)} MB; an environment file may be at most ${MAX_CONFIG_BYTES / 1048576} MB`,
    };
  try {
    return { bytes: fs.readFileSync(file) };
  } catch (e) {
    return { problem: fsReason(e) };
  }
}
