/**
 * `bastionless`: the operator's command. Connects to an instance by id, Name tag or key=value tag, forwards a port
 * to a remote host through an allowed instance, writes SSH config where SSH is granted, and answers "can I?" offline
 * from the access report. Every failure ends in one clear message and a non-zero exit code, never a stack trace.
 */
import * as path from "path";
import { Command, CommanderError, Option } from "commander";
import type { StartSessionCommandInput } from "@aws-sdk/client-ssm";
import {
  accessReportPath,
  canI,
  deniedCaller,
  forPrincipal,
  readAccessReport,
  renderVerdicts,
  reportedEnvironment,
  type SessionKind,
} from "./access";
import { awsClients, describeAwsError, isAccessDenied, ssmEndpoint, type AwsClients, type AwsScope } from "./aws";
import {
  configDirOf,
  describeTags,
  loadOperatorEnvironment,
  type Grant,
  type OperatorEnvironment,
} from "./environment";
import { CliError, usageError } from "./errors";
import {
  describeInstance,
  offlineReason,
  parseTarget,
  PING_UNKNOWN,
  runningInstances,
  tagFilters,
  targetFilters,
  type Instance,
  type TargetSpec,
} from "./instances";
import { startSession } from "./plugin";
import { askReason, pickInstance } from "./prompts";
import { validateReason } from "./reason";
import { renderSshConfig, selfCommand, sshProxyCommand } from "./ssh-config";

/** What the program reads and writes: the process's by default, the tests' own in tests. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Standard input and output are a terminal: questions may be asked. */
  readonly interactive: boolean;
  readonly now: () => Date;
  /** How ssh starts this command again (ssh-config's ProxyCommand). @default node, its flags and this script */
  readonly self?: readonly string[];
}

export const processIo = (): Io => ({
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  now: () => new Date(),
});

interface GlobalOptions {
  configDir?: string;
  profile?: string;
  region?: string;
  accessReport?: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function scopeOf(opts: GlobalOptions, env: OperatorEnvironment | { region: string }): AwsScope {
  const region = opts.region ?? env.region;
  if (!REGION.test(region))
    throw usageError(`--region: ${JSON.stringify(region)} is not an AWS Region (e.g. eu-west-1)`);
  return { region, profile: opts.profile };
}

/** Runs an AWS call, turning its failure into an operator's message. */
async function aws<T>(scope: AwsScope, doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw describeAwsError(e, doing, scope);
  }
}

/** `key=value[,key=value…]` → tags, or undefined when the text is not a tag list. */
export function parseTagList(text: string): Record<string, string> | undefined {
  const parts = text.split(",");
  if (!parts.every((p) => /^[^=]+=.*$/.test(p))) return undefined;
  return Object.fromEntries(parts.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
}

/** `host:port` with a port in 1-65535. */
export function parseHostPort(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(":");
  const host = text.slice(0, at);
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !/^\d+$/.test(text.slice(at + 1)) || port < 1 || port > 65535)
    throw usageError(`${JSON.stringify(text)} is not host:port (a host name or address, a colon, a port 1-65535)`);
  return { host, port };
}

function parseLocalPort(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw usageError(
      `--local-port: ${JSON.stringify(text)} is not a port (0-65535; 0 lets the plugin pick a free one)`,
    );
  return n;
}

export class Program {
  constructor(private readonly io: Io) {}

  private config(opts: GlobalOptions, name: string): OperatorEnvironment {
    return loadOperatorEnvironment(configDirOf(opts.configDir, this.io.env, this.io.cwd), name);
  }

  /** --reason, validated; or asked for when a group of the session expects one; else none. */
  private async reason(option: string | undefined, grants: readonly Grant[]): Promise<string | undefined> {
    if (option !== undefined) return validateReason(option);
    const expecting = grants.filter((g) => g.reasonExpected).map((g) => g.group);
    if (expecting.length === 0) return undefined;
    if (!this.io.interactive)
      throw usageError(
        `access group ${expecting.join(", ")} expects a reason for every session: pass --reason "…" (1-256 characters)`,
      );
    return askReason(`Reason for this session (expected by ${expecting.join(", ")})`);
  }

  /** The running instances that `target` names (an id, a Name or a tag), listed for `grants`. */
  private matching(
    scope: AwsScope,
    clients: AwsClients,
    env: OperatorEnvironment,
    grants: readonly Grant[],
    target: TargetSpec,
  ): Promise<Instance[]> {
    const doing = `listing the instances of ${env.name} matching ${target.text}`;
    return this.instances(scope, clients, env, grants, doing, targetFilters(target), target);
  }

  /**
   * The running instances matching `filters`. Listing needs ec2:DescribeInstances, which the CLI interface does not
   * grant (only the consoles' do): when it is denied, an instance id is used as given (AWS decides at StartSession),
   * and a Name or tag is an error that says so.
   */
  private async instances(
    scope: AwsScope,
    clients: AwsClients,
    env: OperatorEnvironment,
    grants: readonly Grant[],
    doing: string,
    filters: Parameters<typeof runningInstances>[1],
    target?: TargetSpec,
  ): Promise<Instance[]> {
    try {
      return await runningInstances(clients, filters);
    } catch (e) {
      if (!isAccessDenied(e)) return aws(scope, doing, () => Promise.reject(e));
      if (target?.kind === "id") {
        this.io.err(
          `cannot list instances (ec2:DescribeInstances denied); starting the session on ${target.id} as given\n`,
        );
        return [{ id: target.id, tags: {}, ping: PING_UNKNOWN, unlisted: true }];
      }
      const groups = grants.map((g) => `${g.group} (interfaces: ${g.interfaces.join(", ")})`).join(", ");
      throw new CliError(
        `${doing}: access denied by AWS (${(e as Error).message})\n` +
          `  finding an instance by Name or tag lists instances (ec2:DescribeInstances), which ${groups} in ${env.file} does not grant: ` +
          "the cli interface has no read permissions; give the instance id (i-…), or add a console to the group's interfaces (docs/interfaces.md)",
      );
    }
  }

  /** The one online instance among the matches: asked for in a terminal when several match, else an error. */
  private async chooseOnline(env: OperatorEnvironment, what: string, found: Instance[]): Promise<Instance> {
    if (found.length === 0)
      throw new CliError(
        `no running instance in ${env.name} (account ${env.account}, ${env.region}) matches ${what}; ` +
          "a bare word is matched exactly against the Name tag; give an instance id or key=value otherwise",
      );
    const online = found.filter((i) => i.ping === "Online" || i.ping === PING_UNKNOWN);
    if (online.length === 0)
      throw new CliError(
        `${what}: no matching instance can take a session now:\n${found.map((i) => `  ${describeInstance(i)}: ${offlineReason(i)}`).join("\n")}`,
      );
    for (const i of found.filter((x) => !online.includes(x)))
      this.io.err(`skipping ${describeInstance(i)}: ${offlineReason(i)}\n`);
    if (online.length === 1) return online[0];
    if (!this.io.interactive)
      throw new CliError(
        `${online.length} instances match ${what}; name one by id:\n${online.map((i) => `  ${describeInstance(i)}`).join("\n")}`,
      );
    return pickInstance(`${online.length} instances match ${what}; which one?`, online);
  }

  /** Starts the session; an AccessDenied is explained from the access report, an offline agent named. */
  private async start(
    opts: GlobalOptions,
    env: OperatorEnvironment,
    scope: AwsScope,
    clients: AwsClients,
    instance: Instance,
    request: StartSessionCommandInput,
    kind: SessionKind,
    quiet = false,
  ): Promise<number> {
    const endpoint = await ssmEndpoint(clients.ssm, scope.region);
    try {
      return await startSession(request, {
        ssm: clients.ssm,
        region: scope.region,
        profile: scope.profile,
        endpoint,
        env: this.io.env,
        log: (line) => (quiet ? undefined : this.io.err(`${line}\n`)),
      });
    } catch (e) {
      if (e instanceof CliError) throw e;
      const name = e instanceof Error ? e.name : "";
      if (isAccessDenied(e)) throw this.denied(opts, env, instance, kind, (e as Error).message);
      if (name === "TargetNotConnected")
        throw new CliError(
          `${describeInstance(instance)}: Session Manager cannot reach its SSM agent (TargetNotConnected); ${offlineReason({ ...instance, ping: instance.ping === "Online" ? "ConnectionLost" : instance.ping })}`,
        );
      if (name === "InvalidDocument")
        throw new CliError(
          `${request.DocumentName}: Session Manager has no such document in ${scope.region} (InvalidDocument); has environment ${env.name} been applied?`,
        );
      throw describeAwsError(e, `starting a session on ${describeInstance(instance)}`, scope);
    }
  }

  /** The access-denied message: AWS's words, then the report's verdicts for the caller on this instance. */
  private denied(
    opts: GlobalOptions,
    env: OperatorEnvironment,
    instance: Instance,
    kind: SessionKind,
    message: string,
  ) {
    const lines = [`access denied by AWS: ${message}`];
    const file = path.resolve(this.io.cwd, accessReportPath(opts.accessReport, this.io.env));
    try {
      const report = readAccessReport(file);
      const verdicts = canI(reportedEnvironment(report, file, env.name), instance.tags, kind, this.io.now());
      const caller = deniedCaller(message);
      const mine = caller ? verdicts.filter((v) => caller.matches(v.principal)) : [];
      const shown = mine.length > 0 ? mine : verdicts;
      lines.push(
        `the access report (${path.relative(this.io.cwd, file) || file}, generated ${report.generatedAt}) for ${describeInstance(instance)} (${describeTags(Object.fromEntries(Object.entries(instance.tags).map(([k, v]) => [k, [v]])))})${mine.length > 0 ? `, ${caller!.label}` : ""}:`,
        ...renderVerdicts(shown).map((l) => `  ${l}`),
      );
      if (shown.some((v) => v.allowed))
        lines.push(
          "  the report lets you in: the deployed policies may differ from the report's, or you are not signed in as that principal",
        );
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      lines.push(`which grant is missing is not known: ${e.message}`);
    }
    return new CliError(lines.join("\n"));
  }

  async connect(envName: string, targetText: string, opts: GlobalOptions & { reason?: string }): Promise<number> {
    const target = parseTarget(targetText);
    const env = this.config(opts, envName);
    const shell = env.grants.filter((g) => g.shellDocument);
    if (shell.length === 0)
      throw new CliError(
        `no access group of ${env.name} grants a shell (${env.file}); ${this.otherGrants(env)}`.trimEnd(),
      );
    const scope = scopeOf(opts, env);
    const reason = await this.reason(opts.reason, shell);
    const clients = awsClients(scope);
    const found = await this.matching(scope, clients, env, shell, target);
    const instance = await this.chooseOnline(env, target.text, found);
    return this.start(
      opts,
      env,
      scope,
      clients,
      instance,
      { Target: instance.id, DocumentName: shell[0].shellDocument, ...(reason ? { Reason: reason } : {}) },
      { kind: "shell" },
    );
  }

  private otherGrants(env: OperatorEnvironment): string {
    const forwards = env.grants.flatMap((g) => g.forwards.map((f) => `${f.host}:${f.port} (${g.group})`));
    return forwards.length > 0 ? `it grants port forwarding to ${forwards.join(", ")}: use bastionless forward` : "";
  }

  async forward(
    envName: string,
    hostPort: string,
    opts: GlobalOptions & { reason?: string; localPort?: string; via?: string },
  ): Promise<number> {
    const { host, port } = parseHostPort(hostPort);
    const localPort = opts.localPort === undefined ? 0 : parseLocalPort(opts.localPort);
    const via = opts.via === undefined ? undefined : parseTarget(opts.via);
    const env = this.config(opts, envName);
    const grants = env.grants.filter((g) => g.forwards.some((f) => f.host === host && f.port === port));
    if (grants.length === 0) {
      const all = env.grants.flatMap((g) => g.forwards.map((f) => `${f.host}:${f.port} (${g.group})`));
      throw new CliError(
        `no access group of ${env.name} grants port forwarding to ${host}:${port} (${env.file}); ` +
          (all.length > 0 ? `it grants: ${all.join(", ")}` : "it grants no port forwarding"),
      );
    }
    const scope = scopeOf(opts, env);
    const reason = await this.reason(opts.reason, grants);
    const clients = awsClients(scope);
    const candidates = new Map<string, Instance>();
    if (via) {
      const found = await this.matching(scope, clients, env, grants, via);
      for (const i of found) candidates.set(i.id, i);
    } else {
      for (const g of grants) {
        const found = await this.instances(
          scope,
          clients,
          env,
          grants,
          `listing the instances of ${env.name} with ${describeTags(g.instanceTags)}`,
          tagFilters(g.instanceTags),
        );
        for (const i of found) candidates.set(i.id, i);
      }
    }
    const what = via
      ? via.text
      : `the tags of ${grants.map((g) => `${g.group} (${describeTags(g.instanceTags)})`).join(", ")}`;
    const instance = await this.chooseOnline(env, what, [...candidates.values()]);
    // An instance whose tags could not be listed (--via an id, ec2:DescribeInstances denied): AWS decides.
    const grant = instance.unlisted ? grants[0] : grants.find((g) => matchesTags(instance, g.instanceTags));
    if (!grant)
      throw new CliError(
        `${describeInstance(instance)} is not an instance ${grants.map((g) => g.group).join(" or ")} may forward through: ` +
          grants.map((g) => `${g.group} needs ${describeTags(g.instanceTags)}`).join("; "),
      );
    const document = grant.forwards.find((f) => f.host === host && f.port === port)!.document;
    return this.start(
      opts,
      env,
      scope,
      clients,
      instance,
      {
        Target: instance.id,
        DocumentName: document,
        Parameters: { host: [host], portNumber: [String(port)], localPortNumber: [String(localPort)] },
        ...(reason ? { Reason: reason } : {}),
      },
      { kind: "forward", host, port },
    );
  }

  async sshConfig(envName: string, opts: GlobalOptions & { user?: string }): Promise<number> {
    const env = this.config(opts, envName);
    const grants = env.grants.filter((g) => g.sshDocument);
    if (grants.length === 0)
      throw new CliError(
        `no access group of ${env.name} grants SSH (${env.file}); ssh-config writes Host entries only where SSH is granted (capabilities.ssh)`,
      );
    const scope = scopeOf(opts, env);
    const clients = awsClients(scope);
    const instances = new Map<string, Instance>();
    for (const g of grants) {
      const found = await aws(scope, `listing the instances of ${env.name} with ${describeTags(g.instanceTags)}`, () =>
        runningInstances(clients, tagFilters(g.instanceTags)),
      );
      for (const i of found) instances.set(i.id, i);
    }
    if (instances.size === 0)
      this.io.err(`no running instance of ${env.name} matches the tags of ${grants.map((g) => g.group).join(", ")}\n`);
    const proxy = sshProxyCommand(
      env.name,
      scope,
      configDirOf(opts.configDir, this.io.env, this.io.cwd),
      this.io.self ?? selfCommand(),
    );
    this.io.out(renderSshConfig(env, grants, [...instances.values()], proxy, opts.user));
    return 0;
  }

  async sshProxy(envName: string, instanceId: string, portText: string, opts: GlobalOptions): Promise<number> {
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
      throw usageError(`port: ${JSON.stringify(portText)} is not a port (1-65535)`);
    const target = parseTarget(instanceId);
    if (target.kind !== "id")
      throw usageError(`${JSON.stringify(instanceId)} is not an instance id (ssh passes %h: the HostName)`);
    const env = this.config(opts, envName);
    const ssh = env.grants.find((g) => g.sshDocument);
    if (!ssh) throw new CliError(`no access group of ${env.name} grants SSH (${env.file})`);
    const scope = scopeOf(opts, env);
    const clients = awsClients(scope);
    const instance: Instance = { id: target.id, tags: {}, ping: "Online" };
    return this.start(
      opts,
      env,
      scope,
      clients,
      instance,
      { Target: target.id, DocumentName: ssh.sshDocument, Parameters: { portNumber: [String(port)] } },
      { kind: "ssh" },
      true,
    );
  }

  async canI(
    envName: string,
    targetText: string,
    opts: GlobalOptions & { as?: string; shell?: boolean; ssh?: boolean; forward?: string },
  ): Promise<number> {
    const kinds = [opts.shell, opts.ssh, opts.forward !== undefined].filter(Boolean).length;
    if (kinds > 1) throw usageError("give at most one of --shell, --ssh and --forward");
    const kind: SessionKind = opts.shell
      ? { kind: "shell" }
      : opts.ssh
        ? { kind: "ssh" }
        : opts.forward !== undefined
          ? { kind: "forward", ...parseHostPort(opts.forward) }
          : { kind: "any" };
    const file = path.resolve(this.io.cwd, accessReportPath(opts.accessReport, this.io.env));
    const report = readAccessReport(file);
    const renv = reportedEnvironment(report, file, envName);
    const tags = parseTagList(targetText);
    const probes: { label: string; tags: Record<string, string> }[] = [];
    if (tags)
      probes.push({
        label: Object.entries(tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(", "),
        tags,
      });
    else {
      const target = parseTarget(targetText);
      const scope = scopeOf(opts, renv);
      const clients = awsClients(scope);
      const found = await aws(
        scope,
        `listing the instances of ${envName} matching ${target.text} (for their tags)`,
        () => runningInstances(clients, targetFilters(target)),
      );
      if (found.length === 0)
        throw new CliError(`no running instance in ${envName} (${scope.region}) matches ${target.text}`);
      for (const i of found)
        probes.push({
          label: `${describeInstance(i)}: ${
            Object.entries(i.tags)
              .map(([k, v]) => `${k}=${v}`)
              .join(", ") || "no tags"
          }`,
          tags: { ...i.tags },
        });
    }
    let allowed = false;
    for (const probe of probes) {
      const verdicts = forPrincipal(canI(renv, probe.tags, kind, this.io.now()), opts.as);
      allowed ||= verdicts.some((v) => v.allowed);
      const kindText =
        kind.kind === "any" ? "" : ` (${kind.kind === "forward" ? `forward ${kind.host}:${kind.port}` : kind.kind})`;
      this.io.out(
        `${envName}: ${probe.label}${kindText}\n${renderVerdicts(verdicts)
          .map((l) => `  ${l}\n`)
          .join("")}`,
      );
    }
    this.io.out(`(access report ${path.relative(this.io.cwd, file) || file}, generated ${report.generatedAt})\n`);
    return allowed ? 0 : 1;
  }
}

/** The instance has every key of the condition with one of its values. */
export function matchesTags(i: Instance, tags: Readonly<Record<string, readonly string[]>>): boolean {
  return Object.entries(tags).every(([k, vs]) => i.tags[k] !== undefined && vs.includes(i.tags[k]));
}

function program(io: Io, codes: { code: number }): Command {
  const p = new Program(io);
  const cmd = new Command("bastionless")
    .description("Open Session Manager sessions to the private instances of a bastionless environment.")
    .option(
      "--config-dir <dir>",
      "the environments' YAML files (default: $BASTIONLESS_CONFIG_DIR or ./config/environments)",
    )
    .option(
      "--profile <name>",
      "AWS profile (default: the SDK's chain: AWS_PROFILE, environment, SSO, default profile)",
    )
    .option("--region <region>", "AWS Region (default: the environment's region)")
    .option(
      "--access-report <file>",
      "the access report JSON (default: $BASTIONLESS_ACCESS_REPORT or ./access-report.json)",
    )
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const globals = (c: Command) => c.optsWithGlobals<GlobalOptions>();
  const run = (f: () => Promise<number>) => async () => {
    codes.code = await f();
  };
  const reason = new Option(
    "--reason <text>",
    "why you connect: the session's Reason (1-256 characters), kept in the session record",
  );

  /**
   * A command that opens a session, declared once for connect and forward: `<env>`, what to reach, the command's own
   * options, then --reason; the action runs `open` with the options of the command and the global ones.
   */
  const sessionCommand = <O extends object>(
    name: string,
    description: string,
    target: readonly [name: string, description: string],
    options: readonly (readonly [flags: string, description: string])[],
    open: (env: string, target: string, opts: GlobalOptions & O & { reason?: string }) => Promise<number>,
  ) => {
    const c = cmd
      .command(name)
      .description(description)
      .argument("<env>", "environment name (a file of the config directory)")
      .argument(...target);
    for (const [flags, text] of options) c.option(flags, text);
    c.addOption(reason).action(function (this: Command, env: string, to: string) {
      return run(() => open(env, to, this.optsWithGlobals()))();
    });
  };
  sessionCommand(
    "connect",
    "a shell on an instance, by instance id, Name tag or key=value tag",
    ["<target>", "i-0123456789abcdef0, web-1 (Name tag) or Role=web"],
    [],
    (env, target, opts) => p.connect(env, target, opts),
  );
  sessionCommand<{ localPort?: string; via?: string }>(
    "forward",
    "forward a local port to host:port through an allowed instance (the target's own document)",
    ["<host:port>", "a port-forwarding target of an access group, e.g. db.internal:5432"],
    [
      ["--local-port <n>", "local port (default 0: the plugin picks a free one and prints it)"],
      ["--via <target>", "the instance to forward through (id, Name or key=value; default: any allowed instance)"],
    ],
    (env, hostPort, opts) => p.forward(env, hostPort, opts),
  );
  cmd
    .command("ssh-config")
    .description(
      "ssh config Host entries (ProxyCommand through Session Manager) for the instances where SSH is granted",
    )
    .argument("<env>")
    .option("--user <name>", "the User of every entry")
    .action(function (this: Command, env: string) {
      return run(() => p.sshConfig(env, globals(this)))();
    });
  cmd
    .command("ssh-proxy", { hidden: true })
    .description("the ProxyCommand of ssh-config: an AWS-StartSSHSession session on stdin/stdout")
    .argument("<env>")
    .argument("<instance-id>")
    .argument("<port>")
    .action(function (this: Command, env: string, id: string, port: string) {
      return run(() => p.sshProxy(env, id, port, globals(this)))();
    });
  cmd
    .command("can-i")
    .description("which of your groups would let you in, and why not (offline, from the access report)")
    .argument("<env>")
    .argument("<target>", "key=value[,key=value…] (offline), or an instance id or Name (its tags are looked up)")
    .option(
      "--as <principal>",
      "only your groups: a group name, or part of a principal (role developer, SessionManagerSRE)",
    )
    .option("--shell", "ask for a shell")
    .option("--ssh", "ask for SSH")
    .option("--forward <host:port>", "ask for port forwarding to host:port")
    .action(function (this: Command, env: string, target: string) {
      return run(() => p.canI(env, target, globals(this)))();
    });
  return cmd;
}

/** Runs the command line (without the node and script arguments); returns the exit code. */
export async function run(args: string[], io: Io = processIo()): Promise<number> {
  const codes = { code: 0 };
  try {
    await program(io, codes).parseAsync(args, { from: "user" });
    return codes.code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliError) {
      io.err(`bastionless: ${e.message}\n`);
      return e.exitCode;
    }
    // Ctrl-C in a prompt: @inquirer's ExitPromptError.
    if (e instanceof Error && e.name === "ExitPromptError") {
      io.err("bastionless: cancelled\n");
      return 130;
    }
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    io.err(`bastionless: unexpected error: ${message}\n`);
    if (io.env.BASTIONLESS_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
    return 1;
  }
}
