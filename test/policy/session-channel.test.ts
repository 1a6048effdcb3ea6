/**
 * ssmmessages:OpenDataChannel is limited to the caller's own sessions, as the current Session Manager quickstart
 * shows (`session/${aws:userid}-*`). The IAM engine models ssmmessages actions as wildcard-only (the service
 * authorization reference lists no resource type), so the resource patterns are checked by matching them here.
 */
import { loadEnvironments } from "../../loader/load";
import { wildcardMatch } from "../../modules/guardrails/policy";
import { evaluate } from "../../ops/lib/iam-evaluate";
import { accessGroupPolicy, synthEnvironment } from "../helpers/policies";
import { ENV_DIR } from "../helpers/synth";

const configs = Object.fromEntries(loadEnvironments(ENV_DIR).map((e) => [e.config.name, e.config]));
const DEV = { account: "111111111111", region: "eu-west-1" };
const session = (id: string, region = DEV.region) => `arn:aws:ssm:${region}:${DEV.account}:session/${id}`;
type Policy = { Statement: { Sid?: string; Action?: string | string[]; Resource?: string | string[] }[] };

/** Whether a resource pattern with IAM policy variables matches `arn` for a caller with these variables. */
const matches = (patterns: string[], vars: Record<string, string>, arn: string) =>
  patterns.some((p) => {
    const missing = [...p.matchAll(/\$\{([^}]+)\}/g)].some((m) => vars[m[1]] === undefined);
    return (
      !missing &&
      wildcardMatch(
        p.replace(/\$\{([^}]+)\}/g, (_m, k: string) => vars[k]),
        arn,
        false,
      )
    );
  });

describe("GIVEN the dev access group policies", () => {
  let patterns: string[];
  beforeAll(() => {
    const shell = accessGroupPolicy(synthEnvironment(configs.dev), DEV, "platform-shell", "group");
    const channel = (shell as Policy).Statement.filter((s) =>
      [s.Action].flat().includes("ssmmessages:OpenDataChannel"),
    );
    expect(channel).toHaveLength(1);
    patterns = [channel[0].Resource!].flat();
  });
  const alice = { "aws:userid": "AIDAALICEEXAMPLE", "aws:username": "alice" };
  const bob = { "aws:userid": "AROADEV:bob" };

  test("THEN OpenDataChannel is never granted on every session", () => {
    expect(patterns.some((p) => p.endsWith("session/*") || p === "*")).toBe(false);
    expect(patterns).toContain("arn:aws:ssm:eu-west-1:111111111111:session/${aws:userid}-*");
  });
  test("WHEN an IAM user opens a session that begins with their user id or user name THEN it matches", () => {
    expect(matches(patterns, alice, session("AIDAALICEEXAMPLE-0a1b2c3d"))).toBe(true);
    expect(matches(patterns, alice, session("alice-0a1b2c3d4e5f"))).toBe(true);
  });
  test("WHEN an IAM user opens someone else's session THEN it does not match", () => {
    expect(matches(patterns, alice, session("bob-0a1b2c3d4e5f"))).toBe(false);
    expect(matches(patterns, alice, session("AIDABOBEXAMPLE-0a1b2c3d"))).toBe(false);
  });
  test("WHEN a role session opens its own session THEN it matches, another caller's does not", () => {
    expect(matches(patterns, bob, session("AROADEV:bob-0a1b2c3d"))).toBe(true);
    expect(matches(patterns, bob, session("AROADEV:carol-0a1b2c3d"))).toBe(false);
  });
  test("WHEN the session is in another region THEN it does not match", () => {
    expect(matches(patterns, alice, session("alice-0a1b2c3d4e5f", "us-east-1"))).toBe(false);
  });
  test("WHEN the engine evaluates OpenDataChannel on * THEN no statement grants it unscoped", async () => {
    const shell = accessGroupPolicy(synthEnvironment(configs.dev), DEV, "platform-shell", "group");
    const req = {
      principal: "arn:aws:iam::111111111111:user/alice",
      action: "ssmmessages:OpenDataChannel",
      resource: "*",
    };
    expect(await evaluate({ ...req, context: { ...alice, "aws:MultiFactorAuthPresent": "true" } }, [shell])).toBe(
      "ImplicitlyDenied",
    );
  });
});
