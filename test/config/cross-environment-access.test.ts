/**
 * Instance tags are the only boundary between environments that share an account and region: an access group whose
 * tag selector another environment's group also satisfies would reach that environment's instances. And one
 * multi-region trail per account is enough for the audit alerts. Both are checked across the environment files.
 */
import { envDir, problemsOf, variant } from "../helpers/env-dir";

/** staging moved into dev's account and region (its VPC adopted there), keeping its own state bucket. */
const stagingInDevAccount = (patch: (env: Record<string, any>) => void = () => undefined) =>
  variant("staging", (e) => {
    e.account = "111111111111";
    e.region = "eu-west-1";
    e.state = { bucket: "bastionless-tfstate-111111111111", keyPrefix: "bastionless-staging" };
    e.sessionPreferences = { document: "none" };
    patch(e);
  });

describe("GIVEN two environments in one account and region", () => {
  test("WHEN a group of one selects instances by the same tag and value as a group of the other THEN it is an error naming both", () => {
    const problems = problemsOf(envDir({ "staging.yaml": stagingInDevAccount() }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /dev\.yaml: accessGroups\[0\]\.instanceTags: access group platform-shell also reaches the instances of access group platform-shell of environment staging \(.*staging\.yaml \(accessGroups\[0\]\.instanceTags, line \d+, column \d+\)\) in account 111111111111, eu-west-1: .*add a tag key that tells the environments apart, e\.g\. bastionless:environment: \[dev\]/,
        ),
      ]),
    );
  });
  test("WHEN each group also selects on Environment THEN there is no problem at all", () => {
    const withEnv = (name: string) => (e: Record<string, any>) => {
      for (const g of e.accessGroups) g.instanceTags = { ...g.instanceTags, "bastionless:environment": [name] };
    };
    const dir = envDir({
      "staging.yaml": stagingInDevAccount(withEnv("staging")),
      "dev.yaml": variant("dev", withEnv("dev")),
    });
    expect(() => problemsOf(dir)).toThrow(/expected the configuration to be rejected/);
  });
  test("WHEN both create a multi-region trail THEN the second is told to use the first's", () => {
    const problems = problemsOf(
      envDir({ "staging.yaml": stagingInDevAccount((e) => (e.logging.cloudTrail = { create: true })) }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /staging\.yaml: logging\.cloudTrail\.create: environment "staging" and environment "dev" .* both create a multi-region trail in account 111111111111; one logs every region: write existing: arn:aws:cloudtrail:eu-west-1:111111111111:trail\/bastionless-dev-audit-trail instead/,
        ),
      ]),
    );
  });
});

describe("GIVEN the example environments (three accounts)", () => {
  test("THEN none of these checks fires", () => {
    expect(() => problemsOf(envDir())).toThrow(/expected the configuration to be rejected/);
  });
});
