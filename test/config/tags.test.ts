/** Reserved tag keys and the per-resource tag budget (50, counting the tags the stack adds). */
import { envDir, problemsOf, variant } from "../helpers/env-dir";
import { loadEnvironments } from "../../loader/load";
import { MAX_TAGS_PER_RESOURCE } from "../../loader/reserved";

const manyTags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`Tag${i}`, `v${i}`]));

describe("GIVEN tags that the stack would silently overwrite", () => {
  test.each([
    ["Environment", "production", /it is always the environment name/],
    ["Project", "other", /set it with the top-level project field/],
    ["ManagedBy", "terraform", /it is always "bastionless"/],
  ])("WHEN tags.%s is set THEN it is rejected, saying how to set it instead", (key, value, how) => {
    const problems = problemsOf(envDir({ "dev.yaml": variant("dev", (e) => (e.tags = { ...e.tags, [key]: value })) }));
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `dev\\.yaml: tags\\.${key}: "${key}" is a reserved tag key: the stack sets ${key} on every resource and its value wins; .*and remove this tag \\(line \\d+, column \\d+\\)$`,
        ),
      ),
    ]);
    expect(problems[0]).toMatch(how);
  });

  test("WHEN a reserved key differs only in case THEN it is rejected (IAM compares tag keys case-insensitively)", () => {
    const problems = problemsOf(envDir({ "dev.yaml": variant("dev", (e) => (e.tags = { environment: "prod" })) }));
    expect(problems.join("\n")).toMatch(
      /tags\.environment: "environment" is a reserved tag key \(tag keys are case-insensitive in IAM conditions, so it collides with Environment\)/,
    );
  });

  test("WHEN instance tags set a reserved key THEN it is rejected", () => {
    const problems = problemsOf(
      envDir({
        "dev.yaml": variant(
          "dev",
          (e) => (e.instanceAccess.instanceTags = { ...e.instanceAccess.instanceTags, Project: "x" }),
        ),
      }),
    );
    expect(problems.join("\n")).toMatch(/instanceAccess\.instanceTags\.Project: "Project" is a reserved tag key/);
  });
});

describe("GIVEN many tags", () => {
  test(`WHEN environment tags plus the stack's own exceed ${MAX_TAGS_PER_RESOURCE} THEN the error counts them and says how many to remove`, () => {
    // 46 user tags + Project, Environment, ManagedBy + Name, Tier = 51
    const problems = problemsOf(
      envDir({ "dev.yaml": variant("dev", (e) => ((e.tags = manyTags(46)), (e.instanceAccess.instanceTags = {}))) }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /dev\.yaml: tags: 46 tags and the tags the stack adds \(Project, Environment, ManagedBy, Name, Tier\) put 51 tags on some resources; AWS allows at most 50 per resource: remove at least 1 \(line \d+, column \d+\)$/,
      ),
    ]);
  });

  test("WHEN exactly at the budget THEN it loads", () => {
    const envs = loadEnvironments(
      envDir({ "dev.yaml": variant("dev", (e) => ((e.tags = manyTags(45)), (e.instanceAccess.instanceTags = {}))) }),
    );
    expect(Object.keys(envs.find((e) => e.config.name === "dev")!.config.tags)).toHaveLength(45);
  });

  test("WHEN instance tags and environment tags together exceed the budget THEN the instance tags are named", () => {
    // 30 environment tags + 20 instance tags + Project, Environment, ManagedBy, Name = 54 on each instance
    const instanceTags = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`Inst${i}`, "x"]));
    const problems = problemsOf(
      envDir({
        "dev.yaml": variant("dev", (e) => ((e.tags = manyTags(30)), (e.instanceAccess.instanceTags = instanceTags))),
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /dev\.yaml: instanceAccess\.instanceTags: 20 instance tags, 30 environment tags and the tags the stack adds \(Project, Environment, ManagedBy, Name\) put 54 tags on each instance; AWS allows at most 50 per resource: remove at least 4 \(line \d+, column \d+\)$/,
      ),
    ]);
  });

  test("WHEN a file carries 25 000 tags THEN it is rejected by the budget, without a stack trace", () => {
    const text = `name: dev\naccount: "111111111111"\nregion: eu-west-1\nstate: { bucket: bastionless-tfstate-111111111111 }\nvpcs:\n  - { name: main, mode: create, cidr: 10.10.0.0/16, privateSubnets: [{ cidr: 10.10.0.0/20, availabilityZone: eu-west-1a }] }\ntags:\n${Array.from({ length: 25000 }, (_, i) => `  T${i}: v`).join("\n")}\n`;
    const problems = problemsOf(envDir({ "dev.yaml": text }, false));
    expect(problems.join("\n")).toMatch(
      /dev\.yaml: tags: 25000 tags and the tags the stack adds .* remove at least 24955/,
    );
  });
});
