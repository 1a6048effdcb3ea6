/**
 * Configurations the synth once accepted and must not: each is rejected with the file, the field (line and column),
 * the bad value and what is allowed.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../loader/load";
import { loadIdentity } from "../../loader/identity";
import { MAX_PROMOTION_STAGES } from "../../loader/promotion";
import { allRules } from "../../modules/guardrails/catalog";
import { writeGeneratedEnvironments } from "../../ops/lib/examples";
import { edited, envDir, problemsOf, tempDir, variant } from "../helpers/env-dir";

const cloud = (workspace: string) => ({ organization: "acme", workspace });

describe("GIVEN environments that would overwrite each other's state", () => {
  test("WHEN two environments name one HCP Terraform workspace THEN the second is rejected naming the first", () => {
    const dir = envDir({
      "dev.yaml": variant("dev", (e) => (e.state = { cloud: cloud("shared") })),
      "staging.yaml": variant("staging", (e) => (e.state = { cloud: cloud("shared") })),
    });
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(
        /staging\.yaml: state\.cloud\.workspace: workspace "app\.terraform\.io\/acme\/shared" is also the state of .*dev\.yaml \(state\.cloud\.workspace, line \d+, column \d+\); each apply would destroy .* \(line \d+, column \d+\)$/,
      ),
    ]);
  });

  test("WHEN they name different workspaces, or one workspace on two hosts THEN both are accepted", () => {
    const dir = envDir({
      "dev.yaml": variant("dev", (e) => (e.state = { cloud: cloud("dev") })),
      "staging.yaml": variant(
        "staging",
        (e) => (e.state = { cloud: { ...cloud("dev"), hostname: "tfe.example.com" } }),
      ),
    });
    expect(() => problemsOf(dir)).toThrow("expected the configuration to be rejected");
  });
});

describe("GIVEN an access group's interfaces", () => {
  test("WHEN one is misspelled THEN it is rejected with file, field, line and column, the value, a suggestion and the allowed names", () => {
    const dir = envDir({
      "dev.yaml": edited(
        "dev",
        "interfaces: [cli, session-manager-console]",
        "interfaces: [cli, sesion-manager-console]",
      ),
    });
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(
        /dev\.yaml: accessGroups\[0\]\.interfaces\[1\]: "sesion-manager-console" is not allowed; did you mean "session-manager-console"\?; allowed: "cli", "session-manager-console", "ec2-console" \(line 46, column 23\)$/,
      ),
    ]);
  });

  test("WHEN one is not an interface at all, the list is empty or names one twice THEN each is rejected; nothing is suggested for a far-off name", () => {
    const dir = envDir({
      "dev.yaml": edited("dev", "interfaces: [cli, session-manager-console]", "interfaces: [browser]"),
      "staging.yaml": variant("staging", (e) => (e.accessGroups![0].interfaces = [])),
      "prod.yaml": variant("prod", (e) => (e.accessGroups![0].interfaces = ["ec2-console", "ec2-console"])),
    });
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(
        /dev\.yaml: accessGroups\[0\]\.interfaces\[0\]: "browser" is not allowed; allowed: "cli", "session-manager-console", "ec2-console" \(line 46, column 18\)$/,
      ),
      expect.stringMatching(
        /prod\.yaml: accessGroups\[0\]\.interfaces\[1\]: "ec2-console" is listed twice; name each interface once \(line \d+, column \d+\)$/,
      ),
      expect.stringMatching(
        /staging\.yaml: accessGroups\[0\]\.interfaces: 0 item\(s\) is out of range; must be at least 1 item\(s\) \(line \d+, column \d+\)$/,
      ),
    ]);
  });

  test("WHEN none is given THEN the group gets the CLI only", () => {
    const dir = envDir({ "dev.yaml": edited("dev", "    interfaces: [cli, session-manager-console]\n", "") });
    expect(() => problemsOf(dir)).toThrow("expected the configuration to be rejected");
  });
});

describe("GIVEN a promotion order", () => {
  test("WHEN promotion.after names no environment THEN it is rejected with a suggestion and the allowed names", () => {
    const dir = envDir({ "prod.yaml": edited("prod", "after: staging", "after: stagin") });
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(
        /prod\.yaml: promotion\.after: "stagin" is not an environment; did you mean "staging"\?; allowed: dev, staging \(line \d+, column \d+\)$/,
      ),
    ]);
  });

  test("WHEN there are many environments THEN the allowed names are cut to ten and a count", () => {
    const dir = writeGeneratedEnvironments(tempDir(), 13);
    const file = path.join(dir, "env000.yaml");
    fs.writeFileSync(file, `${fs.readFileSync(file, "utf8")}promotion:\n  after: nope\n`);
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(
        /env000\.yaml: promotion\.after: "nope" is not an environment; allowed: env001, .*, env010 and 2 more \(line/,
      ),
    ]);
  });

  test("WHEN the order loops THEN every environment in the loop is rejected, naming the loop", () => {
    const dir = envDir({ "dev.yaml": variant("dev", (e) => (e.promotion = { after: "prod" })) });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/dev\.yaml: promotion\.after: "prod" makes a cycle \(dev → prod → staging → dev\)/),
        expect.stringMatching(/prod\.yaml: promotion\.after: "staging" makes a cycle/),
        expect.stringMatching(/staging\.yaml: promotion\.after: "dev" makes a cycle/),
      ]),
    );
  });

  test(`WHEN the order is deeper than the apply workflow's ${MAX_PROMOTION_STAGES} stages THEN the deepest is rejected`, () => {
    const chain = Array.from({ length: MAX_PROMOTION_STAGES + 1 }, (_, i) => `s${i + 1}`);
    const files = Object.fromEntries(
      chain.map((name, i) => [
        `${name}.yaml`,
        variant("dev", (e) => {
          e.name = name;
          e.account = String(100000000000 + i);
          e.state.bucket = `tfstate-${name}-${e.account}`;
          e.vpcs[0].cidr = `10.${100 + i}.0.0/16`;
          e.vpcs[0].privateSubnets = [{ cidr: `10.${100 + i}.1.0/24`, availabilityZone: "eu-west-1a" }];
          e.logging.cloudTrail = { existing: `arn:aws:cloudtrail:eu-west-1:${e.account}:trail/org` };
          if (i > 0) e.promotion = { after: chain[i - 1] };
        }),
      ]),
    );
    const problems = problemsOf(envDir(files, false));
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `s${MAX_PROMOTION_STAGES + 1}\\.yaml: promotion\\.after: "s${MAX_PROMOTION_STAGES}" puts s${MAX_PROMOTION_STAGES + 1} in promotion stage ${MAX_PROMOTION_STAGES + 1} \\(s1 → .* → s${MAX_PROMOTION_STAGES + 1}\\); the apply workflow runs at most ${MAX_PROMOTION_STAGES} stages`,
        ),
      ),
    ]);
  });

  test("WHEN the workflow is read THEN it has exactly the stages the loader allows", () => {
    const apply = fs.readFileSync(path.join(__dirname, "..", "..", ".github", "workflows", "apply.yml"), "utf8");
    const stages = [...apply.matchAll(/^ {2}apply-(\d+):/gm)].map((m) => Number(m[1]));
    expect(stages).toEqual(Array.from({ length: MAX_PROMOTION_STAGES }, (_, i) => i + 1));
  });
});

describe("GIVEN values outside what AWS takes", () => {
  test.each([
    ["logging.s3.expireDays", (e: any) => (e.logging.s3 = { ...e.logging.s3, expireDays: 1_000_000_000_000 })],
    ["logging.s3.noncurrentExpireDays", (e: any) => (e.logging.s3 = { ...e.logging.s3, noncurrentExpireDays: 40_000 })],
  ])("WHEN %s is more than 100 years THEN it is rejected with the maximum", (field, patch) => {
    const problems = problemsOf(envDir({ "dev.yaml": variant("dev", patch) }));
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`dev\\.yaml: ${field.replace(/\./g, "\\.")}: .*36500`)),
    ]);
  });

  test.each([
    ["a terminal escape", "Platform \u001b[31mengineers"],
    ["a line break", "Platform\nengineers"],
    ["a NUL", "Platform\u0000"],
  ])("WHEN an access group's description holds %s THEN it is rejected naming the character", (_, description) => {
    const problems = problemsOf(
      envDir({ "dev.yaml": variant("dev", (e) => (e.accessGroups[0].description = description)) }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /dev\.yaml: accessGroups\[0\]\.description: ".*" has U\+00(1B|0A|00) at character \d+, which is not allowed; allowed: printable/,
      ),
    ]);
  });

  test("WHEN a description is plain text with accents THEN it is accepted", () => {
    const dir = envDir({
      "dev.yaml": variant("dev", (e) => (e.accessGroups[0].description = "Équipe plateforme: shell")),
    });
    expect(() => problemsOf(dir)).toThrow("expected the configuration to be rejected");
  });
});

describe("GIVEN a key in another naming convention", () => {
  test("WHEN acount_id is written for account THEN the unknown-key error suggests account", () => {
    const problems = problemsOf(envDir({ "dev.yaml": edited("dev", /^account:/m, "acount_id:") }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/dev\.yaml: unknown key "acount_id" \(allowed: .*\); did you mean "account"\?/),
      ]),
    );
  });
});

describe("GIVEN an identity file that is a directory", () => {
  test("THEN it is rejected naming the file, not with EISDIR", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "identity.yaml"));
    let error: unknown;
    try {
      loadIdentity(path.join(dir, "identity.yaml"), []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/identity\.yaml: is a directory, not a YAML file/),
    ]);
  });
});

describe("GIVEN the guardrails' advice", () => {
  test("THEN no fix tells a user to set a value the schema rejects (a log retention of 0)", () => {
    expect(
      allRules()
        .filter((r) => /\bor 0\b/.test(r.fix))
        .map((r) => r.id),
    ).toEqual([]);
  });
});
