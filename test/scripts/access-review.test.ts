/**
 * The access review: every grant of every environment with who, what, where, conditions, expiry, owners and the
 * last commit of its lines; Markdown and CSV (safe for spreadsheets).
 */
import { loadEnvironments } from "../../loader/load";
import {
  accessGroupLines,
  csvCell,
  newestFromBlame,
  renderReviewCsv,
  renderReviewMarkdown,
  reviewRows,
} from "../../ops/lib/access-review";
import * as fs from "fs";
import { ENV_DIR } from "../helpers/synth";

describe("access review of the example environments", () => {
  const envs = loadEnvironments(ENV_DIR);
  const calls: [string, readonly [number, number]][] = [];
  const rows = reviewRows(
    envs,
    (f) => fs.readFileSync(f, "utf8"),
    (file, lines) => {
      calls.push([file, lines]);
      return { commit: "0123456789ab", date: "2026-11-30", author: "Alice", summary: `edit ${lines.join("-")}` };
    },
  );

  test("one row per access group, with principals, capabilities, tags, conditions, expiry and owners", () => {
    expect(rows.map((r) => [r.environment, r.group])).toEqual(
      envs.flatMap((e) => e.config.accessGroups.map((g) => [e.config.name, g.name])),
    );
    const tunnel = rows.find((r) => r.group === "db-tunnel")!;
    expect(tunnel).toMatchObject({
      who: "role developer",
      what: "port forwarding to dev-db.internal.example.com:5432 (no transcript)",
      where: "instances tagged bastionless:tier=shell|db-proxy",
      conditions: "MFA at the identity provider (roles, Identity Center); from anywhere",
      expires: "never",
    });
    const sre = rows.find((r) => r.group === "sre-shell")!;
    expect(sre.who).toBe(
      "IAM group bastionless-prod-sre-shell; Identity Center group SRE-OnCall (permission set SessionManagerSRE)",
    );
  });

  test("the last change is asked for exactly the lines of each group in its file", () => {
    const dev = envs.find((e) => e.config.name === "dev")!;
    const text = fs.readFileSync(dev.file, "utf8").split("\n");
    const [start, end] = accessGroupLines(text.join("\n"))[1];
    expect(text[start - 1]).toMatch(/^\s+- name: db-tunnel$/);
    expect(text[end - 1]).toMatch(/requireMfa: false/);
    expect(calls).toContainEqual([dev.file, [start, end]]);
  });

  test("Markdown lists each environment with a sign-off box per grant; CSV has one line per grant", () => {
    const md = renderReviewMarkdown(rows, "2026-12-07");
    expect(md).toMatch(/^# Access review 2026-12-07$/m);
    expect(md).toContain(
      "| db-tunnel | role developer | port forwarding to dev-db.internal.example.com:5432 (no transcript) |",
    );
    expect(md).toContain("2026-11-30 0123456789ab (Alice: edit");
    const csv = renderReviewCsv(rows).split("\r\n");
    expect(csv[0]).toBe(
      "environment,account,region,group,who,what,where,conditions,expires,owners,file,first_line,last_line,last_changed,last_commit,last_author",
    );
    expect(csv.filter((l) => l !== "")).toHaveLength(rows.length + 1);
  });
});

describe("CSV cells and git blame", () => {
  test.each([
    ["plain", "plain"],
    ["a, b", '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ["=HYPERLINK(1)", "'=HYPERLINK(1)"],
    ["@carol", "'@carol"],
  ])("%j → %s", (value, cell) => expect(csvCell(value)).toBe(cell));

  test("the newest commit of the blamed lines wins; uncommitted lines say so", () => {
    const line = (sha: string, time: number, author: string, summary: string) =>
      [`${sha} 1 1 1`, `author ${author}`, `committer-time ${time}`, `summary ${summary}`, "\t  - name: x"].join("\n");
    const porcelain = [
      line("a".repeat(40), 1764547200, "Alice", "first"),
      line("b".repeat(40), 1765152000, "Bob", "later"),
      line("c".repeat(40), 1764000000, "Carol", "oldest"),
    ].join("\n");
    expect(newestFromBlame(porcelain)).toEqual({
      commit: "b".repeat(12),
      date: "2025-12-08",
      author: "Bob",
      summary: "later",
    });
    expect(newestFromBlame(line("0".repeat(40), 1765152000, "Not Committed Yet", "x"))!.commit).toBe("uncommitted");
  });
});
