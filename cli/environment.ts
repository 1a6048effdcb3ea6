/**
 * What the `bastionless` command needs of an environment, read from its YAML with the project's own loader (the
 * same validation as the synth) and named with the same derivations as the stacks: which access group grants which
 * session type on which instance tags, and the document each one starts.
 */
import * as path from "path";
import { ConfigError, loadEnvironments } from "../loader/load";
import type { AccessGroupConfig, EnvironmentConfig } from "../loader/schema";
import { physicalName } from "../modules/core/naming";
import type { SessionInterface } from "../modules/core/limits";
import { portForwardDocumentName, PREFERENCES_DOCUMENT, SSH_DOCUMENT } from "../modules/core/session-documents";
import { CliError, usageError } from "./errors";

export interface ForwardGrant {
  readonly host: string;
  readonly port: number;
  /** The Port document bastionless created for exactly this host and port. */
  readonly document: string;
}

/** One access group, as the operator sees it. */
export interface Grant {
  /** The group's name in the config, e.g. `platform-shell`. */
  readonly group: string;
  /** Tag key → allowed values: an instance is reachable when it has every key with one of its values. */
  readonly instanceTags: Readonly<Record<string, readonly string[]>>;
  /** The logged shell's document (the environment's preferences document), when the group grants a shell. */
  readonly shellDocument?: string;
  /** `AWS-StartSSHSession`, when the group grants SSH. */
  readonly sshDocument?: string;
  readonly forwards: readonly ForwardGrant[];
  /** The group expects every session to carry a reason (the command asks for one). */
  readonly reasonExpected: boolean;
  /**
   * Where the group's members may start sessions from. Finding an instance by Name or tag lists instances
   * (ec2:DescribeInstances, ssm:DescribeInstanceInformation), which only the consoles' interfaces grant.
   */
  readonly interfaces: readonly SessionInterface[];
}

export interface OperatorEnvironment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** The YAML file it came from. */
  readonly file: string;
  readonly grants: readonly Grant[];
}

/** Where environments are read from: --config-dir, else BASTIONLESS_CONFIG_DIR, else ./config/environments. */
export function configDirOf(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  return path.resolve(cwd, option ?? env.BASTIONLESS_CONFIG_DIR ?? path.join("config", "environments"));
}

/** The grant of one configured access group. */
export function grantOf(config: EnvironmentConfig, group: AccessGroupConfig): Grant {
  const name = physicalName({ project: config.project, environment: config.name }, group.name);
  const forwards = group.capabilities.portForwarding.map((t) => ({
    host: t.host,
    port: t.port,
    document: portForwardDocumentName(name, t),
  }));
  return {
    group: group.name,
    instanceTags: group.instanceTags,
    shellDocument: group.capabilities.shell ? PREFERENCES_DOCUMENT : undefined,
    sshDocument: group.capabilities.ssh ? SSH_DOCUMENT : undefined,
    forwards,
    reasonExpected: group.reasonExpected,
    interfaces: group.interfaces,
  };
}

/** Loads and validates every environment file (as the synth does) and returns the named one. */
export function loadOperatorEnvironment(dir: string, name: string): OperatorEnvironment {
  let environments;
  try {
    environments = loadEnvironments(dir);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message);
    throw e;
  }
  const found = environments.find((e) => e.config.name === name);
  if (!found)
    throw usageError(
      `unknown environment ${JSON.stringify(name)}; ${dir} has ${environments.map((e) => e.config.name).join(", ") || "none"}`,
    );
  const { config } = found;
  return {
    name: config.name,
    account: config.account,
    region: config.region,
    file: found.file,
    grants: config.accessGroups.map((g) => grantOf(config, g)),
  };
}

/** `Team=platform|web and AccessTier=shell`: how a grant's tag condition reads in messages. */
export function describeTags(tags: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(tags)
    .map(([k, vs]) => `${k}=${vs.join("|")}`)
    .join(" and ");
}
