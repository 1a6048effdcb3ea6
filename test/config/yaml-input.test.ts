/**
 * Odd YAML input: every case is rejected as a problem of the file (never an exception), with the line and column
 * where the input is YAML.
 */
import { loadEnvironments } from "../../loader/load";
import { edited, envDir, lineOf, problemsOf } from "../helpers/env-dir";

const dev = (from: string | RegExp, to: string) => ({ "dev.yaml": edited("dev", from, to) });

describe("GIVEN an environment file that is odd YAML", () => {
  const cases: [string, Record<string, string | Buffer>, RegExp][] = [
    ["an empty file", { "empty.yaml": "" }, /empty\.yaml: is empty; expected a mapping of environment settings$/],
    [
      "a file with only comments",
      { "notes.yaml": "# to do\n\n# later\n" },
      /notes\.yaml: is empty \(only comments or blank lines\)/,
    ],
    ["a list at the top level", { "list.yaml": "- dev\n- prod\n" }, /list\.yaml: expected a YAML mapping .*got a list/],
    ["a scalar at the top level", { "s.yaml": "hello\n" }, /s\.yaml: expected a YAML mapping .*got string "hello"/],
    ["only a document marker", { "dash.yaml": "---\n" }, /dash\.yaml: is empty \(a document without settings\)/],
    [
      "an infinite number",
      dev("endpointAzs: 1", "endpointAzs: .inf"),
      /dev\.yaml: vpcs\[0\]\.endpointAzs: expected number, got \.inf \(infinity\) \(line 16, column 18\)/,
    ],
    [
      "an alias as a key",
      { "ak.yaml": "a: &k b\n*k : v\n" },
      /ak\.yaml: a key \(line 2, column 1\) is an alias; keys must be plain names/,
    ],
    ["a number at the top level", { "n.yaml": "42\n" }, /n\.yaml: expected a YAML mapping .*got number 42/],
    ["binary bytes", { "bin.yaml": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]) }, /bin\.yaml: is not a text file/],
    [
      "invalid UTF-8 (Latin-1 text)",
      { "latin.yaml": Buffer.from("name: d\xe9v\n", "latin1") },
      /latin\.yaml: is not valid UTF-8 text \(an invalid byte sequence near line 1\); save it as UTF-8/,
    ],
    [
      "UTF-16 text",
      { "u16.yaml": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name: dev\n", "utf16le")]) },
      /u16\.yaml: is UTF-16 text; save it as UTF-8/,
    ],
    [
      "two documents",
      { "multi.yaml": "name: a\n---\nname: b\n" },
      /multi\.yaml: holds 2 YAML documents \(the second starts at line 2, column 1\); an environment file holds exactly one/,
    ],
    [
      "a duplicate key",
      dev("region: eu-west-1\n", "region: eu-west-1\nregion: eu-west-2\n"),
      /dev\.yaml: key "region" \(line 7, column 1\) appears twice in one mapping \(first on line 6\)/,
    ],
    [
      "a tab used for indentation",
      dev("  keyPrefix: bastionless", "\tkeyPrefix: bastionless"),
      /dev\.yaml: not valid YAML \(line 9, column 1\): a tab is used for indentation; YAML indents with spaces only/,
    ],
    [
      "a syntax error",
      dev("region: eu-west-1", "region: [eu-west-1"),
      /dev\.yaml: not valid YAML \(line \d+, column \d+\): /,
    ],
    [
      "a !!binary tag",
      dev("CostCenter: platform", "CostCenter: !!binary cGxhdGZvcm0="),
      /dev\.yaml: the tag !!binary \(line 11, column 24\) is not supported/,
    ],
    [
      "a custom tag",
      dev("CostCenter: platform", "CostCenter: !vault platform"),
      /dev\.yaml: the tag !vault \(line 11, column 22\) is not supported/,
    ],
    [
      "an alias without an anchor",
      dev("CostCenter: platform", "CostCenter: *cc"),
      /dev\.yaml: the alias \*cc \(line 11, column 15\) has no anchor &cc before it/,
    ],
    [
      "an alias bomb (billion laughs)",
      {
        "bomb.yaml":
          "a: &a [x, x, x, x, x, x, x, x, x]\n" +
          Array.from({ length: 9 }, (_, i) => {
            const [me, prev] = [String.fromCharCode(98 + i), String.fromCharCode(97 + i)];
            return `${me}: &${me} [${Array(9).fill(`*${prev}`).join(", ")}]\n`;
          }).join(""),
      },
      /bomb\.yaml: its aliases \(\*name\) expand to too much data \(more than \d+ expansions\)/,
    ],
    [
      "nesting beyond the limit",
      { "deep.yaml": `a: ${"[".repeat(40)}${"]".repeat(40)}\n` },
      /deep\.yaml: is nested deeper than 32 levels \(line 1, column \d+\)/,
    ],
    [
      "nesting deep enough to exhaust the parser",
      { "deeper.yaml": `a: ${"[".repeat(20000)}${"]".repeat(20000)}\n` },
      /deeper\.yaml: (not valid YAML \(line 1, column \d+\): nested too deeply|is nested deeper)/,
    ],
    [
      "a list used as a key",
      dev("CostCenter: platform", "? [a, b]\n  : platform"),
      /dev\.yaml: a key \(line 11, column 5\) is a list or mapping; keys must be plain names/,
    ],
    [
      "a merge key that is not an alias of a mapping",
      dev("tags:\n  CostCenter: platform", "tags:\n  <<: platform"),
      /dev\.yaml: the merge key << \(line 11, column 3\) must be an alias of a mapping/,
    ],
    [
      "a file over the size limit",
      { "huge.yaml": `# ${"x".repeat(4 * 1024 * 1024)}\n` },
      /huge\.yaml: is 4\.0 MB; an environment file may be at most 4 MB/,
    ],
  ];

  test.each(cases)("WHEN it is %s THEN the file is rejected with the reason", (_what, files, expected) => {
    const problems = problemsOf(envDir(files));
    expect(problems.join("\n")).toMatch(expected);
  });
});

describe("GIVEN values YAML reads differently than written", () => {
  test("WHEN an account id is unquoted with a leading zero THEN the message shows what was written and how to quote it", () => {
    const problems = problemsOf(envDir(dev('account: "111111111111"', "account: 012345678901")));
    expect(problems).toEqual([
      expect.stringMatching(
        /dev\.yaml: account: expected string, got number 12345678901 \(written 012345678901; YAML reads it as the number 12345678901\); quote it in YAML: "012345678901" \(line 5, column 10\)$/,
      ),
    ]);
  });

  test("WHEN a tag value is a number THEN the hint says to quote it", () => {
    const problems = problemsOf(envDir(dev("CostCenter: platform", "CostCenter: 4711")));
    expect(problems.join("\n")).toMatch(
      /dev\.yaml: tags\.CostCenter: expected string, got number 4711; quote it in YAML: "4711" \(line 11, column 15\)/,
    );
  });

  test("WHEN a YAML 1.1 file writes yes THEN it is a boolean and the hint says to quote it", () => {
    const text = `%YAML 1.1\n---\n${edited("dev", "CostCenter: platform", "CostCenter: yes")}`;
    const problems = problemsOf(envDir({ "dev.yaml": text }));
    expect(problems.join("\n")).toMatch(/tags\.CostCenter: expected string, got boolean true; quote it in YAML: "yes"/);
  });
});

describe("GIVEN YAML features that are supported", () => {
  test("WHEN a file has a byte-order mark THEN it loads", () => {
    const text = `\ufeff${edited("dev", "CostCenter: platform", "CostCenter: finance")}`;
    const envs = loadEnvironments(envDir({ "dev.yaml": text }));
    expect(envs.find((e) => e.config.name === "dev")?.config.tags).toEqual({ CostCenter: "finance" });
  });

  test("WHEN shared blocks use anchors and merge keys (<<) THEN they load, and errors inside point at the anchor", () => {
    // GIVEN dev's tags defined once and merged into the instance tags, with a bad value in the shared block
    const text = edited(
      "dev",
      "tags:\n  CostCenter: platform",
      "tags: &common\n  CostCenter: platform\n  Bad: 'a|b'",
    ).replace(
      "  instanceTags:\n    bastionless:team: platform",
      "  instanceTags:\n    <<: *common\n    bastionless:team: platform",
    );
    const problems = problemsOf(envDir({ "dev.yaml": text }));
    // THEN both the tags and the merged instance tags report the value, at the line where it is written
    const line = lineOf(text, "Bad: 'a|b'");
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(`dev\\.yaml: tags\\.Bad: "a\\|b" is not a valid tag value.* \\(line ${line}, column 8\\)$`),
      ),
      expect.stringMatching(
        new RegExp(
          `dev\\.yaml: instanceAccess\\.instanceTags\\.Bad: "a\\|b" is not a valid tag value.* \\(line ${line}, column 8\\)$`,
        ),
      ),
    ]);
  });

  test("WHEN the merge keys are valid THEN the merged file loads like the written-out one", () => {
    const text = edited("dev", "tags:\n  CostCenter: platform", "tags: &common\n  CostCenter: platform").replace(
      "  instanceTags:\n    bastionless:team: platform",
      "  instanceTags:\n    <<: *common\n    bastionless:team: platform",
    );
    const dev = loadEnvironments(envDir({ "dev.yaml": text })).find((e) => e.config.name === "dev")!;
    expect(dev.config.instanceAccess.instanceTags).toEqual({
      CostCenter: "platform",
      "bastionless:team": "platform",
      "bastionless:tier": "shell",
    });
  });
});

describe("GIVEN a shared block at the top level", () => {
  test("WHEN it is under an x- key and merged elsewhere THEN it is reused and not an unknown key", () => {
    const text = `x-common-tags: &common\n  CostCenter: shared\n  Owner: platform\n${edited("dev", "tags:\n  CostCenter: platform", "tags:\n  <<: *common")}`;
    const dev = loadEnvironments(envDir({ "dev.yaml": text })).find((e) => e.config.name === "dev")!;
    expect(dev.config.tags).toEqual({ CostCenter: "shared", Owner: "platform" });
  });

  test("WHEN it is under another key THEN it is an unknown key that says what is allowed", () => {
    const text = `common-tags: &common\n  CostCenter: shared\n${edited("dev", "tags:\n  CostCenter: platform", "tags:\n  <<: *common")}`;
    expect(problemsOf(envDir({ "dev.yaml": text })).join("\n")).toMatch(
      /dev\.yaml: unknown key "common-tags" \(allowed: name, .*\) \(line 1, column 1\)/,
    );
  });
});
