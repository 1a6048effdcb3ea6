/**
 * `ssh-config`: OpenSSH `Host` entries for the running instances an SSH-granting access group reaches, each with a
 * ProxyCommand that opens an `AWS-StartSSHSession` session through this command (`bastionless ssh-proxy`), so
 * `ssh dev-web-1` works with no inbound port 22 and no bastion.
 */
import type { AwsScope } from "./aws";
import { describeTags, type Grant, type OperatorEnvironment } from "./environment";
import { byName, type Instance } from "./instances";

/** A word as /bin/sh reads it: bare when it is safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** How ssh starts this command: node, its flags (a require hook when run from source) and the script. */
export function selfCommand(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]];
}

/** The ProxyCommand: `bastionless ssh-proxy <env> %h %p` with the region, profile and config directory in use. */
export function sshProxyCommand(
  env: string,
  scope: AwsScope,
  configDir: string | undefined,
  self: readonly string[] = selfCommand(),
): string {
  return [
    ...self.map(shellWord),
    "ssh-proxy",
    shellWord(env),
    "%h",
    "%p",
    "--region",
    shellWord(scope.region),
    ...(scope.profile ? ["--profile", shellWord(scope.profile)] : []),
    ...(configDir ? ["--config-dir", shellWord(configDir)] : []),
  ].join(" ");
}

/** `dev-web-1`: the environment and the Name tag (or the id), in characters a Host pattern takes literally. */
function alias(env: string, i: Instance, taken: Set<string>): string {
  const base = `${env}-${(i.name ?? i.id).replace(/[^A-Za-z0-9._-]+/g, "-")}`;
  const name = taken.has(base) ? `${base}-${i.id}` : base;
  taken.add(name);
  return name;
}

export function renderSshConfig(
  env: OperatorEnvironment,
  grants: readonly Grant[],
  instances: readonly Instance[],
  proxyCommand: string,
  user?: string,
): string {
  const lines = [
    `# bastionless ssh-config ${env.name}: account ${env.account}, ${env.region}`,
    `# SSH through Session Manager (AWS-StartSSHSession), granted to ${grants.map((g) => `${g.group} (${describeTags(g.instanceTags)})`).join(", ")}.`,
    "# Session Manager does not log what is done inside SSH sessions. Regenerate when instances change.",
  ];
  const taken = new Set<string>();
  for (const i of [...instances].sort(byName)) {
    lines.push(
      "",
      `Host ${alias(env.name, i, taken)}`,
      `  HostName ${i.id}`,
      ...(user ? [`  User ${user}`] : []),
      `  ProxyCommand ${proxyCommand}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
