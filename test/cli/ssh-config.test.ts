/** ssh-config's text: one Host per instance, names ssh takes literally, a ProxyCommand /bin/sh reads as meant. */
import type { Grant, OperatorEnvironment } from "../../cli/environment";
import { renderSshConfig, shellWord, sshProxyCommand } from "../../cli/ssh-config";

const env: OperatorEnvironment = {
  name: "dev",
  account: "111111111111",
  region: "eu-west-1",
  file: "config/environments/dev.yaml",
  grants: [],
};
const grant: Grant = {
  group: "platform-ssh",
  instanceTags: { "bastionless:team": ["platform"] },
  forwards: [],
  reasonExpected: false,
  interfaces: ["cli"],
};

describe("ssh-config", () => {
  test("a Host per instance: the Name tag made safe for a Host line, the id when two share a name or none is set", () => {
    const text = renderSshConfig(
      env,
      [grant],
      [
        { id: "i-0aaaaaaaaaaaaaaa1", name: "web 1", tags: {} },
        { id: "i-0aaaaaaaaaaaaaaa2", name: "web 1", tags: {} },
        { id: "i-0aaaaaaaaaaaaaaa3", tags: {} },
      ],
      "PROXY",
      "ec2-user",
    );
    const hosts = [...text.matchAll(/^Host (.+)$/gm)].map((m) => m[1]);
    expect(hosts).toEqual(["dev-web-1", "dev-web-1-i-0aaaaaaaaaaaaaaa2", "dev-i-0aaaaaaaaaaaaaaa3"]);
    expect(text).toContain("Host dev-web-1\n  HostName i-0aaaaaaaaaaaaaaa1\n  User ec2-user\n  ProxyCommand PROXY\n");
    expect(text).toContain("granted to platform-ssh (bastionless:team=platform)");
  });

  test("the ProxyCommand quotes what the shell would split, and passes region, profile and config directory", () => {
    expect(shellWord("/usr/bin/node")).toBe("/usr/bin/node");
    expect(shellWord("/home/a b/bin.js")).toBe("'/home/a b/bin.js'");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(
      sshProxyCommand("dev", { region: "eu-west-1", profile: "dev sso" }, "/repo/config/environments", [
        "/usr/bin/node",
        "/x/bin.js",
      ]),
    ).toBe(
      "/usr/bin/node /x/bin.js ssh-proxy dev %h %p --region eu-west-1 --profile 'dev sso' --config-dir /repo/config/environments",
    );
  });
});
