/**
 * What each side loads: the `bastionless` command never loads cdktf, the provider bindings or the IAM engine (it
 * starts fast and the package's runtime dependencies suffice), and the library the synth runs (index.ts, main.ts's
 * imports) never loads the command's AWS SDK, argument or prompt libraries.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

/** The node_modules packages a fresh node process has loaded after requiring `entry` (through the .ts hook). */
function packagesLoadedBy(entry: string): string[] {
  const script = `
    require(${JSON.stringify(path.join(ROOT, entry))});
    const names = new Set();
    for (const f of Object.keys(require.cache)) {
      const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(f.slice(f.lastIndexOf("node_modules/" )));
      if (m) names.add(m[1]);
    }
    process.stdout.write(JSON.stringify([...names].sort()));`;
  const r = spawnSync(process.execPath, ["-r", path.join(ROOT, "tools", "swc-register.js"), "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[];
}

jest.setTimeout(120_000);

test("the command loads the AWS SDK and commander, and no cdktf, provider bindings, constructs or IAM engine", () => {
  const loaded = packagesLoadedBy("cli/program.ts");
  expect(loaded).toEqual(
    expect.arrayContaining(["@aws-sdk/client-ec2", "@aws-sdk/client-ssm", "commander", "zod", "yaml"]),
  );
  expect(loaded.filter((p) => /^(cdktf|cdktn|@cdktf\/|@cdktn\/|constructs$|@cloud-copilot\/)/.test(p))).toEqual([]);
  // the prompt library is loaded only when a question is asked in a terminal
  expect(loaded.filter((p) => p.startsWith("@inquirer/"))).toEqual([]);
});

test("the library the synth runs loads none of the command's dependencies", () => {
  const loaded = packagesLoadedBy("index.ts");
  expect(loaded).toEqual(expect.arrayContaining(["cdktf"]));
  expect(loaded.filter((p) => /^(@aws-sdk\/|@smithy\/|commander$|@inquirer\/)/.test(p))).toEqual([]);
});
