/**
 * Test doubles of the `bastionless` command's world: AWS through aws-sdk-client-mock (EC2 and Systems Manager
 * answer from a scenario of instances, filtering as the APIs do), a session-manager-plugin stub on PATH that records
 * its arguments, and an Io that captures what the command prints.
 */
import * as fs from "fs";
import * as path from "path";
import {
  DescribeInstancesCommand,
  EC2Client,
  type DescribeInstancesCommandInput,
  type Instance as Ec2Instance,
} from "@aws-sdk/client-ec2";
import {
  AccessDeniedException,
  DescribeInstanceInformationCommand,
  InvalidDocument,
  SSMClient,
  StartSessionCommand,
  TargetNotConnected,
  TerminateSessionCommand,
  type DescribeInstanceInformationCommandInput,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import type { Io } from "../../cli/program";

const ROOT = path.join(__dirname, "..", "..");
/** The command from source: node with the project's TypeScript hook, and cli/bin.ts. */
export const CLI = [
  process.execPath,
  "-r",
  path.join(ROOT, "tools", "swc-register.js"),
  path.join(ROOT, "cli", "bin.ts"),
];
/** The same, with AWS answered from the scenario file BASTIONLESS_TEST_AWS_SCENARIO names (cli-mock-aws.ts). */
export const CLI_MOCKED = [...CLI.slice(0, 3), "-r", path.join(__dirname, "cli-mock-aws.ts"), CLI[3]];

/** The process environment without the developer's own AWS settings (and no instance metadata lookups). */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  return { ...env, AWS_EC2_METADATA_DISABLED: "true", ...extra };
}

/** Instances of the example environment dev. */
export const WEB_1 = {
  id: "i-0aaaaaaaaaaaaaaa1",
  name: "web-1",
  tags: { "bastionless:team": "platform" },
  ip: "10.10.0.11",
};
export const WEB_1_TOO = {
  id: "i-0aaaaaaaaaaaaaaa2",
  name: "web-1",
  tags: { "bastionless:team": "platform" },
  ip: "10.10.0.12",
};
export const DB_PROXY = {
  id: "i-0bbbbbbbbbbbbbbb1",
  name: "db-proxy",
  tags: { "bastionless:tier": "db-proxy" },
  ip: "10.10.16.5",
};

export interface ScenarioInstance {
  readonly id: string;
  readonly name?: string;
  readonly tags?: Record<string, string>;
  readonly ip?: string;
  /** Systems Manager's PingStatus; null: not registered with Systems Manager. @default "Online" */
  readonly ping?: string | null;
}

export interface AwsScenario {
  readonly instances: readonly ScenarioInstance[];
  /** StartSession fails with this service error. @default - it succeeds */
  readonly startSessionError?: {
    readonly name: "AccessDeniedException" | "TargetNotConnected" | "InvalidDocument";
    readonly message: string;
  };
  /**
   * Read calls the caller's policy does not allow (an access group with interfaces [cli] has neither).
   * @default - both allowed
   */
  readonly denied?: readonly ("DescribeInstances" | "DescribeInstanceInformation")[];
}

const NOT_AUTHORIZED_INFO =
  "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: ssm:DescribeInstanceInformation";

/** EC2's answer to a call the caller's policy does not allow. */
function unauthorized(action: string): Error {
  const e = new Error(
    `You are not authorized to perform this operation. User: arn:aws:iam::111111111111:user/alice is not authorized to perform: ${action}`,
  );
  e.name = "UnauthorizedOperation";
  return e;
}

export const SESSION = {
  SessionId: "alice-0123456789abcdef0",
  TokenValue: "token-value",
  StreamUrl: "wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/alice-0123456789abcdef0?role=publish_subscribe",
};

const ERRORS = { AccessDeniedException, TargetNotConnected, InvalidDocument };

function tagsOf(i: ScenarioInstance): Record<string, string> {
  return { ...(i.name ? { Name: i.name } : {}), ...(i.tags ?? {}) };
}

/** DescribeInstances' filter semantics: AND across filter names, OR across a filter's values. */
function matches(i: ScenarioInstance, input: DescribeInstancesCommandInput): boolean {
  return (input.Filters ?? []).every((f) => {
    const values = f.Values ?? [];
    if (f.Name === "instance-state-name") return values.includes("running");
    if (f.Name === "instance-id") return values.includes(i.id);
    if (f.Name?.startsWith("tag:")) {
      const v = tagsOf(i)[f.Name.slice(4)];
      return v !== undefined && values.includes(v);
    }
    throw new Error(`the scenario does not know filter ${f.Name}`);
  });
}

/** Installs the mocks; returns them for call assertions (reset before each test by the caller). */
export function mockAws(scenario: AwsScenario) {
  const ec2 = mockClient(EC2Client);
  const ssm = mockClient(SSMClient);
  const denied = scenario.denied ?? [];
  if (denied.includes("DescribeInstances"))
    ec2.on(DescribeInstancesCommand).rejects(unauthorized("ec2:DescribeInstances"));
  else
    ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => ({
      Reservations: [
        {
          Instances: scenario.instances
            .filter((i) => matches(i, input))
            .map((i): Ec2Instance => ({
              InstanceId: i.id,
              PrivateIpAddress: i.ip,
              Tags: Object.entries(tagsOf(i)).map(([Key, Value]) => ({ Key, Value })),
            })),
        },
      ],
    }));
  if (denied.includes("DescribeInstanceInformation"))
    ssm.on(DescribeInstanceInformationCommand).rejects(
      new AccessDeniedException({
        Message: NOT_AUTHORIZED_INFO,
        message: NOT_AUTHORIZED_INFO,
        $metadata: {},
      }),
    );
  else
    ssm.on(DescribeInstanceInformationCommand).callsFake((input: DescribeInstanceInformationCommandInput) => {
      const ids = input.Filters?.find((f) => f.Key === "InstanceIds")?.Values ?? [];
      return {
        InstanceInformationList: scenario.instances
          .filter((i) => ids.includes(i.id) && i.ping !== null)
          .map((i) => ({ InstanceId: i.id, PingStatus: (i.ping ?? "Online") as "Online" })),
      };
    });
  const failure = scenario.startSessionError;
  if (failure)
    ssm
      .on(StartSessionCommand)
      .rejects(new ERRORS[failure.name]({ Message: failure.message, message: failure.message, $metadata: {} }));
  else ssm.on(StartSessionCommand).resolves(SESSION);
  ssm.on(TerminateSessionCommand).resolves({ SessionId: SESSION.SessionId });
  return { ec2, ssm };
}

/** A directory with a session-manager-plugin stub that writes {argv, response} to `record` and exits with `exit`. */
export function pluginStub(dir: string, options: { version?: string; exit?: number } = {}) {
  const bin = path.join(dir, "bin");
  const record = path.join(dir, "plugin-call.json");
  fs.mkdirSync(bin, { recursive: true });
  const file = path.join(bin, "session-manager-plugin");
  fs.writeFileSync(
    file,
    `#!${process.execPath}
const fs = require("fs");
if (process.argv[2] === "--version") {
  process.stdout.write(${JSON.stringify(`${options.version ?? "1.2.707.0"}\n`)});
  process.exit(0);
}
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({
  argv: process.argv.slice(2),
  response: process.env.AWS_SSM_START_SESSION_RESPONSE ?? null,
}));
process.exit(${options.exit ?? 0});
`,
    { mode: 0o755 },
  );
  return {
    bin,
    /** Forgets the recorded call (between two runs of one test). */
    clear: () => fs.rmSync(record, { force: true }),
    /** The plugin's recorded call, or undefined when it was not started for a session. */
    call: (): { argv: string[]; response: string | null } | undefined =>
      fs.existsSync(record)
        ? (JSON.parse(fs.readFileSync(record, "utf8")) as { argv: string[]; response: string | null })
        : undefined,
  };
}

/** An Io that captures stdout and stderr. */
export function captureIo(env: NodeJS.ProcessEnv, cwd: string, self?: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    env,
    cwd,
    interactive: false,
    self,
    now: () => new Date("2026-12-07T05:00:00Z"),
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}
