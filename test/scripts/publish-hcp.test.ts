/**
 * Publishing the generated modules to an HCP Terraform private registry (terraform-modules/publish.ts, hcp
 * target), against a local HTTP server that answers like the registry-modules API: the requests, their order and
 * authentication, the uploaded archive, and re-runs.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { publish } from "../../terraform-modules/publish";

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly auth?: string;
  readonly body: Buffer;
}

/** A fake registry: `versions` maps module name → status of an existing version (absent: the version is new). */
function fakeRegistry(state: { modules: Set<string>; versions: Map<string, string>; createStatus?: number }) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization, body });
      const reply = (status: number, json?: object) => {
        res.writeHead(status, { "Content-Type": "application/vnd.api+json" });
        res.end(json ? JSON.stringify(json) : "");
      };
      const url = req.url ?? "";
      if (req.method === "POST" && url === "/api/v2/organizations/acme/registry-modules") {
        if (state.createStatus) return reply(state.createStatus, { errors: [{ status: String(state.createStatus) }] });
        const name = (JSON.parse(body.toString()) as { data: { attributes: { name: string } } }).data.attributes.name;
        if (state.modules.has(name)) return reply(422, { errors: [{ detail: "Name has already been taken" }] });
        state.modules.add(name);
        return reply(201, { data: { type: "registry-modules" } });
      }
      const version = /^\/api\/v2\/organizations\/acme\/registry-modules\/private\/acme\/([^/]+)\/aws\/versions$/.exec(
        url,
      );
      if (req.method === "POST" && version) {
        if (state.versions.has(version[1])) return reply(422, { errors: [{ detail: "Version already exists" }] });
        state.versions.set(version[1], "pending");
        const { port } = server.address() as AddressInfo;
        return reply(201, { data: { links: { upload: `http://127.0.0.1:${port}/upload/${version[1]}` } } });
      }
      const read =
        /^\/api\/v2\/organizations\/acme\/registry-modules\/private\/acme\/([^/]+)\/aws\/version\?module_version=0\.1\.0$/.exec(
          url,
        );
      if (req.method === "GET" && read)
        return reply(200, { data: { attributes: { status: state.versions.get(read[1]) ?? "unknown" } } });
      const upload = /^\/upload\/(.+)$/.exec(url);
      if (req.method === "PUT" && upload) {
        state.versions.set(upload[1], "ok");
        return reply(200);
      }
      return reply(404);
    });
  });
  return { server, seen };
}

describe("publishing modules to an HCP Terraform private registry", () => {
  let tmp: string;
  let modulesDir: string;
  let lines: string[];
  const token = "atlasv1.not-a-real-token";

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bl-publish-hcp-"));
    modulesDir = path.join(tmp, "modules");
    for (const name of ["alpha", "beta"]) {
      const dir = path.join(modulesDir, `terraform-aws-bastionless-${name}`);
      fs.mkdirSync(path.join(dir, "tests"), { recursive: true });
      fs.writeFileSync(path.join(dir, "main.tf"), `# ${name}\n`);
      fs.writeFileSync(path.join(dir, "versions.tf"), "terraform {}\n");
      fs.writeFileSync(path.join(dir, "tests", "defaults.tftest.hcl"), 'run "plan" {}\n');
    }
    lines = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function withRegistry(
    state: { modules: Set<string>; versions: Map<string, string>; createStatus?: number },
    fn: (address: string, seen: Seen[]) => Promise<void>,
  ) {
    const { server, seen } = fakeRegistry(state);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }
  const run = (address: string, dryRun = false) =>
    publish({
      modulesDir,
      tag: "v0.1.0",
      targets: ["hcp"],
      dryRun,
      env: { HCP_TERRAFORM_ORGANIZATION: "acme", HCP_TERRAFORM_TOKEN: token, HCP_TERRAFORM_ADDRESS: address },
      log: (l) => lines.push(l),
    });

  test("WHEN published THEN each module is created, gets the version, and the archive of its files is uploaded", async () => {
    const state = { modules: new Set<string>(), versions: new Map<string, string>() };
    await withRegistry(state, async (address, seen) => {
      await run(address);
      // THEN: per module, create → version → upload, the API calls with the token, the upload link without it
      expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        "POST /api/v2/organizations/acme/registry-modules",
        "POST /api/v2/organizations/acme/registry-modules/private/acme/bastionless-alpha/aws/versions",
        "PUT /upload/bastionless-alpha",
        "POST /api/v2/organizations/acme/registry-modules",
        "POST /api/v2/organizations/acme/registry-modules/private/acme/bastionless-beta/aws/versions",
        "PUT /upload/bastionless-beta",
      ]);
      expect(seen.filter((s) => s.method === "POST").every((s) => s.auth === `Bearer ${token}`)).toBe(true);
      expect(seen.filter((s) => s.method === "PUT").map((s) => s.auth)).toEqual([undefined, undefined]);
      expect(JSON.parse(seen[0].body.toString())).toEqual({
        data: {
          type: "registry-modules",
          attributes: { name: "bastionless-alpha", provider: "aws", "registry-name": "private" },
        },
      });
      expect(JSON.parse(seen[1].body.toString())).toEqual({
        data: { type: "registry-module-versions", attributes: { version: "0.1.0" } },
      });
      const archive = path.join(tmp, "alpha.tar.gz");
      fs.writeFileSync(archive, seen[2].body);
      const listed = spawnSync("tar", ["-tzf", archive], { encoding: "utf8" })
        .stdout.split("\n")
        .filter((l) => !l.endsWith("/") && l);
      expect(listed.sort()).toEqual(["./main.tf", "./tests/defaults.tftest.hcl", "./versions.tf"]);
      expect([...state.versions.values()]).toEqual(["ok", "ok"]);
    });
  });

  test("GIVEN the modules and versions already published WHEN run again THEN nothing is uploaded", async () => {
    const state = {
      modules: new Set(["bastionless-alpha", "bastionless-beta"]),
      versions: new Map([
        ["bastionless-alpha", "ok"],
        ["bastionless-beta", "ok"],
      ]),
    };
    await withRegistry(state, async (address, seen) => {
      await run(address);
      expect(seen.filter((s) => s.method === "PUT")).toEqual([]);
      expect(lines.slice(1).every((l) => l.startsWith("hcp    unchanged"))).toBe(true);
    });
  });

  test("fails on a version left pending by an interrupted upload, naming it and the fix", async () => {
    const state = { modules: new Set(["bastionless-alpha"]), versions: new Map([["bastionless-alpha", "pending"]]) };
    await withRegistry(state, async (address) => {
      await expect(run(address)).rejects.toThrow(
        /^acme\/bastionless-alpha\/aws 0\.1\.0 already exists with status pending .*delete that version in the registry and re-run/,
      );
    });
  });

  test("fails on a refused token with the status, never the token", async () => {
    await withRegistry({ modules: new Set(), versions: new Map(), createStatus: 401 }, async (address) => {
      const error = (await run(address).catch((e: Error) => e)) as Error;
      expect(error.message).toMatch(/^acme\/bastionless-alpha: creating the module failed: 401 Unauthorized/);
      expect(error.message).not.toContain(token);
    });
  });

  test("GIVEN a dry run THEN the registry receives no request and the plan names every module", async () => {
    await withRegistry({ modules: new Set(), versions: new Map() }, async (address, seen) => {
      await run(address, true);
      expect(seen).toEqual([]);
      expect(lines.slice(1)).toEqual([
        `hcp    planned   acme/bastionless-alpha/aws 0.1.0: POST ${address}/api/v2/organizations/acme/registry-modules, POST ${address}/api/v2/organizations/acme/registry-modules/private/acme/bastionless-alpha/aws/versions, PUT <upload link from the version>`,
        `hcp    planned   acme/bastionless-beta/aws 0.1.0: POST ${address}/api/v2/organizations/acme/registry-modules, POST ${address}/api/v2/organizations/acme/registry-modules/private/acme/bastionless-beta/aws/versions, PUT <upload link from the version>`,
      ]);
    });
  });
});
