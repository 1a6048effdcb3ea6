/**
 * The npm package as a consumer gets it: `npm pack`, then a project with the README's package.json (the documented
 * peer set and override) installs the tarball, compiles the README's example under the cdktn project template's
 * tsconfig (CommonJS, node10 resolution) and under node16 resolution, and synthesizes it.
 * Slow (it extracts ~360 MB of provider bindings from the npm cache), so not in `npm test`: `npm run test:consumer`,
 * which `npm run validate` (and so CI) runs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  createProject,
  declaredPeers,
  install,
  installedCopies,
  newestInRange,
  node,
  pack,
  readmeNpmSection,
  tsc,
  type Deps,
} from "./consumer-project";

jest.setTimeout(15 * 60_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "bl-consumer-"));
const readme = readmeNpmSection();
const { ranges, pinned } = declaredPeers();
const newest: Deps = Object.fromEntries(Object.entries(ranges).map(([name, r]) => [name, newestInRange(name, r)]));
const same = JSON.stringify(newest) === JSON.stringify(pinned);
/** The peer sets to install: the pinned versions, and the newest inside each declared range when they differ. */
const peerSets: [string, Deps][] = same
  ? [["pinned = newest in range", pinned]]
  : [
      ["pinned", pinned],
      ["newest in range", newest],
    ];
let tarball = "";

beforeAll(() => {
  tarball = pack(work);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The README's package.json, with the tarball it tells the user to build and the given peer versions. */
function consumerDeps(peers: Deps): Deps {
  const deps = { ...readme.packageJson.dependencies, ...peers };
  deps.bastionless = `file:${tarball}`;
  return deps;
}

describe("what npm resolves for a consumer", () => {
  test("the README's peer set is exactly the pinned development set, with the provider bindings' override", () => {
    const { bastionless, ...documented } = readme.packageJson.dependencies;
    expect(bastionless).toMatch(/^file:.*bastionless-\d+\.\d+\.\d+\.tgz$/);
    expect(documented).toEqual(pinned);
    expect(readme.packageJson.overrides).toEqual({ "@cdktf/provider-aws": { cdktf: "$cdktf" } });
  });

  test("GIVEN the README's package.json WHEN npm resolves it THEN there is no conflict and one copy of the core", () => {
    const dir = createProject(path.join(work, "resolve-readme"), consumerDeps(pinned), readme.packageJson.overrides);
    const r = install(dir, true);
    expect(r.out).not.toMatch(/ERESOLVE|npm error/);
    expect(r.status).toBe(0);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")) as {
      packages: Record<string, { name?: string; version?: string }>;
    };
    const cores = Object.entries(lock.packages).filter(
      ([key, p]) => p.name === "cdktn" || /node_modules\/cdktn$/.test(key),
    );
    expect(cores.map(([key]) => key)).toEqual(["node_modules/cdktf"]);
    expect(
      Object.keys(lock.packages).filter((k) => /node_modules\/.+\/node_modules\/(cdktf|constructs)$/.test(k)),
    ).toEqual([]);
  });

  test("fails: a project on HashiCorp's cdktf 0.21 gets ERESOLVE naming bastionless's cdktn peer", () => {
    const dir = createProject(path.join(work, "resolve-cdktf021"), {
      bastionless: `file:${tarball}`,
      cdktf: "0.21.0",
      constructs: "10.4.2",
      "@cdktf/provider-aws": "20.1.0",
    });
    const r = install(dir, true);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("ERESOLVE");
    expect(r.out).toContain(`peer cdktf@"${ranges.cdktf}" from bastionless@`);
  });

  test("fails: without the README's override, the provider bindings' cdktf@^0.21.0 peer conflicts with cdktn", () => {
    const dir = createProject(path.join(work, "resolve-no-override"), consumerDeps(pinned));
    const r = install(dir, true);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("ERESOLVE");
    expect(r.out).toMatch(/peer cdktf@"\^0\.21\.0" from @cdktf\/provider-aws@/);
  });
});

describe.each(peerSets)("a consumer project on the %s peer versions", (_label, peers) => {
  let dir = "";
  beforeAll(() => {
    dir = createProject(
      path.join(work, `project-${_label.replace(/\W+/g, "-")}`),
      consumerDeps(peers),
      readme.packageJson.overrides,
    );
    fs.writeFileSync(path.join(dir, "main.ts"), readme.example);
    fs.writeFileSync(
      path.join(dir, "schema.ts"),
      [
        'import * as schema from "bastionless/environment.schema.json";',
        "export const title: string = schema.title;",
        "",
      ].join("\n"),
    );
    fs.writeFileSync(
      path.join(dir, "tsconfig.node16.json"),
      JSON.stringify({
        extends: "./tsconfig.json",
        compilerOptions: { module: "node16", moduleResolution: "node16", noEmit: true, incremental: false },
      }),
    );
    const r = install(dir);
    if (r.status !== 0) throw new Error(`npm install failed:\n${r.out}`);
  });

  test("installs the requested peers and exactly one copy of the core (cdktn under the cdktf name)", () => {
    const version = (p: string) =>
      (JSON.parse(fs.readFileSync(path.join(dir, "node_modules", p, "package.json"), "utf8")) as { version: string })
        .version;
    expect(`npm:cdktn@${version("cdktf")}`).toBe(peers.cdktf);
    expect(version("constructs")).toBe(peers.constructs);
    expect(version("@cdktf/provider-aws")).toBe(peers["@cdktf/provider-aws"]);
    expect(installedCopies(dir, "cdktn")).toEqual([path.join("node_modules", "cdktf")]);
    expect(installedCopies(dir, "constructs")).toEqual([path.join("node_modules", "constructs")]);
  });

  test("the README example compiles under the cdktn template tsconfig (module CommonJS, node10 resolution)", () => {
    const r = tsc("tsconfig.json", dir);
    expect(r.out).toBe("");
    expect(r.status).toBe(0);
  });

  test("the README example compiles under node16 module resolution", () => {
    const r = tsc("tsconfig.node16.json", dir);
    expect(r.out).toBe("");
    expect(r.status).toBe(0);
  });

  test("the compiled example synthesizes the endpoints stack with its output", () => {
    const r = node(["main.js"], dir);
    expect(r.out).toBe("");
    expect(r.status).toBe(0);
    const stack = JSON.parse(
      fs.readFileSync(path.join(dir, "cdktf.out", "stacks", "sessions", "cdk.tf.json"), "utf8"),
    ) as {
      resource: Record<string, Record<string, { vpc_endpoint_type?: string }>>;
      output: Record<string, { value: string }>;
    };
    const endpoints = Object.values(stack.resource.aws_vpc_endpoint);
    expect(endpoints.filter((e) => e.vpc_endpoint_type === "Interface")).toHaveLength(4);
    expect(endpoints.filter((e) => e.vpc_endpoint_type === "Gateway")).toHaveLength(1);
    expect(stack.output.instance_security_group_id.value).toMatch(/^\$\{aws_security_group\.[A-Za-z0-9_]+\.id\}$/);
  });

  test("the environment JSON Schema is shipped, exported and importable with types", () => {
    const r = node(
      ["-p", 'require("./schema.js").title + " " + require.resolve("bastionless/environment.schema.json")'],
      dir,
    );
    expect(r.status).toBe(0);
    expect(r.out.trim()).toBe(
      `bastionless environment ${path.join(dir, "node_modules", "bastionless", "config", "environment.schema.json")}`,
    );
  });
});
