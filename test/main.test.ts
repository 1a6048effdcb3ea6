import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENV_DIR } from "./helpers/synth";
import { runMain, treeDigest } from "./helpers/run-main";

describe("main (npm run synth)", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bl-main-"));
  const outdir = path.join(work, "cdktf.out");
  let first: ReturnType<typeof runMain>;

  beforeAll(() => {
    first = runMain({ CDKTF_OUTDIR: outdir });
  });

  test("synthesizes every example environment and the bootstrap stack, one summary line each", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    for (const stack of ["dev", "staging", "prod", "bootstrap"]) {
      expect(fs.existsSync(path.join(outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
      expect(first.stdout).toMatch(new RegExp(`^${stack}: \\d+ resources.* → .*stacks/${stack}$`, "m"));
    }
    expect(first.stdout.trim().split("\n")).toHaveLength(4);
  });

  test("a second synth is byte-identical", () => {
    const before = treeDigest(outdir);
    const second = runMain({ CDKTF_OUTDIR: outdir });
    expect(second.code).toBe(0);
    expect(treeDigest(outdir)).toEqual(before);
  });

  test("bad input exits non-zero, names file and field, and leaves cdktf.out as it was", () => {
    // GIVEN a previous synth and a broken environment file
    const before = treeDigest(outdir);
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), "bl-bad-"));
    for (const f of fs.readdirSync(ENV_DIR)) fs.copyFileSync(path.join(ENV_DIR, f), path.join(bad, f));
    fs.writeFileSync(path.join(bad, "prod.yaml"), fs.readFileSync(path.join(bad, "prod.yaml"), "utf8").replace("cidr: 10.30.0.0/16", "cidr: 10.30.0.0/33"));
    // WHEN
    const r = runMain({ CDKTF_OUTDIR: outdir, BASTIONLESS_CONFIG_DIR: bad });
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/prod\.yaml: vpcs\[0\]\.cidr: "10\.30\.0\.0\/33" is not an IPv4 CIDR/);
    expect(r.stdout).toBe("");
    expect(treeDigest(outdir)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(["cdktf.out"]);
  });
});
