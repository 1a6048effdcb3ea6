/**
 * The breakGlass section: off unless configured; principals are exact IAM user or role ARNs; it needs something to
 * reach and a trail for its alerts; the organization's SCP never exempts it.
 * Every refusal names the file, the field with line and column, the bad value and what is allowed.
 */
import * as fs from "fs";
import * as path from "path";
import { loadIdentity } from "../../loader/identity";
import { ConfigError, loadEnvironments } from "../../loader/load";
import { edited, envDir, lineOf, problemsOf, tempDir, variant } from "../helpers/env-dir";
import { ENV_DIR, exampleConfig } from "../helpers/examples";

const PRINCIPAL = "    - arn:aws:iam::333333333333:user/alice.sre";

describe("GIVEN the example environments", () => {
  test("THEN break-glass is off unless configured (dev has none, prod names two people)", () => {
    expect(exampleConfig("dev").breakGlass).toBeUndefined();
    expect(exampleConfig("prod").breakGlass?.principals).toEqual([
      "arn:aws:iam::333333333333:user/alice.sre",
      "arn:aws:iam::333333333333:user/bob.sre",
    ]);
  });
});

describe("GIVEN a break-glass principal that is not one exact person", () => {
  test.each<[string, string, RegExp]>([
    [
      "a wildcard",
      "arn:aws:iam::333333333333:user/*",
      /is not an exact IAM user or role ARN; allowed: arn:aws:iam::<12-digit account>:user\/<name>/,
    ],
    ["an account root", "arn:aws:iam::333333333333:root", /is not an exact IAM user or role ARN/],
    ["a bare user name", "alice.sre", /is not an exact IAM user or role ARN/],
    ["a role session", "arn:aws:sts::333333333333:assumed-role/sre/alice", /is not an exact IAM user or role ARN/],
    [
      "a CI role",
      "arn:aws:iam::333333333333:role/bastionless-prod-ci-apply",
      /is a CI role: the pipeline must never be able to break the glass/,
    ],
  ])("WHEN it is %s THEN the file is rejected at that line", (_what, value, message) => {
    const text = edited("prod", PRINCIPAL, `    - ${value}`);
    const line = lineOf(text, value);
    const problems = problemsOf(envDir({ "prod.yaml": text }));
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(`prod\\.yaml: breakGlass\\.principals\\[0\\]: .*\\(line ${line}, column \\d+\\)$`),
      ),
    ]);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).toContain(JSON.stringify(value));
  });

  test("WHEN one is listed twice, or the list is empty THEN it is rejected", () => {
    const twice = edited("prod", "user/bob.sre", "user/alice.sre");
    expect(problemsOf(envDir({ "prod.yaml": twice }))).toEqual([
      expect.stringMatching(
        /prod\.yaml: breakGlass\.principals\[1\]: "arn:aws:iam::333333333333:user\/alice\.sre" is listed twice \(line \d+/,
      ),
    ]);
    const empty = variant("prod", (e) => (e.breakGlass = { principals: [] }));
    expect(problemsOf(envDir({ "prod.yaml": empty }))).toEqual([
      expect.stringMatching(/prod\.yaml: breakGlass\.principals: .*(at least 1|>=1)/),
    ]);
  });
});

describe("GIVEN a break-glass role with nothing to reach or no trail for its alerts", () => {
  test("WHEN the environment has no access group THEN it is rejected", () => {
    const none = variant("prod", (e) => (e.accessGroups = []));
    expect(problemsOf(envDir({ "prod.yaml": none }))).toContainEqual(
      expect.stringMatching(
        /prod\.yaml: breakGlass: needs at least one access group: the break-glass role reaches the instances/,
      ),
    );
  });

  test("WHEN CloudTrail is waived THEN it is rejected, naming the ways out", () => {
    const waived = variant("prod", (e) => (e.logging.cloudTrail = { waive: "sandbox account without a trail" }));
    expect(problemsOf(envDir({ "prod.yaml": waived }))).toContainEqual(
      expect.stringMatching(
        /prod\.yaml: breakGlass: needs a CloudTrail trail: .*logging\.cloudTrail\.existing.*logging\.cloudTrail\.create: true/,
      ),
    );
  });
});

describe("GIVEN the organization's tag-protection SCP (config/identity.yaml)", () => {
  test("WHEN it would exempt an environment's own break-glass role THEN the identity file is rejected", () => {
    const file = path.join(tempDir(), "identity.yaml");
    const text = fs
      .readFileSync(path.join(ENV_DIR, "..", "identity.yaml"), "utf8")
      .replace("breakGlassRoleName: bastionless-break-glass", "breakGlassRoleName: bastionless-prod-break-glass");
    fs.writeFileSync(file, text);
    let problems: string[] = [];
    try {
      loadIdentity(file, loadEnvironments(ENV_DIR));
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `identity\\.yaml: tagProtection\\.breakGlassRoleName: "bastionless-prod-break-glass" is the break-glass role of environment prod .*needs no exemption from the SCP.*\\(line ${lineOf(text, "bastionless-prod-break-glass")}, column \\d+\\)$`,
        ),
      ),
    ]);
  });
});
