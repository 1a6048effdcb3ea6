/**
 * Expiry that runs itself, with a fixed clock: the grants that expire within N days are found (and only those),
 * the removal deletes exactly the expired grants' lines and keeps every comment of the file, the edited file still
 * loads, and an expired grant only warns in the synth.
 */
import * as fs from "fs";
import { Lexer } from "yaml";
import { checkExpiries } from "../../loader/expiry";
import { loadEnvironments, parseEnvironment } from "../../loader/load";
import {
  addressHint,
  deployedState,
  EditError,
  expiringGrants,
  removalsFor,
  removeGrants,
  renderExpiryIssue,
} from "../../ops/lib/access-expiry";
import { edited, envDir } from "../helpers/env-dir";

const NOW = new Date("2026-12-07T12:00:00Z");

/** dev.yaml with comments everywhere and three expiries: passed, in 5 days, in 40 days. */
function devText(): string {
  let t = edited(
    "dev",
    "  - name: platform-shell\n",
    "  # Platform engineers keep their shell (ticket PLAT-1)\n  - name: platform-shell # the on-call rota\n",
  );
  t = t.replace(
    "    principals:\n      iamGroup: true\n",
    '    principals:\n      iamGroup: true\n    expires: "2027-01-16T12:00:00Z" # renewed every quarter\n',
  );
  t = t.replace(
    "        - { host: dev-db.internal.example.com, port: 5432, cidr: 10.10.16.0/20 }\n",
    [
      "        # the primary database",
      '        - { host: dev-db.internal.example.com, port: 5432, cidr: 10.10.16.0/20, expires: "2026-12-12T12:00:00Z" }',
      "        # the migration target, until the cut-over (MIG-7)",
      "        - host: dev-db-new.internal.example.com # new cluster",
      "          port: 5432",
      "          cidr: 10.10.16.0/20",
      '          expires: "2026-12-01T00:00:00Z" # cut-over day',
      "",
    ].join("\n"),
  );
  t = t.replace(
    "    requireMfa: false\n",
    '    requireMfa: false\n  # a contractor, for the audit\n  - name: contractor\n    description: External auditor # PO 4711\n    instanceTags:\n      bastionless:team: [platform]\n    principals:\n      roleNames: [auditor]\n    expires: "2026-12-05T00:00:00Z"\n',
  );
  return `${t}# end of file\n`;
}

const comments = (text: string) => [...new Lexer().lex(text)].filter((t) => t.startsWith("#"));

describe("GIVEN dev.yaml with grants expiring at different times and a fixed clock", () => {
  const dir = envDir({ "dev.yaml": devText() });
  const envs = loadEnvironments(dir);
  const dev = envs.find((e) => e.config.name === "dev")!;

  test("WHEN grants expiring within 7 days are listed THEN the two expired and the one in 5 days are found, soonest first", () => {
    const found = expiringGrants(envs, NOW, 7);
    expect(found.map((g) => [g.field, g.expires, g.expired, g.daysLeft])).toEqual([
      ["accessGroups[1].capabilities.portForwarding[1].expires", "2026-12-01T00:00:00Z", true, -7],
      ["accessGroups[2].expires", "2026-12-05T00:00:00Z", true, -3],
      ["accessGroups[1].capabilities.portForwarding[0].expires", "2026-12-12T12:00:00Z", false, 5],
    ]);
    expect(expiringGrants(envs, NOW, 45).map((g) => g.field)).toContain("accessGroups[0].expires");
    expect(expiringGrants(envs, NOW, 0).every((g) => g.expired)).toBe(true);
  });

  test("WHEN the issue is rendered THEN it lists each grant with its file, field and days left", () => {
    const { title, body } = renderExpiryIssue(expiringGrants(envs, NOW, 7), NOW, 7);
    expect(title).toBe("Access grants expiring soon (bastionless)");
    expect(body).toContain("as of 2026-12-07T12:00:00Z");
    expect(body).toContain(
      "| dev | access group contractor | `" +
        dev.file +
        "` `accessGroups[2].expires` | 2026-12-05T00:00:00Z | **expired** | – |",
    );
    expect(body).toContain("2026-12-12T12:00:00Z | 5 d |");
  });

  test("WHEN the expired grants are removed THEN only their lines go, every comment stays, and the file still loads", () => {
    const before = fs.readFileSync(dev.file, "utf8");
    const removals = removalsFor(dev, expiringGrants(envs, NOW, 7));
    expect(removals.map((r) => r.path)).toEqual([
      ["accessGroups", 2],
      ["accessGroups", 1, "capabilities", "portForwarding", 1],
    ]);
    const after = removeGrants(
      before,
      removals.map((g) => ({ path: g.path, note: `removed: ${g.grant} expired ${g.expires}` })),
    );
    // Every comment of the file is still there, in order (those of a removed grant under its removal note).
    const kept = comments(after);
    let at = 0;
    for (const c of comments(before)) {
      const i = kept.indexOf(c, at);
      expect([c, i >= 0]).toEqual([c, true]);
      at = i + 1;
    }
    // Nothing else changed: the lines before the first removal are byte for byte the same.
    const firstRemoved = before.split("\n").findIndex((l) => l.includes("dev-db-new.internal.example.com"));
    expect(after.split("\n").slice(0, firstRemoved)).toEqual(before.split("\n").slice(0, firstRemoved));
    expect(after).not.toContain("host: dev-db-new");
    expect(after).not.toContain("name: contractor");
    expect(after).toContain(
      "# removed: port forwarding dev-db-new.internal.example.com:5432 of db-tunnel expired 2026-12-01T00:00:00Z",
    );
    expect(after).toContain(
      '- { host: dev-db.internal.example.com, port: 5432, cidr: 10.10.16.0/20, expires: "2026-12-12T12:00:00Z" }',
    );
    const problems: string[] = [];
    const { config } = parseEnvironment(dev.file, Buffer.from(after), problems);
    expect(problems).toEqual([]);
    expect(config!.accessGroups.map((g) => g.name)).toEqual(["platform-shell", "db-tunnel"]);
    expect(config!.accessGroups[1].capabilities.portForwarding.map((t) => t.host)).toEqual([
      "dev-db.internal.example.com",
    ]);
  });

  test("WHEN a group's last grant (its only port-forward target) expires THEN the whole group goes", () => {
    const later = new Date("2026-12-13T00:00:00Z");
    const removals = removalsFor(dev, expiringGrants(envs, later, 0));
    expect(removals.map((r) => r.path)).toEqual([
      ["accessGroups", 2],
      ["accessGroups", 1],
    ]);
    const after = removeGrants(
      fs.readFileSync(dev.file, "utf8"),
      removals.map((g) => ({ path: g.path, note: "removed" })),
    );
    const problems: string[] = [];
    expect(parseEnvironment(dev.file, Buffer.from(after), problems).config!.accessGroups.map((g) => g.name)).toEqual([
      "platform-shell",
    ]);
    expect(problems).toEqual([]);
  });

  test("WHEN every item of a list is removed THEN the list is written as [] and the file loads", () => {
    const text = fs.readFileSync(dev.file, "utf8");
    const after = removeGrants(
      text,
      [0, 1, 2].map((i) => ({ path: ["accessGroups", i], note: "removed" })),
    );
    expect(after).toMatch(/^accessGroups: \[\]$/m);
    const problems: string[] = [];
    expect(parseEnvironment(dev.file, Buffer.from(after), problems).config!.accessGroups).toEqual([]);
    expect(problems).toEqual([]);
  });

  test("WHEN a grant sits in a flow list THEN the edit refuses, naming the field (edit it by hand)", () => {
    const flow = "accessGroups: [{ name: a }]\n";
    expect(() => removeGrants(flow, [{ path: ["accessGroups", 0], note: "x" }])).toThrow(EditError);
    expect(() => removeGrants(flow, [{ path: ["accessGroups", 0], note: "x" }])).toThrow(
      "accessGroups[0] is not an item of a block list (- …): remove it by hand",
    );
  });

  test("WHEN the synth checks the expiries THEN an expired grant is a warning, never a failure", () => {
    const warnings = checkExpiries(envs, NOW);
    expect(warnings).toEqual([
      expect.stringMatching(
        /accessGroups\[1\]\.capabilities\.portForwarding\[0\]\.expires: .* expires 2026-12-12T12:00:00Z \(in 5d 0h\)/,
      ),
      expect.stringMatching(
        /accessGroups\[1\]\.capabilities\.portForwarding\[1\]\.expires: "2026-12-01T00:00:00Z" has passed .*grants nothing since \(the policy denies it\)/,
      ),
      expect.stringMatching(/accessGroups\[2\]\.expires: "2026-12-05T00:00:00Z" has passed/),
    ]);
  });
});

describe("expired grants still in the account (the drift plan)", () => {
  const dir = envDir({ "dev.yaml": devText() });
  const envs = loadEnvironments(dir);
  const dev = envs[0].config.name === "dev" ? envs[0] : envs.find((e) => e.config.name === "dev")!;
  const expired = expiringGrants(envs, NOW, 0);
  const contractor = expired.find((g) => g.group === "contractor")!;
  const target = expired.find((g) => g.path.length > 2)!;

  test("the grant's resources are named by their address", () => {
    expect(addressHint(contractor, dev)).toBe("AccessGroups_contractor_");
    expect(addressHint(target, dev)).toBe("AccessGroups_db-tunnel_PortForwarding_dev-db-newinternalexamplecom5432");
  });

  test("present unless the drift plan would create them; unknown without a plan", () => {
    const clean = { text: "No changes. Your infrastructure matches the configuration.", result: { exitcode: 0 } };
    const recreate = {
      text: "  # aws_iam_role_policy.AccessGroups_contractor_Roles_auditor_1A2B3C4D will be created\n",
      result: { exitcode: 2 },
    };
    expect(deployedState(addressHint(contractor, dev), clean)).toBe("present");
    expect(deployedState(addressHint(contractor, dev), recreate)).toBe("absent");
    expect(deployedState(addressHint(contractor, dev), undefined)).toBe("unknown");
    expect(deployedState(addressHint(contractor, dev), { text: "Error", result: { exitcode: 1 } })).toBe("unknown");
  });
});
