/** The dated region list, closest-match suggestions and regions registered by a library user. */
import { envDir, problemsOf, variant } from "../helpers/env-dir";
import { loadEnvironments } from "../../loader/load";
import {
  AWS_REGIONS,
  REGIONS_RETRIEVED,
  availabilityZones,
  closestRegion,
  isRegion,
  registerRegion,
} from "../../loader/regions";

describe("the region list (loader/aws-regions.ts)", () => {
  test("is dated and covers the commercial regions, opt-in ones included", () => {
    expect(REGIONS_RETRIEVED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const r of [
      "us-east-1",
      "eu-central-2",
      "ap-southeast-7",
      "mx-central-1",
      "il-central-1",
      "ca-west-1",
      "ap-east-2",
    ])
      expect(isRegion(r)).toBe(true);
    expect(Object.keys(AWS_REGIONS).length).toBeGreaterThanOrEqual(34);
    expect(AWS_REGIONS["eu-central-2"].optIn).toBe(true);
    expect(AWS_REGIONS["eu-west-1"].optIn).toBe(false);
  });

  test("every region has zone letters and AZ IDs of its own prefix", () => {
    for (const [code, r] of Object.entries(AWS_REGIONS)) {
      expect(r.zones.length).toBeGreaterThanOrEqual(2);
      expect(r.zones.every((z) => /^[a-z]$/.test(z))).toBe(true);
      expect(new Set(r.zoneIds.map((id) => id.replace(/-az\d+$/, ""))).size).toBe(1);
      const [geo, dir, n] = code.split("-");
      // The AZ ID prefix is the region's geography, direction initial(s) and number (use1, apne1, euc2, mxc1).
      expect(r.zoneIds[0].startsWith(geo.slice(0, 2))).toBe(true);
      expect(r.zoneIds[0]).toMatch(new RegExp(`${n}-az\\d$`));
      expect(dir.length).toBeGreaterThan(0);
    }
  });

  test("GIVEN an opt-in region such as eu-central-2 WHEN an environment uses it THEN it loads", () => {
    const envs = loadEnvironments(
      envDir({
        "dev.yaml": variant("dev", (e) => {
          e.region = "eu-central-2";
          e.vpcs[0].privateSubnets = [
            { cidr: "10.10.0.0/20", availabilityZone: "eu-central-2a" },
            { cidr: "10.10.16.0/20", availabilityZone: "eu-central-2b" },
          ];
        }),
      }),
    );
    expect(envs.find((e) => e.config.name === "dev")!.config.region).toBe("eu-central-2");
  });
});

describe("GIVEN an unknown region", () => {
  test("WHEN it is a typo THEN the error names the closest match, the known regions and the line", () => {
    const problems = problemsOf(envDir({ "dev.yaml": variant("dev", (e) => (e.region = "eu-centrl-1")) }));
    expect(problems).toEqual([
      expect.stringMatching(
        /dev\.yaml: region: "eu-centrl-1" is not a known AWS region; did you mean "eu-central-1"\? \(known: us-east-1, .*registerRegion\) \(line 3, column 9\)$/,
      ),
    ]);
  });

  test("WHEN it is far from every region THEN no suggestion is made", () => {
    expect(closestRegion("mars-north-9")).toBeUndefined();
    expect(closestRegion("us-est-1")).toBe("us-east-1");
  });

  test("WHEN the state region is unknown THEN that field is named", () => {
    const problems = problemsOf(envDir({ "dev.yaml": variant("dev", (e) => (e.state.region = "eu-west-9")) }));
    expect(problems.join("\n")).toMatch(
      /dev\.yaml: state\.region: "eu-west-9" is not a known AWS region; did you mean "eu-west-\d"\?/,
    );
  });
});

describe("registerRegion (library users)", () => {
  test("GIVEN a region of another partition registered WHEN an environment uses it THEN it loads with its zones", () => {
    // GIVEN
    expect(isRegion("us-gov-west-1")).toBe(false);
    registerRegion("us-gov-west-1", { zones: ["a", "b", "c"], zoneIds: ["usgw1-az1", "usgw1-az2", "usgw1-az3"] });
    // WHEN
    const envs = loadEnvironments(
      envDir({
        "dev.yaml": variant("dev", (e) => {
          e.region = "us-gov-west-1";
          e.vpcs[0].privateSubnets = [{ cidr: "10.10.0.0/20", availabilityZone: "us-gov-west-1a" }];
        }),
      }),
    );
    // THEN
    expect(envs.find((e) => e.config.name === "dev")!.config.region).toBe("us-gov-west-1");
    expect(availabilityZones("us-gov-west-1")).toEqual(["us-gov-west-1a", "us-gov-west-1b", "us-gov-west-1c"]);
    // AND a zone the registration does not list is still refused
    const problems = problemsOf(
      envDir({
        "dev.yaml": variant("dev", (e) => {
          e.region = "us-gov-west-1";
          e.vpcs[0].privateSubnets = [{ cidr: "10.10.0.0/20", availabilityZone: "us-gov-west-1d" }];
        }),
      }),
    );
    expect(problems.join("\n")).toMatch(
      /"us-gov-west-1d" is not an availability zone of us-gov-west-1; allowed: us-gov-west-1a, us-gov-west-1b, us-gov-west-1c/,
    );
  });

  test("WHEN the code or zones are malformed THEN it throws at once", () => {
    expect(() => registerRegion("Mars", { zones: ["a"] })).toThrow(/is not a region code like eu-west-1/);
    expect(() => registerRegion("eu-north-9", { zones: [] })).toThrow(/must be one or more AZ letters/);
  });
});
