/**
 * `bastionless connect` and `forward` as an operator meets them: AWS mocked with aws-sdk-client-mock (the real SDK
 * clients, filtered like the APIs), the session-manager-plugin replaced by a stub on PATH that records its
 * arguments. Every path ends in the right StartSession and plugin call, or in one clear message with nothing started.
 * The credential cases run the real command in a child process with the SDK's real credential chain.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { StartSessionCommand, TerminateSessionCommand } from "@aws-sdk/client-ssm";
import { run } from "../../cli/program";
import {
  CLI,
  CLI_MOCKED,
  DB_PROXY,
  WEB_1,
  WEB_1_TOO,
  captureIo,
  cleanEnv,
  mockAws,
  pluginStub,
  SESSION,
  type AwsScenario,
} from "../helpers/cli";
import { envDir } from "../helpers/env-dir";
import { ENV_DIR, exampleInput } from "../helpers/examples";

// Child processes (node with the TypeScript hook, ssh, tmux) on a shared 2-core machine.
jest.setTimeout(120_000);

const ROOT = path.join(__dirname, "..", "..");

let dir: string;
let stub: ReturnType<typeof pluginStub>;
let mocks: ReturnType<typeof mockAws> | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-cli-"));
  stub = pluginStub(dir);
});
afterEach(() => {
  mocks?.ec2.restore();
  mocks?.ssm.restore();
  mocks = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the command in-process against the scenario, with the stub plugin first on PATH. */
async function bastionless(args: string[], scenario: AwsScenario, env: NodeJS.ProcessEnv = {}) {
  mocks = mockAws(scenario);
  const c = captureIo(cleanEnv({ PATH: `${stub.bin}${path.delimiter}${process.env.PATH}`, ...env }), dir);
  const code = await run(["--config-dir", ENV_DIR, ...args], c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr(), mocks };
}

const startSessions = () => mocks!.ssm.commandCalls(StartSessionCommand).map((c) => c.args[0].input);

describe("bastionless connect", () => {
  test("one online match: StartSession with the shell document, then the plugin with exactly the AWS CLI's arguments", async () => {
    const r = await bastionless(["connect", "dev", "web-1"], { instances: [WEB_1, DB_PROXY] });
    expect(r.stderr).toBe(`Starting session ${SESSION.SessionId} on ${WEB_1.id} with SSM-SessionManagerRunShell\n`);
    expect(r.code).toBe(0);
    const request = { Target: WEB_1.id, DocumentName: "SSM-SessionManagerRunShell" };
    expect(startSessions()).toEqual([request]);
    // the Name tag was looked up among running instances only
    expect(r.mocks.ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input.Filters).toEqual([
      { Name: "instance-state-name", Values: ["running"] },
      { Name: "tag:Name", Values: ["web-1"] },
    ]);
    // a plugin newer than 1.2.497.0 gets the response through AWS_SSM_START_SESSION_RESPONSE, not in its argv
    expect(stub.call()).toEqual({
      argv: [
        "AWS_SSM_START_SESSION_RESPONSE",
        "eu-west-1",
        "StartSession",
        "",
        JSON.stringify(request),
        "https://ssm.eu-west-1.amazonaws.com",
      ],
      response: JSON.stringify(SESSION),
    });
  });

  test("by instance id and by key=value tag, with --profile and --region passed on to the plugin", async () => {
    await bastionless(["--profile", "ops", "--region", "eu-central-1", "connect", "dev", WEB_1.id], {
      instances: [WEB_1],
    });
    expect(mocks!.ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input.Filters?.[1]).toEqual({
      Name: "instance-id",
      Values: [WEB_1.id],
    });
    const argv = stub.call()!.argv;
    expect([argv[1], argv[3], argv[5]]).toEqual(["eu-central-1", "ops", "https://ssm.eu-central-1.amazonaws.com"]);
    mocks!.ec2.restore();
    mocks!.ssm.restore();

    const r = await bastionless(["connect", "dev", "bastionless:team=platform"], { instances: [WEB_1, DB_PROXY] });
    expect(r.code).toBe(0);
    expect(startSessions()).toEqual([{ Target: WEB_1.id, DocumentName: "SSM-SessionManagerRunShell" }]);
  });

  test("an older plugin (1.2.497.0 and before) gets the response itself as its first argument", async () => {
    stub = pluginStub(dir, { version: "1.2.497.0" });
    await bastionless(["connect", "dev", "web-1"], { instances: [WEB_1] });
    expect(stub.call()).toEqual({ argv: expect.arrayContaining([JSON.stringify(SESSION)]), response: null });
    expect(stub.call()!.argv[0]).toBe(JSON.stringify(SESSION));
  });

  test("the plugin's exit code is the command's", async () => {
    stub = pluginStub(dir, { exit: 3 });
    const r = await bastionless(["connect", "dev", "web-1"], { instances: [WEB_1] });
    expect(r.code).toBe(3);
  });

  test("several matches without a terminal: an error listing them, no session started", async () => {
    const r = await bastionless(["connect", "dev", "web-1"], { instances: [WEB_1, WEB_1_TOO] });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        "bastionless: 2 instances match web-1; name one by id:",
        `  ${WEB_1.id} (web-1, 10.10.0.11)`,
        `  ${WEB_1_TOO.id} (web-1, 10.10.0.12)`,
        "",
      ].join("\n"),
    );
    expect(startSessions()).toEqual([]);
    expect(stub.call()).toBeUndefined();
  });

  test("no match: an error naming the environment, account, region and target; no session started", async () => {
    const r = await bastionless(["connect", "dev", "web-9"], { instances: [WEB_1] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^bastionless: no running instance in dev \(account 111111111111, eu-west-1\) matches web-9; a bare word is matched exactly against the Name tag/,
    );
    expect(startSessions()).toEqual([]);
  });

  test("SSM agent offline or not registered: says which and why, starts nothing; a lost agent at StartSession too", async () => {
    const lost = await bastionless(["connect", "dev", "web-1"], {
      instances: [
        { ...WEB_1, ping: "ConnectionLost" },
        { ...WEB_1_TOO, ping: null },
      ],
    });
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain(`${WEB_1.id} (web-1, 10.10.0.11): SSM agent ConnectionLost`);
    expect(lost.stderr).toContain(`${WEB_1_TOO.id} (web-1, 10.10.0.12): not registered with Systems Manager`);
    expect(startSessions()).toEqual([]);
    mocks!.ec2.restore();
    mocks!.ssm.restore();

    // one online, one offline: the online one is used and the other named as skipped
    const mixed = await bastionless(["connect", "dev", "web-1"], {
      instances: [WEB_1, { ...WEB_1_TOO, ping: "Inactive" }],
    });
    expect(mixed.code).toBe(0);
    expect(mixed.stderr).toContain(`skipping ${WEB_1_TOO.id} (web-1, 10.10.0.12): SSM agent Inactive`);
    expect(startSessions()).toEqual([expect.objectContaining({ Target: WEB_1.id })]);
    mocks!.ec2.restore();
    mocks!.ssm.restore();
    stub.clear();

    const notConnected = await bastionless(["connect", "dev", "web-1"], {
      instances: [WEB_1],
      startSessionError: { name: "TargetNotConnected", message: `${WEB_1.id} is not connected.` },
    });
    expect(notConnected.code).toBe(1);
    expect(notConnected.stderr).toMatch(/Session Manager cannot reach its SSM agent \(TargetNotConnected\)/);
    expect(stub.call()).toBeUndefined();
  });

  test("plugin missing: how to install it, and no session is started (none left open on the instance)", async () => {
    const empty = path.join(dir, "empty-bin");
    fs.mkdirSync(empty);
    const r = await bastionless(["connect", "dev", "web-1"], { instances: [WEB_1] }, { PATH: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bastionless: session-manager-plugin is not installed \(or not on PATH\)/);
    expect(r.stderr).toContain("session-manager-working-with-install-plugin.html");
    expect(startSessions()).toEqual([]);
    expect(r.mocks.ssm.commandCalls(TerminateSessionCommand)).toEqual([]);
  });

  test("access denied: AWS's message, then the access report's verdict for the caller on that instance", async () => {
    // GIVEN the access report of dev, as the platform repository generates it
    const report = path.join(dir, "access-report.json");
    const gen = spawnSync("npm", ["run", "--silent", "access-report", "--", "dev", "--json", report], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, BASTIONLESS_NOW: "2026-12-07T05:00:00Z" },
    });
    expect(gen.stderr).toContain(`wrote ${report}`);
    // WHEN the developer role (port forwarding only) asks for a shell on a db-proxy instance
    const r = await bastionless(["--access-report", report, "connect", "dev", "db-proxy"], {
      instances: [DB_PROXY],
      startSessionError: {
        name: "AccessDeniedException",
        message: `User: arn:aws:sts::111111111111:assumed-role/developer/alice is not authorized to perform: ssm:StartSession on resource: arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell because no identity-based policy allows the ssm:StartSession action`,
      },
    });
    // THEN the message says which grant is missing for that principal
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "bastionless: access denied by AWS: User: arn:aws:sts::111111111111:assumed-role/developer/alice",
    );
    expect(r.stderr).toContain(
      `  no   db-tunnel  role developer: grants no shell (it grants port-forward dev-db.internal.example.com:5432)`,
    );
    expect(r.stderr).not.toContain("platform-shell");
    expect(stub.call()).toBeUndefined();
  });

  test("access denied without an access report: AWS's message and how to get the report", async () => {
    const r = await bastionless(["connect", "dev", "web-1"], {
      instances: [WEB_1],
      startSessionError: {
        name: "AccessDeniedException",
        message: "User: arn:aws:iam::111111111111:user/carol is not authorized",
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("access denied by AWS: User: arn:aws:iam::111111111111:user/carol is not authorized");
    expect(r.stderr).toContain("which grant is missing is not known");
    expect(r.stderr).toContain("npm run access-report -- --json access-report.json");
  });

  test("--reason goes into StartSession and the plugin's request; one over 256 characters is refused before any call", async () => {
    const ok = await bastionless(["connect", "dev", "web-1", "--reason", "INC-4711 disk full on web-1"], {
      instances: [WEB_1],
    });
    expect(ok.code).toBe(0);
    const request = {
      Target: WEB_1.id,
      DocumentName: "SSM-SessionManagerRunShell",
      Reason: "INC-4711 disk full on web-1",
    };
    expect(startSessions()).toEqual([request]);
    expect(stub.call()!.argv[4]).toBe(JSON.stringify(request));
    mocks!.ec2.restore();
    mocks!.ssm.restore();

    const long = await bastionless(["connect", "dev", "web-1", "--reason", "x".repeat(257)], { instances: [WEB_1] });
    expect(long.code).toBe(2);
    expect(long.stderr).toBe(
      "bastionless: --reason: is 257 characters; Session Manager accepts at most 256 (StartSession Reason)\n",
    );
    expect(long.mocks.ec2.calls()).toEqual([]);
    expect(long.mocks.ssm.calls()).toEqual([]);
  });

  test("a group that expects a reason, without --reason and without a terminal: a usage error saying so; nothing is listed or started", async () => {
    // GIVEN prod's sre-shell group, reasonExpected: true
    const r = await bastionless(["connect", "prod", "api-1"], { instances: [] });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'bastionless: access group sre-shell expects a reason for every session: pass --reason "…" (1-256 characters)\n',
    );
    expect(r.mocks.ec2.calls()).toEqual([]);
    expect(r.mocks.ssm.calls()).toEqual([]);
  });

  test("interfaces [cli] (no ec2:DescribeInstances): an instance id is connected to as given; a Name is an error naming the group's interfaces", async () => {
    // GIVEN a caller whose policy allows no listing (dev's db-tunnel-like CLI-only grant)
    const byId = await bastionless(["connect", "dev", WEB_1.id], {
      instances: [WEB_1],
      denied: ["DescribeInstances", "DescribeInstanceInformation"],
    });
    // THEN the session starts on the id, saying listing was denied
    expect(byId.code).toBe(0);
    expect(byId.stderr).toContain(
      `cannot list instances (ec2:DescribeInstances denied); starting the session on ${WEB_1.id} as given\n`,
    );
    expect(startSessions()).toEqual([{ Target: WEB_1.id, DocumentName: "SSM-SessionManagerRunShell" }]);
    mocks!.ec2.restore();
    mocks!.ssm.restore();

    // WHEN the target is a Name THEN the error names the group, its interfaces and the way out; nothing starts
    const byName = await bastionless(["connect", "dev", "web-1"], {
      instances: [WEB_1],
      denied: ["DescribeInstances", "DescribeInstanceInformation"],
    });
    expect(byName.code).toBe(1);
    expect(byName.stderr).toMatch(
      /^bastionless: listing the instances of dev matching web-1: access denied by AWS \(.*ec2:DescribeInstances\)\n {2}finding an instance by Name or tag lists instances \(ec2:DescribeInstances\), which platform-shell \(interfaces: cli, session-manager-console\) in .*dev\.yaml does not grant: .*give the instance id \(i-…\), or add a console to the group's interfaces \(docs\/interfaces\.md\)\n$/,
    );
    expect(byName.mocks.ssm.commandCalls(StartSessionCommand)).toEqual([]);
  });

  test("interfaces [session-manager-console] (ec2:DescribeInstances, no ssm:DescribeInstanceInformation): a Name still finds the instance, its agent state unknown", async () => {
    const r = await bastionless(["connect", "dev", "web-1"], {
      instances: [WEB_1, DB_PROXY],
      denied: ["DescribeInstanceInformation"],
    });
    expect(r.code).toBe(0);
    expect(startSessions()).toEqual([{ Target: WEB_1.id, DocumentName: "SSM-SessionManagerRunShell" }]);
  });

  test("an unknown environment and an environment without shell access are clear errors", async () => {
    const unknown = await bastionless(["connect", "qa", "web-1"], { instances: [WEB_1] });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^bastionless: unknown environment "qa"; .* has dev, prod, staging\n$/);
    unknown.mocks.ec2.restore();
    unknown.mocks.ssm.restore();

    // GIVEN dev with its port-forwarding group only
    const dev = structuredClone(exampleInput("dev")) as any;
    dev.accessGroups = dev.accessGroups.filter((g: any) => g.name === "db-tunnel");
    const configDir = envDir({ "dev.yaml": dev });
    const r = await bastionless(["--config-dir", configDir, "connect", "dev", "web-1"], { instances: [WEB_1] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^bastionless: no access group of dev grants a shell \(.*dev\.yaml\); it grants port forwarding to dev-db\.internal\.example\.com:5432 \(db-tunnel\): use bastionless forward\n$/,
    );
    expect(r.mocks.ec2.calls()).toEqual([]);
  });
});

describe("bastionless forward", () => {
  test("through an instance the granting group reaches, with the target's own document and parameters", async () => {
    const r = await bastionless(["forward", "dev", "dev-db.internal.example.com:5432", "--local-port", "15432"], {
      instances: [WEB_1, DB_PROXY],
    });
    expect(r.code).toBe(0);
    // only instances with the db-tunnel group's tags were considered
    expect(r.mocks.ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input.Filters).toEqual([
      { Name: "instance-state-name", Values: ["running"] },
      { Name: "tag:bastionless:tier", Values: ["shell", "db-proxy"] },
    ]);
    const request = {
      Target: DB_PROXY.id,
      DocumentName: "bastionless-dev-db-tunnel-port-dev-db.internal.example.com-5432",
      Parameters: { host: ["dev-db.internal.example.com"], portNumber: ["5432"], localPortNumber: ["15432"] },
    };
    expect(startSessions()).toEqual([request]);
    expect(stub.call()!.argv[4]).toBe(JSON.stringify(request));
  });

  test("interfaces [cli]: --via an instance id forwards without listing; without --via the error says to name one", async () => {
    const r = await bastionless(["forward", "dev", "dev-db.internal.example.com:5432", "--via", DB_PROXY.id], {
      instances: [DB_PROXY],
      denied: ["DescribeInstances", "DescribeInstanceInformation"],
    });
    expect(r.code).toBe(0);
    expect(startSessions()).toEqual([
      {
        Target: DB_PROXY.id,
        DocumentName: "bastionless-dev-db-tunnel-port-dev-db.internal.example.com-5432",
        Parameters: { host: ["dev-db.internal.example.com"], portNumber: ["5432"], localPortNumber: ["0"] },
      },
    ]);
    mocks!.ec2.restore();
    mocks!.ssm.restore();

    const none = await bastionless(["forward", "dev", "dev-db.internal.example.com:5432"], {
      instances: [DB_PROXY],
      denied: ["DescribeInstances", "DescribeInstanceInformation"],
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("db-tunnel (interfaces: cli) in ");
    expect(none.mocks.ssm.commandCalls(StartSessionCommand)).toEqual([]);
  });

  test("--via names the instance; one the group may not use is refused with the tags it needs", async () => {
    const r = await bastionless(["forward", "dev", "dev-db.internal.example.com:5432", "--via", "web-1"], {
      instances: [WEB_1, DB_PROXY],
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `bastionless: ${WEB_1.id} (web-1, 10.10.0.11) is not an instance db-tunnel may forward through: db-tunnel needs bastionless:tier=shell|db-proxy\n`,
    );
    expect(startSessions()).toEqual([]);
  });

  test("a target no group grants: the ones that are granted, and no AWS call", async () => {
    const r = await bastionless(["forward", "dev", "prod-db.internal:5432"], { instances: [DB_PROXY] });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "bastionless: no access group of dev grants port forwarding to prod-db.internal:5432 (config/environments/dev.yaml); it grants: dev-db.internal.example.com:5432 (db-tunnel)\n".replace(
        "config/environments/dev.yaml",
        path.relative(process.cwd(), path.join(ENV_DIR, "dev.yaml")),
      ),
    );
    expect(r.mocks.ec2.calls()).toEqual([]);
  });

  test("bad host:port, bad --local-port and a too-long reason are usage errors", async () => {
    for (const [args, message] of [
      [["db:99999"], /"db:99999" is not host:port/],
      [["dev-db.internal.example.com:5432", "--local-port", "70000"], /--local-port: "70000" is not a port/],
      [["dev-db.internal.example.com:5432", "--reason", "y".repeat(300)], /--reason: is 300 characters/],
    ] as const) {
      const r = await bastionless(["forward", "dev", ...args], { instances: [DB_PROXY] });
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
      expect(r.mocks.ec2.calls()).toEqual([]);
      r.mocks.ec2.restore();
      r.mocks.ssm.restore();
    }
  });
});

describe("bastionless as a child process (the real credential chain)", () => {
  const child = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(CLI[0], [...CLI.slice(1), "--config-dir", ENV_DIR, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: cleanEnv({ PATH: `${stub.bin}${path.delimiter}${process.env.PATH}`, ...env }),
    });

  test("an expired SSO session: sign in again with aws sso login --profile, no stack trace", () => {
    // GIVEN an SSO profile whose cached token expired
    const home = path.join(dir, "home");
    fs.mkdirSync(path.join(home, ".aws", "sso", "cache"), { recursive: true });
    const startUrl = "https://example.awsapps.com/start";
    fs.writeFileSync(
      path.join(home, ".aws", "config"),
      `[profile dev-sso]\nsso_start_url = ${startUrl}\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = Developer\nregion = eu-west-1\n`,
    );
    const key = createHash("sha1").update(startUrl).digest("hex");
    fs.writeFileSync(
      path.join(home, ".aws", "sso", "cache", `${key}.json`),
      JSON.stringify({ accessToken: "expired", expiresAt: "2020-01-01T00:00:00Z", region: "eu-west-1", startUrl }),
    );
    // WHEN the operator connects with it
    const r = child(["--profile", "dev-sso", "connect", "dev", "web-1"], { HOME: home });
    // THEN
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^bastionless: listing the instances of dev matching web-1: your AWS SSO session has expired/,
    );
    expect(r.stderr).toContain("sign in again: aws sso login --profile dev-sso");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(stub.call()).toBeUndefined();
  });

  test("no credentials at all: where credentials come from", () => {
    const home = path.join(dir, "empty-home");
    fs.mkdirSync(home);
    const r = child(["connect", "dev", "web-1"], { HOME: home });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^bastionless: listing the instances of dev matching web-1: no AWS credentials found/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("npx bastionless connect dev web-1 with AWS mocked: the plugin is started for the instance", () => {
    const scenario = path.join(dir, "scenario.json");
    fs.writeFileSync(scenario, JSON.stringify({ instances: [WEB_1, DB_PROXY] } satisfies AwsScenario));
    const r = spawnSync(
      process.execPath,
      [...CLI_MOCKED.slice(1), "--config-dir", ENV_DIR, "connect", "dev", "web-1"],
      {
        cwd: dir,
        encoding: "utf8",
        env: cleanEnv({
          PATH: `${stub.bin}${path.delimiter}${process.env.PATH}`,
          BASTIONLESS_TEST_AWS_SCENARIO: scenario,
        }),
      },
    );
    expect(r.stderr).toBe(`Starting session ${SESSION.SessionId} on ${WEB_1.id} with SSM-SessionManagerRunShell\n`);
    expect(r.status).toBe(0);
    expect(JSON.parse(stub.call()!.argv[4])).toEqual({ Target: WEB_1.id, DocumentName: "SSM-SessionManagerRunShell" });
  });
});
