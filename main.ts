/**
 * The cdktf app: one EnvironmentStack per file in config/environments (or $BASTIONLESS_CONFIG_DIR), the
 * IdentityCenterStack when config/identity.yaml exists, the state-backend bootstrap stack and, with config/ci.yaml,
 * the CI identity stack. Everything else lives in config/, stacks/ and modules/.
 *
 * The configuration is loaded once; each stack is then built from it alone, so a large app's stacks are
 * synthesized on several threads (synth/synth-threads.ts).
 */
import * as path from "path";
import { ciFileFor, loadCiConfig, type CiConfig } from "./loader/ci";
import { checkExpiries, clockFrom } from "./loader/expiry";
import { identityFileFor, loadIdentity, type LoadedIdentity } from "./loader/identity";
import { loadEnvironments, type LoadedEnvironment } from "./loader/load";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { CiStack } from "./stacks/ci-stack";
import { EnvironmentStack } from "./stacks/environment-stack";
import { projectBoundaryArn } from "./stacks/permissions-boundary";
import { IdentityCenterStack } from "./stacks/identity-center-stack";
import { runStackSynth, type StackDefinition } from "./synth/synth";
import type { Construct } from "./modules/core/cdktf";

interface Config {
  readonly environments: LoadedEnvironment[];
  readonly identity?: LoadedIdentity;
  readonly ci?: CiConfig;
}

const fromEnv = process.env.BASTIONLESS_CONFIG_DIR;
const configDir = fromEnv ?? path.join(__dirname, "config", "environments");

void runStackSynth(
  (): Config => {
    const now = clockFrom(process.env.BASTIONLESS_NOW);
    const environments = loadEnvironments(configDir, {
      variable: fromEnv === undefined ? undefined : "BASTIONLESS_CONFIG_DIR",
      now,
    });
    const identity = loadIdentity(identityFileFor(configDir), environments);
    for (const warning of checkExpiries(environments, now)) console.warn(`warning: ${warning}`);
    // GitHub Actions OIDC roles per environment, when ci.yaml beside the environments directory (config/ci.yaml, or
    // $BASTIONLESS_CI_CONFIG) names the repository; it may protect only environments that exist.
    const ci = loadCiConfig(
      ciFileFor(configDir),
      environments.map((e) => e.config.name),
    );
    return { environments, identity, ci };
  },
  ({ environments, identity, ci }): StackDefinition<Construct>[] => {
    const configs = environments.map((e) => e.config);
    // The bootstrap and CI stacks hold resources for every environment: the largest stacks of a large app.
    const weight = configs.length;
    return [
      ...environments.map(({ file, config }) => ({
        name: config.name,
        file,
        // Applied by the CI roles: every role the stack creates carries the ci stack's permissions boundary.
        create: (app: Construct) =>
          new EnvironmentStack(app, config.name, {
            config,
            permissionsBoundaryArn: ci && !config.state.cloud ? projectBoundaryArn(config) : undefined,
            // The ci stack serves it: the break-glass role is the ci stack's, out of the apply role's reach.
            breakGlassRoleInCiStack: ci !== undefined && !config.state.cloud,
          }),
      })),
      ...(identity
        ? [
            {
              name: "identity",
              file: identity.file,
              create: (app: Construct) =>
                new IdentityCenterStack(app, "identity", { identity: identity.config, environments: configs, ci }),
            },
          ]
        : []),
      {
        name: "bootstrap",
        weight,
        create: (app: Construct) =>
          new BootstrapStack(app, "bootstrap", { environments: configs, identity: identity?.config }),
      },
      ...(ci
        ? [{ name: "ci", weight, create: (app: Construct) => new CiStack(app, "ci", { environments: configs, ci }) }]
        : []),
    ];
  },
);
