/**
 * Terraform's plugin cache is not safe for concurrent `terraform init` (hashicorp/terraform#31964): `pool` (npm run
 * validate inits two stacks at a time) gives each worker a cache directory of its own below TF_PLUGIN_CACHE_DIR, which
 * the workflows' setup action sets. A fake terraform records the directory and the time of every call.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

test("GIVEN TF_PLUGIN_CACHE_DIR and a pool of two THEN no two overlapping inits share a cache directory; each worker reuses its own", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-plugin-cache-"));
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(
    path.join(dir, "bin", "terraform"),
    `#!/usr/bin/env bash\nstart=$(date +%s%N); sleep 0.3\necho "$TF_PLUGIN_CACHE_DIR $start $(date +%s%N)" >> "${dir}/calls"\n`,
    { mode: 0o755 },
  );
  const saved = { PATH: process.env.PATH, TF_PLUGIN_CACHE_DIR: process.env.TF_PLUGIN_CACHE_DIR };
  process.env.PATH = `${dir}/bin:${process.env.PATH}`;
  process.env.TF_PLUGIN_CACHE_DIR = path.join(dir, "cache");
  let calls: { cache: string; start: number; end: number }[] = [];
  try {
    await jest.isolateModulesAsync(async () => {
      const { pool, terraform } = (await import("../../tools/terraform")) as typeof import("../../tools/terraform");
      await pool([1, 2, 3, 4, 5, 6], 2, () => terraform(["init"], dir));
      await terraform(["version"], dir); // outside a pool: the directory as given
    });
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.TF_PLUGIN_CACHE_DIR === undefined) delete process.env.TF_PLUGIN_CACHE_DIR;
    else process.env.TF_PLUGIN_CACHE_DIR = saved.TF_PLUGIN_CACHE_DIR;
  }
  calls = fs
    .readFileSync(path.join(dir, "calls"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(" "))
    .map(([cache, start, end]) => ({ cache, start: Number(start), end: Number(end) }));
  const pooled = calls.slice(0, 6);
  expect(new Set(pooled.map((c) => c.cache))).toEqual(
    new Set([0, 1].map((i) => path.join(dir, "cache", `worker-${i}`))),
  );
  for (const c of pooled) expect(fs.statSync(c.cache).isDirectory()).toBe(true);
  // The pool did run inits at the same time, and never two in one directory.
  const overlapping = (a: (typeof calls)[number], b: (typeof calls)[number]) => a.start < b.end && b.start < a.end;
  const pairs = pooled.flatMap((a, i) =>
    pooled
      .slice(i + 1)
      .filter((b) => overlapping(a, b))
      .map((b) => [a, b]),
  );
  expect(pairs.length).toBeGreaterThan(0);
  expect(pairs.filter(([a, b]) => a.cache === b.cache)).toEqual([]);
  expect(calls[6].cache).toBe(path.join(dir, "cache"));
});
