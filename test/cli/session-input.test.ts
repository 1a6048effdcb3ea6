/** The command's input rules: targets, reasons, host:port, tag lists, and the plugin's argument convention. */
import { CliError } from "../../cli/errors";
import { parseTarget } from "../../cli/instances";
import { newerThan, pluginInvocation, RESPONSE_VARIABLE } from "../../cli/plugin";
import { parseHostPort, parseTagList } from "../../cli/program";
import { MAX_REASON_LENGTH, validateReason } from "../../cli/reason";

describe("targets", () => {
  test("an instance id, a key=value tag, or else the Name tag", () => {
    expect(parseTarget("i-0123456789abcdef0")).toEqual({
      kind: "id",
      id: "i-0123456789abcdef0",
      text: "i-0123456789abcdef0",
    });
    expect(parseTarget("i-01234567")).toMatchObject({ kind: "id" });
    expect(parseTarget("mi-0123456789abcdef0")).toMatchObject({ kind: "id" });
    expect(parseTarget("Role=web")).toMatchObject({ kind: "tag", key: "Role", value: "web" });
    expect(parseTarget("bastionless:team=a=b")).toMatchObject({ kind: "tag", key: "bastionless:team", value: "a=b" });
    expect(parseTarget("web-1")).toMatchObject({ kind: "tag", key: "Name", value: "web-1" });
    // not quite an id (uppercase, wrong length): a Name
    expect(parseTarget("i-0123456789ABCDEF0")).toMatchObject({ kind: "tag", key: "Name" });
  });

  test("fails on an empty tag key or an empty target, as usage errors", () => {
    for (const bad of ["=web", "", "  "]) {
      let error: unknown;
      try {
        parseTarget(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
    }
  });

  test("can-i's tag lists and forward's host:port", () => {
    expect(parseTagList("bastionless:team=platform,bastionless:tier=shell")).toEqual({
      "bastionless:team": "platform",
      "bastionless:tier": "shell",
    });
    expect(parseTagList("web-1")).toBeUndefined();
    expect(parseTagList("bastionless:team=platform,web-1")).toBeUndefined();
    expect(parseHostPort("db.internal:5432")).toEqual({ host: "db.internal", port: 5432 });
    for (const bad of ["db.internal", ":5432", "db:0", "db:65536", "db:54a"])
      expect(() => parseHostPort(bad)).toThrow(/is not host:port/);
  });
});

describe("the session's reason (StartSession Reason: 1-256 characters on one line)", () => {
  test("keeps a reason of up to 256 characters, trimmed", () => {
    expect(validateReason("  INC-4711 disk full  ")).toBe("INC-4711 disk full");
    expect(validateReason("r".repeat(MAX_REASON_LENGTH))).toHaveLength(256);
  });

  test("fails when too long, empty or on several lines, saying what is allowed", () => {
    expect(() => validateReason("r".repeat(257))).toThrow(
      "--reason: is 257 characters; Session Manager accepts at most 256 (StartSession Reason)",
    );
    expect(() => validateReason("   ")).toThrow(/--reason: is empty; give 1 to 256 characters/);
    expect(() => validateReason("line one\nline two")).toThrow(/has a line break/);
  });
});

describe("the plugin's arguments (as aws ssm start-session passes them)", () => {
  const response = { SessionId: "s-1", TokenValue: "t", StreamUrl: "wss://x" };
  const request = { Target: "i-0123456789abcdef0", DocumentName: "SSM-SessionManagerRunShell", Reason: "why" };
  const ctx = { region: "eu-west-1", endpoint: "https://ssm.eu-west-1.amazonaws.com", env: { PATH: "/bin" } };

  test("plugins after 1.2.497.0 read the response from AWS_SSM_START_SESSION_RESPONSE", () => {
    const { args, env } = pluginInvocation(response, request, { ...ctx, profile: "ops" }, "1.2.707.0\n");
    expect(args).toEqual([
      RESPONSE_VARIABLE,
      "eu-west-1",
      "StartSession",
      "ops",
      JSON.stringify(request),
      ctx.endpoint,
    ]);
    expect(env[RESPONSE_VARIABLE]).toBe(JSON.stringify(response));
    expect(env.PATH).toBe("/bin");
  });

  test("1.2.497.0 and older, or an unreadable version, get the response as the first argument", () => {
    for (const v of ["1.2.497.0", "1.1.0.0", "unknown"]) {
      const { args, env } = pluginInvocation(response, request, ctx, v);
      expect(args[0]).toBe(JSON.stringify(response));
      expect(args[3]).toBe("");
      expect(env[RESPONSE_VARIABLE]).toBeUndefined();
    }
  });

  test("versions compare part by part", () => {
    expect(newerThan("1.2.497.1", "1.2.497.0")).toBe(true);
    expect(newerThan("1.10.0.0", "1.2.497.0")).toBe(true);
    expect(newerThan("1.2.497", "1.2.497.0")).toBe(false);
    expect(newerThan("1.2.96.0", "1.2.497.0")).toBe(false);
  });
});
