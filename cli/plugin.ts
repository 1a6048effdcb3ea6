/**
 * Starting a session the way the AWS CLI's `aws ssm start-session` does: StartSession through the SDK, then the
 * session-manager-plugin with the response, the region, the operation, the profile, the request and the endpoint:
 *
 *     session-manager-plugin <response> <region> StartSession <profile> <request JSON> <endpoint URL>
 *
 * Plugins newer than 1.2.497.0 read the response from the environment variable named in its place, so the session
 * token never appears in the process list. While the plugin runs, this process ignores the signals a user types
 * (Ctrl-C, Ctrl-\, Ctrl-Z): they belong to the remote shell.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StartSessionCommand, TerminateSessionCommand, type StartSessionCommandInput } from "@aws-sdk/client-ssm";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { CliError } from "./errors";

export const PLUGIN = "session-manager-plugin";
/** The last plugin version that needs the response itself as its first argument (aws-cli's sessionmanager.py). */
export const LAST_PLUGIN_VERSION_WITHOUT_ENV_VAR = "1.2.497.0";
export const RESPONSE_VARIABLE = "AWS_SSM_START_SESSION_RESPONSE";

export const PLUGIN_MISSING = [
  `${PLUGIN} is not installed (or not on PATH); Session Manager needs it on this machine to open the session.`,
  "  install it: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html",
  "  macOS: brew install --cask session-manager-plugin",
  "  Debian/Ubuntu: download session-manager-plugin.deb from the page above and `sudo dpkg -i session-manager-plugin.deb`",
  `  then check: ${PLUGIN} --version`,
].join("\n");

/** The plugin's path on PATH, or undefined. */
export function findPlugin(env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === "win32" ? [`${PLUGIN}.exe`] : [PLUGIN];
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean))
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  return undefined;
}

/** True when `version` (e.g. `1.2.707.0`) is newer than `min`; false for anything that is not a version. */
export function newerThan(version: string, min: string): boolean {
  const v = version.replace(/\s+/g, "");
  if (!/^\d+(\.\d+){0,3}$/.test(v)) return false;
  const a = v.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return false;
}

export interface SessionContext {
  readonly ssm: SSMClient;
  readonly region: string;
  /** Passed to the plugin as the AWS CLI does: --profile's value, else "". */
  readonly profile?: string;
  readonly endpoint: string;
  readonly env: NodeJS.ProcessEnv;
  /** Written to stderr before the plugin takes the terminal. */
  readonly log: (line: string) => void;
}

/** The plugin's arguments and environment for a StartSession response (exported for the tests). */
export function pluginInvocation(
  response: { SessionId?: string; TokenValue?: string; StreamUrl?: string },
  request: StartSessionCommandInput,
  ctx: Pick<SessionContext, "region" | "profile" | "endpoint" | "env">,
  pluginVersion: string,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const json = JSON.stringify({
    SessionId: response.SessionId,
    TokenValue: response.TokenValue,
    StreamUrl: response.StreamUrl,
  });
  const viaEnv = newerThan(pluginVersion, LAST_PLUGIN_VERSION_WITHOUT_ENV_VAR);
  return {
    args: [
      viaEnv ? RESPONSE_VARIABLE : json,
      ctx.region,
      "StartSession",
      ctx.profile ?? "",
      JSON.stringify(request),
      ctx.endpoint,
    ],
    env: viaEnv ? { ...ctx.env, [RESPONSE_VARIABLE]: json } : { ...ctx.env },
  };
}

const USER_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGQUIT", "SIGTSTP"];

/**
 * Starts the session and hands the terminal to the plugin until it exits; returns the plugin's exit code. The plugin
 * is looked up first, so a missing plugin never leaves a session open; if it cannot be started after all, the
 * session is terminated (as the AWS CLI does) before the error is reported.
 */
export async function startSession(request: StartSessionCommandInput, ctx: SessionContext): Promise<number> {
  const plugin = findPlugin(ctx.env);
  if (!plugin) throw new CliError(PLUGIN_MISSING);
  const version = spawnSync(plugin, ["--version"], { env: ctx.env, encoding: "utf8" });
  if (version.error || version.status !== 0)
    throw new CliError(
      `${plugin} --version failed (${version.error?.message ?? `exit ${version.status}`}): reinstall the plugin\n${PLUGIN_MISSING}`,
    );
  const response = await ctx.ssm.send(new StartSessionCommand(request));
  ctx.log(`Starting session ${response.SessionId} on ${request.Target} with ${request.DocumentName}`);
  const { args, env } = pluginInvocation(response, request, ctx, version.stdout);
  const ignore = () => undefined;
  for (const s of USER_SIGNALS) process.on(s, ignore);
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(plugin, args, { stdio: "inherit", env });
      child.on("error", reject);
      child.on("exit", (code, signal) => resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0)));
    });
  } catch (e) {
    await ctx.ssm.send(new TerminateSessionCommand({ SessionId: response.SessionId })).catch(() => undefined);
    throw new CliError(
      `${plugin} could not be started (${e instanceof Error ? e.message : String(e)})\n${PLUGIN_MISSING}`,
    );
  } finally {
    for (const s of USER_SIGNALS) process.removeListener(s, ignore);
  }
}
