/** Time-bound access end to end: `npm run synth` refuses an environment whose grant has expired (now injected). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { runMain, treeDigest } from "../helpers/run-main";
import { ENV_DIR } from "../helpers/synth";

const EXPIRY = "2026-12-31T18:00:00Z";

describe("synth-time expiry checks through the CLI", () => {
  test("GIVEN an expired grant WHEN npm run synth runs THEN it exits non-zero, names file and field, writes nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-expired-"));
    for (const f of fs.readdirSync(ENV_DIR)) fs.copyFileSync(path.join(ENV_DIR, f), path.join(dir, f));
    const dev = parse(fs.readFileSync(path.join(dir, "dev.yaml"), "utf8")) as { accessGroups: { expires?: string }[] };
    dev.accessGroups[0].expires = EXPIRY;
    fs.writeFileSync(path.join(dir, "dev.yaml"), stringify(dev));
    const outdir = path.join(dir, "cdktf.out");
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, "previous.txt"), "kept");
    const before = treeDigest(outdir);
    const r = runMain({ CDKTF_OUTDIR: outdir, BASTIONLESS_CONFIG_DIR: dir, BASTIONLESS_NOW: "2027-01-01T00:00:00Z" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/dev\.yaml: accessGroups\[0\]\.expires: "2026-12-31T18:00:00Z" has passed/);
    expect(treeDigest(outdir)).toEqual(before);
  });
});
