/** The npm package: what `npm pack` ships, and that a consumer can use it through its exports. */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const npm = (args: string[]) =>
  execFileSync("npm", args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "error" } });

describe("npm package", () => {
  let files: string[];
  beforeAll(() => {
    npm(["run", "--silent", "build"]);
    const [packed] = JSON.parse(npm(["pack", "--dry-run", "--json", "--ignore-scripts"])) as {
      files: { path: string }[];
    }[];
    files = packed.files.map((f) => f.path).sort();
  }, 60_000);

  test("ships the compiled library with declarations, the docs, the changelog and the licence", () => {
    for (const f of [
      "package.json",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "docs/guardrails.md",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/modules/network-endpoints/index.js",
      "dist/modules/network-endpoints/index.d.ts",
      "dist/modules/guardrails/rules/bl-net-001-open-ingress.js",
      "dist/stacks/index.d.ts",
      "dist/loader/index.d.ts",
      "config/environment.schema.json",
    ]) {
      expect(files).toContain(f);
    }
  });

  test("ships the bastionless command: the bin is a shipped script with a node shebang that runs from the build", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ bastionless: "dist/cli/bin.js" });
    expect(files).toEqual(expect.arrayContaining(["dist/cli/bin.js", "dist/cli/program.js", "dist/cli/access.js"]));
    expect(fs.readFileSync(path.join(ROOT, "dist/cli/bin.js"), "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    const help = spawnSync(process.execPath, [path.join(ROOT, "dist/cli/bin.js"), "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: bastionless \[options\] \[command\]/);
    for (const command of ["connect", "forward", "ssh-config", "can-i"]) expect(help.stdout).toContain(`  ${command} `);
    // its runtime dependencies are the package's own, pinned
    const deps = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<string, Record<string, string>>
    ).dependencies;
    for (const name of [
      "@aws-sdk/client-ec2",
      "@aws-sdk/client-ssm",
      "@aws-sdk/credential-providers",
      "commander",
      "@inquirer/prompts",
    ])
      expect(deps[name]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("ships no tests, fixtures, scripts, sources, synth output, state or generated Terraform modules", () => {
    const unwanted = files.filter(
      (f) =>
        /^(test|scripts|bench|cdktf\.out|state|terraform|\.github|\.ci|node_modules)\//.test(f) ||
        (f.startsWith("config/") && f !== "config/environment.schema.json") ||
        f.startsWith("dist/terraform-modules/") ||
        (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
        /(^|\/)(jest\.config|eslint\.config|cdktf\.json|tsconfig)/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  test("the published code never depends on the AGPL IAM engine, which stays a devDependency", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<
      string,
      Record<string, string>
    >;
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"])
      expect(Object.keys(pkg[field] ?? {})).not.toContain("@cloud-copilot/iam-simulate");
    expect(pkg.devDependencies["@cloud-copilot/iam-simulate"]).toBeDefined();
    const offenders = files.filter(
      (f) => f.endsWith(".js") && fs.readFileSync(path.join(ROOT, f), "utf8").includes("@cloud-copilot"),
    );
    expect(offenders).toEqual([]);
  });

  test("peer dependencies are ranges around the pinned development versions (test:consumer installs the pinned and the newest in range)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<
      string,
      Record<string, string>
    >;
    // cdktn under the cdktf name (0.24.x), AWS provider 5.x bindings, and cdktn's own constructs bound
    expect(pkg.peerDependencies).toEqual({
      "@cdktf/provider-aws": "^20.1.0",
      cdktf: "npm:cdktn@^0.24.0",
      constructs: ">=10.7.2 <10.8.0",
    });
    expect(pkg.devDependencies["@cdktf/provider-aws"]).toBe("20.1.0");
    expect(pkg.devDependencies.cdktf).toBe("npm:cdktn@0.24.0");
    expect(pkg.devDependencies.constructs).toBe("10.7.2");
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(fs.readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8")).toContain(`## [${pkg.version}]`);
  });

  test("every subpath export has a typesVersions entry to the same declarations (node10 resolution ignores exports)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      exports: Record<string, string | { types: string }>;
      typesVersions: Record<string, Record<string, string[]>>;
    };
    const mapped = pkg.typesVersions["*"];
    const expected = Object.fromEntries(
      Object.entries(pkg.exports)
        .filter(([subpath]) => subpath !== "." && subpath !== "./package.json")
        .map(([subpath, target]) => [
          subpath.replace(/^\.\//, ""),
          [(typeof target === "string" ? target : target.types).replace(/^\.\//, "")],
        ]),
    );
    expect(mapped).toEqual(expected);
    // every declared target ships (a pattern is checked through one module)
    for (const [, [target]] of Object.entries(mapped))
      expect(files).toContain(target.replace("modules/*/", "modules/network-endpoints/"));
  });

  test("the README's install instructions name this version's tarball and tag", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Using the constructs (npm)"));
    expect(section).toContain(`--branch v${pkg.version} `);
    expect(section).toContain(`bastionless-${pkg.version}.tgz`);
    expect(section).not.toMatch(/npm install bastionless\b/);
  });

  test("a consumer imports the package root and a module subpath, with types, and synthesizes a stack", () => {
    // GIVEN a project that depends on the package (linked, as npm install would place it)
    const consumer = fs.mkdtempSync(path.join(os.tmpdir(), "bl-consumer-"));
    fs.mkdirSync(path.join(consumer, "node_modules"));
    fs.symlinkSync(ROOT, path.join(consumer, "node_modules", "bastionless"));
    fs.writeFileSync(
      path.join(consumer, "app.js"),
      `
      const { App, TerraformStack } = require("cdktf");
      const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
      const { SessionManagerEndpoints, requiredServices } = require("bastionless/modules/network-endpoints");
      const { enableGuardrails, EnvironmentStack, loadEnvironments } = require("bastionless");
      const app = new App({ outdir: process.argv[2] });
      const stack = new TerraformStack(app, "mine");
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      new SessionManagerEndpoints(stack, "Endpoints", {
        network: { vpcId: "vpc-1", cidr: "10.0.0.0/16", subnets: [{ id: "subnet-1", availabilityZone: "eu-west-1a" }], routeTableIds: ["rtb-1"] },
        region: "eu-west-1", namePrefix: "mine", services: requiredServices({ legacyAgentSupport: false, cloudWatchLogging: true, kmsEncryption: true }),
        clients: { cidrs: ["10.0.0.0/16"] }, s3Gateway: { mode: "create-full-access" },
      });
      enableGuardrails(stack);
      const [dev] = loadEnvironments(${JSON.stringify(path.join(ROOT, "config", "environments"))}).filter((e) => e.config.name === "dev");
      new EnvironmentStack(app, "dev", { config: dev.config });
      app.synth();
    `,
    );
    const out = path.join(consumer, "out");
    // WHEN
    const r = spawnSync(process.execPath, ["app.js", out], {
      cwd: consumer,
      encoding: "utf8",
      env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
    });
    // THEN
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const mine = JSON.parse(fs.readFileSync(path.join(out, "stacks", "mine", "cdk.tf.json"), "utf8")) as {
      resource: Record<string, object>;
    };
    expect(Object.keys(mine.resource.aws_vpc_endpoint)).toHaveLength(5);
    expect(fs.existsSync(path.join(out, "stacks", "dev", "cdk.tf.json"))).toBe(true);
    expect(
      fs.readFileSync(path.join(ROOT, "dist", "modules", "network-endpoints", "session-endpoints.d.ts"), "utf8"),
    ).toContain("export declare class SessionManagerEndpoints");
  });
});
