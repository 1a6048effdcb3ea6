/**
 * synth/launcher.js, the main job's fast path (`npm run synth`, `cdktn synth`): it runs main.ts as one cached
 * esbuild bundle, and must never run stale code. Exercised on a tiny project (a main.ts and a module) beside a copy
 * of the launcher, so each run costs milliseconds instead of a full synth.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { launcherProject, removeLauncherProject } from "../helpers/launcher-project";
import { treeDigest } from "../helpers/run-main";

const ROOT = path.join(__dirname, "..", "..");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  rebuilt: boolean;
}

function project(): string {
  const dir = launcherProject("bl-launcher-");
  fs.mkdirSync(path.join(dir, "lib"));
  fs.writeFileSync(
    path.join(dir, "main.ts"),
    'import * as fs from "fs";\nimport * as path from "path";\nimport { greeting } from "./lib/greet";\n' +
      'const name: string = fs.readFileSync(path.join(__dirname, "name.txt"), "utf8").trim();\n' +
      "console.log(greeting(name));\n",
  );
  fs.writeFileSync(path.join(dir, "name.txt"), "world\n");
  writeKeepingStat(path.join(dir, "lib", "greet.ts"), "export const greeting = (n: string): string => `hello ${n}`;\n");
  return dir;
}

const STAMP = new Date("2026-01-01T00:00:00Z");
/** Writes `text` and gives the file a fixed mtime, so only its content can tell an edit apart. */
function writeKeepingStat(file: string, text: string): void {
  fs.writeFileSync(file, text);
  fs.utimesSync(file, STAMP, STAMP);
}

function run(dir: string): Run {
  const r = spawnSync(process.execPath, [path.join(dir, "synth", "launcher.js")], {
    cwd: dir,
    env: { ...process.env, BASTIONLESS_SYNTH_DEBUG: "1" },
    encoding: "utf8",
  });
  return { code: r.status ?? 1, stdout: r.stdout.trim(), stderr: r.stderr, rebuilt: r.stderr.includes("rebuilding") };
}

describe("the synth launcher (synth/launcher.js)", () => {
  let dir: string;
  beforeEach(() => {
    dir = project();
  });
  afterEach(() => removeLauncherProject(dir));

  test("GIVEN a fresh checkout WHEN synth runs again, also after a touch THEN the first builds the bundle, the rest reuse it", () => {
    // (main.ts reads name.txt beside itself through __dirname: the bundle keeps each source file's own folder)
    expect(run(dir)).toMatchObject({ code: 0, stdout: "hello world", rebuilt: true });
    const second = run(dir);
    expect(second).toMatchObject({ code: 0, stdout: "hello world", rebuilt: false });
    expect(second.stderr).toContain("reusing");
    const now = new Date();
    fs.utimesSync(path.join(dir, "lib", "greet.ts"), now, now); // content decides, not the mtime
    expect(run(dir)).toMatchObject({ code: 0, stdout: "hello world", rebuilt: false });
  });

  test("GIVEN a cached bundle WHEN an imported file is edited to the same size and mtime THEN the edit runs", () => {
    expect(run(dir).stdout).toBe("hello world");
    writeKeepingStat(
      path.join(dir, "lib", "greet.ts"),
      "export const greeting = (n: string): string => `howdy ${n}`;\n",
    );
    const after = run(dir);
    expect(after).toMatchObject({ code: 0, stdout: "howdy world", rebuilt: true });
    expect(after.stderr).toContain(`lib${path.sep}greet.ts changed`);
  });

  test("GIVEN a cached bundle WHEN a file is added beside an imported one THEN the bundle is rebuilt", () => {
    // (a new file can change what an import resolves to, e.g. greet.ts → greet/index.ts)
    expect(run(dir).rebuilt).toBe(true);
    fs.writeFileSync(path.join(dir, "lib", "other.ts"), "export {};\n");
    const after = run(dir);
    expect(after).toMatchObject({ code: 0, stdout: "hello world", rebuilt: true });
  });

  test("GIVEN a syntax error in an imported file THEN synth fails naming the file and line, without a stack trace", () => {
    expect(run(dir).code).toBe(0);
    writeKeepingStat(
      path.join(dir, "lib", "greet.ts"),
      "export const greeting = (n: string): string => `hi ${n}`\n}\n",
    );
    const r = run(dir);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("synth failed; nothing was written");
    expect(r.stderr).toMatch(/lib\/greet\.ts:2:0/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // and the next run after the fix works again
    writeKeepingStat(path.join(dir, "lib", "greet.ts"), "export const greeting = (n: string): string => `hey ${n}`;\n");
    expect(run(dir)).toMatchObject({ code: 0, stdout: "hey world" });
  });

  test("GIVEN an aspect of the app's own that changes a rule after the guardrails read it THEN the bundle writes the change", () => {
    // (the bundle runs the core as published: an aspect that runs after the guardrails changes what is written)
    const from = (p: string) => JSON.stringify(path.join(ROOT, p));
    const main = (rename: boolean) =>
      fs.writeFileSync(
        path.join(dir, "main.ts"),
        `import { Aspects, TerraformStack, type Construct, type IConstruct } from ${from("modules/core/cdktf")};
import { AwsProvider, VpcSecurityGroupIngressRule } from ${from("modules/core/aws")};
import { enableGuardrails } from ${from("modules/guardrails")};
import { runStackSynth } from ${from("synth/synth")};
void runStackSynth(
  () => ({ environments: [] }),
  () => [{ name: "s", create: (app: Construct) => {
    const stack = new TerraformStack(app, "s");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new VpcSecurityGroupIngressRule(stack, "Https", { securityGroupId: "sg-0123456789abcdef0", ipProtocol: "tcp",
      fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16", description: "HTTPS from the VPC" });
    enableGuardrails(stack);
    if (${rename}) Aspects.of(stack).add({ visit: (n: IConstruct) => void (n instanceof VpcSecurityGroupIngressRule && (n.cidrIpv4 = "10.1.0.0/16")) });
  } }],
);
`,
      );
    const cidrs = () => {
      const tf = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "s", "cdk.tf.json"), "utf8")) as {
        resource: { aws_vpc_security_group_ingress_rule: Record<string, { cidr_ipv4: string }> };
      };
      return Object.values(tf.resource.aws_vpc_security_group_ingress_rule).map((r) => r.cidr_ipv4);
    };
    main(false);
    expect(run(dir)).toMatchObject({ code: 0, stderr: expect.not.stringContaining("failed") });
    expect(cidrs()).toEqual(["10.0.0.0/16"]);
    main(true);
    expect(run(dir).code).toBe(0);
    expect(cidrs()).toEqual(["10.1.0.0/16"]);
  });

  test("GIVEN a reformatted core (the same code, other text, as a patch release may ship it) THEN the synth writes byte for byte the same", () => {
    // the project's own node_modules: the repository's packages, but a copy of the core reformatted by prettier
    fs.writeFileSync(
      path.join(dir, "main.ts"),
      `import { App, Fn, TerraformLocal, TerraformOutput, TerraformStack } from "cdktf";
const app = new App({ outdir: "cdktf.out" });
const stack = new TerraformStack(app, "s");
const names = new TerraformLocal(stack, "names", ["a", "b"]);
new TerraformOutput(stack, "joined", { value: Fn.join(",", names.asList) });
stack.addOverride("terraform.required_version", ">= 1.10.0");
app.synth();
`,
    );
    const written = () => fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "s", "cdk.tf.json"), "utf8");
    expect(run(dir)).toMatchObject({ code: 0 });
    const before = written();
    const modules = path.join(dir, "node_modules");
    fs.rmSync(modules);
    fs.mkdirSync(modules);
    for (const name of fs.readdirSync(path.join(ROOT, "node_modules")))
      if (name !== "cdktf" && name !== ".cache")
        fs.symlinkSync(path.join(ROOT, "node_modules", name), path.join(modules, name), "dir");
    fs.cpSync(path.join(ROOT, "node_modules", "cdktf"), path.join(modules, "cdktf"), { recursive: true });
    const stackFile = path.join(modules, "cdktf", "lib", "terraform-stack.js");
    const original = fs.readFileSync(stackFile, "utf8");
    const format = spawnSync(
      process.execPath,
      [
        path.join(ROOT, "node_modules", "prettier", "bin", "prettier.cjs"),
        "--stdin-filepath",
        "terraform-stack.js",
        "--print-width",
        "60",
        "--tab-width",
        "4",
      ],
      { input: original, encoding: "utf8" },
    );
    expect(format.status).toBe(0);
    expect(format.stdout).not.toBe(original); // really another text
    fs.writeFileSync(stackFile, format.stdout);
    const r = run(dir);
    expect(r).toMatchObject({ code: 0 });
    expect(written()).toBe(before);
  });
});

describe("the main job's command", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { app: string };

  test("GIVEN cdktf.json THEN `cdktn synth` runs exactly what `npm run synth` runs: the launcher, not the .ts loader", () => {
    expect(cdktfJson.app).toBe(pkg.scripts.synth);
    expect(pkg.scripts.synth).toMatch(/^node .*synth\/launcher\.js$/);
    expect(pkg.scripts.synth).not.toContain("swc-register");
  });

  test("GIVEN the example environments WHEN the launcher (the bundle) and the .ts loader synthesize them THEN every file is byte for byte the same, and the summary", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bl-same-"));
    try {
      const synth = (name: string, args: string[]) => {
        const r = spawnSync(process.execPath, args, {
          cwd: ROOT,
          env: { ...process.env, CDKTF_OUTDIR: path.join(out, name) },
          encoding: "utf8",
        });
        expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
        return { tree: treeDigest(path.join(out, name)), summary: r.stdout.replaceAll(`/${name}/`, "/OUT/") };
      };
      const [cmd, ...args] = pkg.scripts.synth.split(/\s+/);
      expect(cmd).toBe("node");
      const bundled = synth("bundle", args);
      const loader = synth("loader", ["-r", path.join(ROOT, "tools", "swc-register.js"), path.join(ROOT, "main.ts")]);
      expect(Object.keys(bundled.tree)).toContain("stacks/prod/cdk.tf.json"); // the comparison covers the stacks
      expect(bundled).toEqual(loader);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
