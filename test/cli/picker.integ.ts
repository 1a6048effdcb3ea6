/**
 * The instance picker in a real terminal: `bastionless connect dev web-1` in tmux, two instances named web-1; the
 * operator sees both, presses Down and Enter, and the session starts on the second. Skipped, saying so, where tmux is
 * not installed.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CLI_MOCKED, WEB_1, WEB_1_TOO, cleanEnv, pluginStub, type AwsScenario } from "../helpers/cli";
import { ENV_DIR } from "../helpers/examples";

// Child processes (node with the TypeScript hook, ssh, tmux) on a shared 2-core machine.
jest.setTimeout(120_000);

const hasTmux = spawnSync("tmux", ["-V"], { encoding: "utf8" }).error === undefined;
if (!hasTmux) console.warn("SKIPPED test/cli/picker.integ.ts: tmux is not installed (apt-get install tmux)");
const tmuxTest = hasTmux ? test : test.skip;

let dir: string;
let socket: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bl-tmux-"));
  socket = `bastionless-picker-${process.pid}`;
});
afterEach(() => {
  spawnSync("tmux", ["-L", socket, "kill-server"]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });

/** Polls the pane until `pattern` shows (or fails with what the screen showed). */
async function screenShows(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let screen = "";
  while (Date.now() < until) {
    screen = tmux("capture-pane", "-p", "-t", "picker");
    if (pattern.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the terminal never showed ${pattern}; it shows:\n${screen}`);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts `bastionless connect <args>` in a tmux terminal, AWS answering from `scenario`; returns the stub. */
function connectInTerminal(scenario: AwsScenario, args: readonly string[] = ["dev", "web-1"]) {
  const stub = pluginStub(dir);
  const file = path.join(dir, "scenario.json");
  fs.writeFileSync(file, JSON.stringify(scenario));
  const env = cleanEnv({
    PATH: `${stub.bin}${path.delimiter}${process.env.PATH}`,
    BASTIONLESS_TEST_AWS_SCENARIO: file,
    TERM: "xterm-256color",
  });
  const exports = Object.entries(env)
    .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
    .map(([k, v]) => `export ${k}=${quote(String(v))}`);
  const command = [...CLI_MOCKED, "--config-dir", ENV_DIR, "connect", ...args].map(quote).join(" ");
  const script = path.join(dir, "run.sh");
  fs.writeFileSync(script, [...exports, command, 'echo "EXIT=$?"', "sleep 60", ""].join("\n"));
  tmux("new-session", "-d", "-s", "picker", "-x", "120", "-y", "30", `sh ${quote(script)}`);
  return stub;
}

tmuxTest("several matches in a terminal: a picker lists them, Down + Enter connects to the second", async () => {
  // GIVEN two online instances named web-1 and the plugin stub on PATH
  // WHEN the operator runs connect in a terminal
  const stub = connectInTerminal({ instances: [WEB_1, WEB_1_TOO] });
  const picker = await screenShows(/i-0aaaaaaaaaaaaaaa2/);
  // THEN both instances are offered, the first selected
  expect(picker).toContain("2 instances match web-1; which one?");
  expect(picker).toMatch(/❯ i-0aaaaaaaaaaaaaaa1 \(web-1, 10\.10\.0\.11\)/);
  expect(picker).toContain("i-0aaaaaaaaaaaaaaa2 (web-1, 10.10.0.12)");
  // WHEN Down and Enter
  tmux("send-keys", "-t", "picker", "Down");
  await screenShows(/❯ i-0aaaaaaaaaaaaaaa2/);
  tmux("send-keys", "-t", "picker", "Enter");
  const done = await screenShows(/EXIT=\d+/);
  // THEN the session starts on the second instance
  expect(done).toContain("EXIT=0");
  expect(done).toContain(`Starting session alice-0123456789abcdef0 on ${WEB_1_TOO.id} with SSM-SessionManagerRunShell`);
  expect(JSON.parse(stub.call()!.argv[4])).toEqual({
    Target: WEB_1_TOO.id,
    DocumentName: "SSM-SessionManagerRunShell",
  });
});

tmuxTest("Ctrl-C in the picker cancels: nothing is started", async () => {
  const stub = connectInTerminal({ instances: [WEB_1, WEB_1_TOO] });
  await screenShows(/which one\?/);
  tmux("send-keys", "-t", "picker", "C-c");
  const done = await screenShows(/EXIT=\d+/);
  expect(done).toContain("bastionless: cancelled");
  expect(done).toContain("EXIT=130");
  expect(stub.call()).toBeUndefined();
});

/** An instance of prod's sre-shell group, whose sessions are expected to carry a reason. */
const API_1 = {
  id: "i-0ccccccccccccccc1",
  name: "api-1",
  tags: { "bastionless:environment": "prod", "bastionless:team": "sre" },
  ip: "10.30.0.21",
};

tmuxTest(
  "a group that expects a reason, no --reason, in a terminal: the reason is asked for, an empty one refused, the answer sent",
  async () => {
    // GIVEN prod's sre-shell group (reasonExpected: true) and no --reason
    const stub = connectInTerminal({ instances: [API_1] }, ["prod", "api-1"]);
    // THEN the operator is asked, naming the group and the limit
    const asked = await screenShows(/Reason for this session/);
    expect(asked).toContain("Reason for this session (expected by sre-shell) (1-256 characters)");
    // WHEN Enter on an empty answer THEN it is refused in place and nothing starts
    tmux("send-keys", "-t", "picker", "Enter");
    await screenShows(/reason: is empty; give 1 to 256 characters saying why you connect/);
    expect(stub.call()).toBeUndefined();
    // WHEN a reason is typed and Enter
    tmux("send-keys", "-t", "picker", "-l", "INC-4711 api-1 latency");
    tmux("send-keys", "-t", "picker", "Enter");
    const done = await screenShows(/EXIT=\d+/);
    // THEN the session starts with it as StartSession's Reason
    expect(done).toContain("EXIT=0");
    expect(JSON.parse(stub.call()!.argv[4])).toEqual({
      Target: API_1.id,
      DocumentName: "SSM-SessionManagerRunShell",
      Reason: "INC-4711 api-1 latency",
    });
  },
);
