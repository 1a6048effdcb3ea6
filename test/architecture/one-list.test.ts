/**
 * One list each: the interface endpoint services (modules/core/endpoint-services.ts, read through `EndpointService`)
 * and the unlogged tunnelling documents (`UNLOGGED_DOCUMENTS`, modules/operator-access/operator-policy.ts). The
 * config schema, the stacks, the generated Terraform modules and their tests, the access report and the tests read
 * them; a second spelled-out list anywhere in the repository's TypeScript fails here.
 */
import * as fs from "fs";
import * as path from "path";
import { environmentSchema, INTERFACE_SERVICES as CONFIG_SERVICES, neededServices } from "../../loader/schema";
import { INTERFACE_SERVICES } from "../../modules/core/endpoint-services";
import { EndpointService, requiredServices } from "../../modules/network-endpoints";
import { exampleInput } from "../helpers/synth";

const ROOT = path.join(__dirname, "..", "..");
const FOLDERS = ["bench", "loader", "modules", "ops", "stacks", "synth", "terraform-modules", "test", "tools"];

function typescriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return typescriptFiles(full);
    return e.name.endsWith(".ts") ? [path.relative(ROOT, full)] : [];
  });
}
const FILES = [...FOLDERS.flatMap((f) => typescriptFiles(path.join(ROOT, f))), "index.ts", "main.ts"];

/** Files in which `pattern` (two list entries in a row, quoted: the start of a copy of the list) occurs. */
const copiesOf = (pattern: RegExp) => FILES.filter((f) => pattern.test(fs.readFileSync(path.join(ROOT, f), "utf8")));

const SERVICE = `(["'])(?:${INTERFACE_SERVICES.join("|")})\\1`;
const DOCUMENT = `(["'])AWS-Start\\w+\\2`;

describe("one list of interface endpoint services", () => {
  test("GIVEN every TypeScript file THEN only the list itself and the one test pinning it spell service names side by side", () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(copiesOf(new RegExp(`${SERVICE}\\s*,\\s*${SERVICE.replace("\\1", "\\2")}`))).toEqual([
      "modules/core/endpoint-services.ts",
      "test/modules/network-endpoints.test.ts",
    ]);
  });

  test("GIVEN the config schema THEN its services are the same list object, and it needs what the stacks create, for every toggle", () => {
    expect(CONFIG_SERVICES).toBe(INTERFACE_SERVICES);
    expect(EndpointService.ALL.map((s) => s.shortName)).toEqual([...INTERFACE_SERVICES]);
    for (const legacyAgentSupport of [true, false])
      for (const cloudWatch of [true, false])
        for (const waived of [true, false]) {
          const input = structuredClone(exampleInput("dev")) as any;
          input.network = { ...input.network, legacyAgentSupport };
          input.logging = { ...input.logging, cloudWatch: { enabled: cloudWatch } };
          if (waived)
            input.sessionPreferences = { ...input.sessionPreferences, waiveKmsEncryption: "throwaway lab account" };
          const env = environmentSchema.parse(input);
          const stack = requiredServices({ legacyAgentSupport, cloudWatchLogging: cloudWatch, kmsEncryption: !waived });
          expect(neededServices(env)).toEqual(stack.map((s) => s.shortName));
        }
  });
});

describe("one list of unlogged tunnelling documents", () => {
  test("GIVEN every TypeScript file THEN only UNLOGGED_DOCUMENTS and the one test pinning it spell the documents side by side", () => {
    expect(copiesOf(new RegExp(`(["'])AWS-Start\\w+\\1\\s*,\\s*${DOCUMENT}`))).toEqual([
      "modules/operator-access/operator-policy.ts",
      "test/modules/operator-access.test.ts",
    ]);
  });

  test("GIVEN the access report THEN it reads UNLOGGED_DOCUMENTS and keeps no copy of its own (the old TUNNEL_DOCUMENTS)", () => {
    const report = fs.readFileSync(path.join(ROOT, "ops", "lib", "access-report.ts"), "utf8");
    expect(report).toMatch(/import \{[^}]*\bUNLOGGED_DOCUMENTS\b[^}]*\} from "\.\.\/\.\.\/modules\/operator-access"/);
    expect(FILES.filter((f) => fs.readFileSync(path.join(ROOT, f), "utf8").includes("TUNNEL_DOCUMENTS"))).toEqual([
      "test/architecture/one-list.test.ts",
    ]);
  });
});
