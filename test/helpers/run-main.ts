/** Runs the real app in a child process with the command of `npm run synth` (also `cdktn synth`, cdktf.json). */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { synthArgs } from "../../ops/lib/examples";

export { synthArgs };

const ROOT = path.join(__dirname, "..", "..");

export function runMain(env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, synthArgs(), {
    cwd: ROOT,
    // Environments copied to a temporary directory keep using the repository's identity file.
    env: { ...process.env, BASTIONLESS_IDENTITY_FILE: path.join(ROOT, "config", "identity.yaml"), ...env },
    encoding: "utf8",
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Every file below `dir` with the SHA-256 of its content, to prove a directory was (not) changed. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return out;
}
