/**
 * Protected environments and the longest grant: `protected` needs `owners`, owners are GitHub users or teams, and
 * with `maxGrantDays` a grant without `expires` or beyond the maximum fails the load with file, field and line.
 */
import { edited, envDir, lineOf, problemsOf } from "../helpers/env-dir";
import { loadEnvironments } from "../../loader/load";

const NOW = new Date("2026-12-07T12:00:00Z");
const header = (extra: string) => edited("dev", "account: ", `${extra}account: `);

describe("GIVEN dev.yaml with maxGrantDays: 30", () => {
  test("WHEN a group has no expires THEN the load fails naming the file, the field and the group's line", () => {
    const text = header("maxGrantDays: 30\n");
    const dir = envDir({ "dev.yaml": text });
    const problems = problemsOf(dir);
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `dev\\.yaml: accessGroups\\[0\\]\\.expires: is required: this environment allows grants of at most 30 days \\(maxGrantDays\\).*\\(missing from the block at line ${lineOf(text, "name: platform-shell")}, column 5\\)`,
        ),
      ),
      expect.stringMatching(/dev\.yaml: accessGroups\[1\]\.expires: is required/),
    ]);
  });

  test("WHEN a port-forward-only group's targets all expire THEN the group itself needs none", () => {
    let text = header("maxGrantDays: 30\n");
    text = text.replace("cidr: 10.10.16.0/20 }", 'cidr: 10.10.16.0/20, expires: "2026-12-20T00:00:00Z" }');
    text = text.replace("      iamGroup: true\n", '      iamGroup: true\n    expires: "2026-12-31T18:00:00Z"\n');
    expect(loadEnvironments(envDir({ "dev.yaml": text }), { now: NOW }).map((e) => e.config.name)).toContain("dev");
  });

  test("WHEN an expires is beyond the maximum at the synth's clock THEN the load fails with the value, the limit and the line", () => {
    let text = header("maxGrantDays: 30\n");
    text = text.replace("cidr: 10.10.16.0/20 }", 'cidr: 10.10.16.0/20, expires: "2026-12-20T00:00:00Z" }');
    text = text.replace("      iamGroup: true\n", '      iamGroup: true\n    expires: "2027-03-01T00:00:00Z"\n');
    const dir = envDir({ "dev.yaml": text });
    expect(problemsOf(dir, { now: NOW })).toEqual([
      expect.stringMatching(
        new RegExp(
          `dev\\.yaml: accessGroups\\[0\\]\\.expires: "2027-03-01T00:00:00Z" is 84 days ahead; this environment allows grants of at most 30 days \\(maxGrantDays\\): set it on or before 2027-01-06T12:00:00Z \\(line ${lineOf(text, '"2027-03-01')}, column 14\\)`,
        ),
      ),
    ]);
    // Without a clock (the access change reading an older config) only the clock-free checks apply.
    expect(loadEnvironments(dir).length).toBeGreaterThan(0);
  });
});

describe("GIVEN protected and owners", () => {
  test("WHEN protected has no owners THEN the load fails at owners", () => {
    expect(problemsOf(envDir({ "dev.yaml": header("protected: true\n") }))).toEqual([
      expect.stringMatching(/dev\.yaml: owners: is required when protected is true/),
    ]);
  });
  test.each(["sre-leads", "@", "@org/", "someone@example.com"])("WHEN an owner is %j THEN it is refused", (owner) => {
    const problems = problemsOf(envDir({ "dev.yaml": header(`owners: [${JSON.stringify(owner)}]\n`) }));
    expect(problems).toEqual([expect.stringContaining("is not a GitHub user (@login) or team (@org/team)")]);
  });
  test("WHEN protected with a team and a user THEN it loads", () => {
    const dir = envDir({ "dev.yaml": header('protected: true\nowners: ["@example-org/platform-leads", "@carol"]\n') });
    const dev = loadEnvironments(dir).find((e) => e.config.name === "dev")!;
    expect([dev.config.protected, dev.config.owners]).toEqual([true, ["@example-org/platform-leads", "@carol"]]);
  });
});
