import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ENV_DIR } from "./helpers/synth";
import { runMain, treeDigest } from "./helpers/run-main";

describe("main (npm run synth)", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bl-main-"));
  const outdir = path.join(work, "cdktf.out");
  let first: ReturnType<typeof runMain>;

  beforeAll(() => {
    first = runMain({ CDKTF_OUTDIR: outdir });
  });

  test("synthesizes every example environment, the identity, the bootstrap and the ci stack, one summary line each", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    for (const stack of ["dev", "staging", "prod", "identity", "bootstrap", "ci"]) {
      expect(fs.existsSync(path.join(outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
      expect(first.stdout).toMatch(new RegExp(`^${stack}: \\d+ resources.* → .*stacks/${stack}$`, "m"));
    }
    // One line per stack, plus one indented line per suppressed guardrail finding (the ci apply roles).
    expect(
      first.stdout
        .trim()
        .split("\n")
        .filter((l) => !l.startsWith("  ")),
    ).toHaveLength(6);
  });

  test("each summary line counts the resource blocks its stack's JSON holds", () => {
    for (const stack of ["dev", "staging", "prod", "identity", "bootstrap", "ci"]) {
      const tf = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
        resource?: Record<string, Record<string, unknown>>;
      };
      const blocks = Object.values(tf.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
      expect(blocks).toBeGreaterThan(0);
      expect(first.stdout).toMatch(new RegExp(`^${stack}: ${blocks} resources[,\\s]`, "m"));
    }
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
    fs.writeFileSync(
      path.join(bad, "prod.yaml"),
      fs.readFileSync(path.join(bad, "prod.yaml"), "utf8").replace("cidr: 10.30.0.0/16", "cidr: 10.30.0.0/33"),
    );
    // WHEN
    const r = runMain({ CDKTF_OUTDIR: outdir, BASTIONLESS_CONFIG_DIR: bad });
    // THEN
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/prod\.yaml: vpcs\[0\]\.cidr: "10\.30\.0\.0\/33" is not an IPv4 CIDR/);
    expect(r.stdout).toBe("");
    expect(treeDigest(outdir)).toEqual(before);
    expect(fs.readdirSync(work)).toEqual(["cdktf.out"]);
  });

  test("suppressed guardrail findings are listed under their stack's summary line with the reason", () => {
    // GIVEN dev with 90-day flow logs (below the 365-day minimum) and a suppression for them
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-suppress-"));
    for (const f of fs.readdirSync(ENV_DIR)) fs.copyFileSync(path.join(ENV_DIR, f), path.join(dir, f));
    const dev = parse(fs.readFileSync(path.join(dir, "dev.yaml"), "utf8")) as Record<string, any>;
    dev.vpcs[0].flowLogRetentionDays = 90;
    // Added to the example's own suppression (BL-SES-003 of its database tunnel).
    dev.guardrails.suppressions.push({
      rule: "BL-LOG-002",
      path: "Network/main/Vpc",
      reason: "Flow logs are archived centrally for 7 years",
    });
    fs.writeFileSync(path.join(dir, "dev.yaml"), stringify(dev));
    // WHEN
    const r = runMain({ CDKTF_OUTDIR: path.join(dir, "out"), BASTIONLESS_CONFIG_DIR: dir });
    // THEN
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dev: \d+ resources, .*, 2 guardrail findings suppressed → /m);
    expect(r.stdout).toMatch(
      /^  suppressed BL-LOG-002 on aws_cloudwatch_log_group\.\S+ \(Network\/main\/Vpc\/FlowLogGroup\): Flow logs are archived centrally for 7 years$/m,
    );
  });
});
