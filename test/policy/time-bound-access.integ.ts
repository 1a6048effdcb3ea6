/**
 * Time-bound access end to end: an expired grant never blocks unrelated work. `npm run synth` warns about it, naming
 * file, field and date (its policy has denied it since), and writes every stack (now injected).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { runMain } from "../helpers/run-main";
import { ENV_DIR } from "../helpers/synth";

const EXPIRY = "2026-12-31T18:00:00Z";

describe("synth-time expiry checks through the CLI", () => {
  test("GIVEN an expired grant WHEN npm run synth runs THEN it warns, names file and field, and writes every stack", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-expired-"));
    for (const f of fs.readdirSync(ENV_DIR)) fs.copyFileSync(path.join(ENV_DIR, f), path.join(dir, f));
    const dev = parse(fs.readFileSync(path.join(dir, "dev.yaml"), "utf8")) as { accessGroups: { expires?: string }[] };
    dev.accessGroups[0].expires = EXPIRY;
    fs.writeFileSync(path.join(dir, "dev.yaml"), stringify(dev));
    const outdir = path.join(dir, "cdktf.out");
    const r = runMain({ CDKTF_OUTDIR: outdir, BASTIONLESS_CONFIG_DIR: dir, BASTIONLESS_NOW: "2027-01-01T00:00:00Z" });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: .*dev\.yaml: accessGroups\[0\]\.expires: "2026-12-31T18:00:00Z" has passed \(now 2027-01-01T00:00:00\.000Z\); access group platform-shell grants nothing since/m,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    for (const stack of ["dev", "staging", "prod"])
      expect(fs.existsSync(path.join(outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
