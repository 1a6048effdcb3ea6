/**
 * Staging directories for an all-or-nothing synth that several processes may run at once: each run writes to its
 * own `<outdir>.tmp-<pid>-<random>`, swaps it in with renames that tolerate a racing peer, and removes the
 * leftovers of runs that were interrupted (their process is gone).
 */
import * as fs from "fs";
import * as path from "path";

const LEFTOVER = /\.(tmp|old)-(\d+)(-[0-9a-f]+)*$/;
/** Leftovers older than this are removed even if their pid is alive again (pids are reused). */
const STALE_MS = 6 * 60 * 60 * 1000;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Removes `<target>.tmp-*` / `<target>.old-*` siblings left by runs that no longer exist (interrupted synths).
 * Returns the removed paths.
 */
export function removeStaleStaging(target: string): string[] {
  const dir = path.dirname(target);
  const base = path.basename(target);
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of entries) {
    if (!name.startsWith(`${base}.`)) continue;
    const m = LEFTOVER.exec(name.slice(base.length));
    if (!m || name.slice(base.length).indexOf(m[0]) !== 0) continue;
    const p = path.join(dir, name);
    let old = false;
    try {
      old = Date.now() - fs.lstatSync(p).mtimeMs > STALE_MS;
    } catch {
      continue;
    }
    if (alive(Number(m[2])) && !old) continue;
    fs.rmSync(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}

/**
 * 8 random hex digits that, with the pid, keep the names of concurrent runs apart. (Not a secret, so Math.random:
 * loading Node's crypto for it cost every synth several milliseconds.)
 */
function randomHex(): string {
  return Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, "0");
}

/** A fresh staging path for this run, next to the target (same filesystem, so renames are atomic). */
export function stagingPath(target: string): string {
  return `${target}.tmp-${process.pid}-${randomHex()}`;
}

/**
 * Replaces `target` with `staging`. When a concurrent run swaps its own output in between, the rename fails
 * (ENOTEMPTY/EEXIST) or finds no target (ENOENT): move whatever is there aside and try again. The last run to swap
 * wins; every run leaves a complete directory.
 */
export function swapIn(staging: string, target: string): void {
  const asides: string[] = [];
  try {
    for (let attempt = 0; ; attempt++) {
      const aside = `${target}.old-${process.pid}-${randomHex()}`;
      try {
        fs.renameSync(target, aside);
        asides.push(aside);
      } catch (e) {
        if (code(e) !== "ENOENT") throw e;
      }
      try {
        fs.renameSync(staging, target);
        return;
      } catch (e) {
        if (!["ENOTEMPTY", "EEXIST", "ENOTDIR", "EISDIR"].includes(code(e) ?? "") || attempt >= 50) throw e;
      }
    }
  } finally {
    for (const a of asides) fs.rmSync(a, { recursive: true, force: true });
  }
}
