/**
 * `bastionless ssh-config`: Host entries only where SSH is granted, read by a real OpenSSH (`ssh -G`), and a real
 * `ssh` through the ProxyCommand reaches the plugin with an AWS-StartSSHSession session for the host's instance.
 * Skipped, saying so, where OpenSSH's client is not installed.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StartSessionCommand } from "@aws-sdk/client-ssm";
import { run } from "../../cli/program";
import {
  CLI_MOCKED,
  DB_PROXY,
  WEB_1,
  captureIo,
  cleanEnv,
  mockAws,
  pluginStub,
  type AwsScenario,
} from "../helpers/cli";
import { envDir } from "../helpers/env-dir";
import { ENV_DIR, exampleInput } from "../helpers/examples";

// Child processes (node with the TypeScript hook, ssh, tmux) on a shared 2-core machine.
jest.setTimeout(120_000);

const hasSsh = spawnSync("ssh", ["-V"], { encoding: "utf8" }).error === undefined;
if (!hasSsh)
  console.warn("SKIPPED test/cli/ssh-config.integ.ts: OpenSSH's ssh is not installed (apt-get install openssh-client)");
const sshTest = hasSsh ? test : test.skip;

const WEB_2 = { id: "i-0ccccccccccccccc1", name: "web 2", tags: { "bastionless:team": "platform" } };

let dir: string;
let stub: ReturnType<typeof pluginStub>;
let configDir: string;
let mocks: ReturnType<typeof mockAws> | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-ssh-"));
  stub = pluginStub(dir);
  // GIVEN dev with a group that grants SSH on bastionless:team=platform
  const dev = structuredClone(exampleInput("dev")) as any;
  dev.accessGroups.push({
    name: "platform-ssh",
    description: "Platform engineers; SSH on platform instances",
    instanceTags: { "bastionless:team": ["platform"] },
    capabilities: { shell: false, ssh: true },
    principals: { iamGroup: true },
  });
  configDir = envDir({ "dev.yaml": dev });
});
afterEach(() => {
  mocks?.ec2.restore();
  mocks?.ssm.restore();
  mocks = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function sshConfig(config: string, args: string[], scenario: AwsScenario) {
  mocks = mockAws(scenario);
  const c = captureIo(cleanEnv({ PATH: `${stub.bin}${path.delimiter}${process.env.PATH}` }), dir, CLI_MOCKED);
  const code = await run(["--config-dir", config, "ssh-config", ...args], c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/** `ssh -G`'s resolved settings for a host, as key → value. */
function resolved(file: string, host: string): Record<string, string> {
  const r = spawnSync("ssh", ["-G", "-F", file, host], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return Object.fromEntries(
    r.stdout
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]),
  );
}

describe("bastionless ssh-config", () => {
  sshTest("ssh -G resolves each instance of the SSH group to its id and the Session Manager ProxyCommand", async () => {
    // WHEN ssh-config runs with two platform instances and one instance of another team
    const r = await sshConfig(configDir, ["dev", "--user", "ec2-user"], { instances: [WEB_1, WEB_2, DB_PROXY] });
    expect(r.code).toBe(0);
    const file = path.join(dir, "ssh_config");
    fs.writeFileSync(file, r.stdout);
    // THEN OpenSSH reads the hosts as meant
    const web1 = resolved(file, "dev-web-1");
    expect(web1.hostname).toBe(WEB_1.id);
    expect(web1.user).toBe("ec2-user");
    expect(web1.proxycommand).toContain(`ssh-proxy dev %h %p --region eu-west-1 --config-dir ${configDir}`);
    expect(resolved(file, "dev-web-2").hostname).toBe(WEB_2.id);
    // the other team's instance has no entry: ssh resolves the alias to itself
    expect(r.stdout).not.toContain(DB_PROXY.id);
    expect(resolved(file, "dev-db-proxy").hostname).toBe("dev-db-proxy");
  });

  sshTest(
    "ssh through the ProxyCommand starts an AWS-StartSSHSession session on the host's instance and port",
    async () => {
      const scenario: AwsScenario = { instances: [WEB_1] };
      const r = await sshConfig(configDir, ["dev"], scenario);
      const file = path.join(dir, "ssh_config");
      fs.writeFileSync(file, r.stdout);
      fs.writeFileSync(path.join(dir, "scenario.json"), JSON.stringify(scenario));
      // WHEN a real ssh connects (the stub plugin closes the connection at once, so ssh itself fails)
      const ssh = spawnSync(
        "ssh",
        [
          "-F",
          file,
          "-o",
          "BatchMode=yes",
          "-o",
          "StrictHostKeyChecking=no",
          "-o",
          "UserKnownHostsFile=/dev/null",
          "-p",
          "2222",
          "dev-web-1",
          "true",
        ],
        {
          encoding: "utf8",
          timeout: 30_000,
          env: cleanEnv({
            PATH: `${stub.bin}${path.delimiter}${process.env.PATH}`,
            BASTIONLESS_TEST_AWS_SCENARIO: path.join(dir, "scenario.json"),
          }),
        },
      );
      expect(ssh.status).not.toBe(0);
      // THEN the plugin was started for the SSH document, the instance ssh resolved and the port it was given
      const call = stub.call();
      expect(call?.argv[2]).toBe("StartSession");
      expect(JSON.parse(call!.argv[4])).toEqual({
        Target: WEB_1.id,
        DocumentName: "AWS-StartSSHSession",
        Parameters: { portNumber: ["2222"] },
      });
    },
  );

  test("an environment where no group grants SSH gets no entries, and says why", async () => {
    const r = await sshConfig(ENV_DIR, ["dev"], { instances: [WEB_1] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^bastionless: no access group of dev grants SSH \(.*dev\.yaml\); ssh-config writes Host entries only where SSH is granted \(capabilities\.ssh\)\n$/,
    );
    expect(r.stdout).toBe("");
    expect(mocks!.ssm.commandCalls(StartSessionCommand)).toEqual([]);
  });
});
