/**
 * `npm run bench:config`: config load time against file size. Loads one environment file of growing size (the
 * example dev.yaml with N tags, N doubling; rejected by the tag budget, which is the slow path a large file takes)
 * and prints the time per KB of each size as a ratio to the smallest: a linear loader keeps every ratio near 1.
 * Floor: no ratio above 2 (a quadratic step would double the ratio with every doubling of the file).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, loadEnvironments } from "../loader/load";
import { ENV_DIR } from "../ops/lib/examples";

const RUNS = 5;
const FLOOR = 2;
const SIZES = [2000, 4000, 8000, 16000, 32000, 64000];

const work = fs.mkdtempSync(path.join(os.tmpdir(), "bl-bench-config-"));
try {
  const base = fs.readFileSync(path.join(ENV_DIR, "dev.yaml"), "utf8");
  const rows: { tags: number; kb: number; ms: number }[] = [];
  for (const n of SIZES) {
    const dir = path.join(work, String(n));
    fs.mkdirSync(dir);
    const tags = Array.from({ length: n }, (_, i) => `  Tag${i}: value-${i}`).join("\n");
    const text = base.replace("tags:\n  CostCenter: platform", `tags:\n  CostCenter: platform\n${tags}`);
    fs.writeFileSync(path.join(dir, "dev.yaml"), text);
    const times: number[] = [];
    for (let r = 0; r < RUNS + 1; r++) {
      const start = process.hrtime.bigint();
      try {
        loadEnvironments(dir);
        throw new Error("expected the tag budget to reject the file");
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
      }
      if (r > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const ms = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    rows.push({ tags: n, kb: Buffer.byteLength(text) / 1024, ms });
  }
  const perKb = rows[0].ms / rows[0].kb;
  console.log(`config load (median of ${RUNS}); ratio = time per KB / time per KB of the smallest file`);
  let worst = 0;
  for (const r of rows) {
    const ratio = r.ms / r.kb / perKb;
    worst = Math.max(worst, ratio);
    console.log(
      `${String(r.tags).padStart(6)} tags ${r.kb.toFixed(0).padStart(6)} KB ${r.ms.toFixed(1).padStart(8)} ms ${ratio.toFixed(2).padStart(6)}x`,
    );
  }
  console.log(
    `floor: every ratio ≤ ${FLOOR} (linear): ${worst <= FLOOR ? "met" : "NOT met"} (worst ${worst.toFixed(2)}x)`,
  );
  if (worst > FLOOR) process.exitCode = 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
