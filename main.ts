/**
 * The cdktf app: one EnvironmentStack per file in config/environments (or $BASTIONLESS_CONFIG_DIR), the
 * IdentityCenterStack when config/identity.yaml exists, the state-backend bootstrap stack and, with config/ci.yaml,
 * the CI identity stack. Everything else lives in config/, stacks/ and modules/.
 */
import * as path from "path";
import { checkExpiries, clockFrom } from "./config/expiry";
import { identityFileFor, loadIdentity, type LoadedIdentity } from "./config/identity";
import { loadEnvironments } from "./config/load";
import { loadCiConfig } from "./config/ci";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { CiStack } from "./stacks/ci-stack";
import { EnvironmentStack } from "./stacks/environment-stack";
import { IdentityCenterStack } from "./stacks/identity-center-stack";
import { buildEach, runSynth } from "./stacks/synth";

const fromEnv = process.env.BASTIONLESS_CONFIG_DIR;
const configDir = fromEnv ?? path.join(__dirname, "config", "environments");
let identity: LoadedIdentity | undefined;

runSynth(
  () => {
    const environments = loadEnvironments(configDir, {
      variable: fromEnv === undefined ? undefined : "BASTIONLESS_CONFIG_DIR",
    });
    identity = loadIdentity(identityFileFor(configDir), environments);
    for (const warning of checkExpiries(environments, clockFrom(process.env.BASTIONLESS_NOW)))
      console.warn(`warning: ${warning}`);
    return environments;
  },
  (app, environments) => {
    buildEach(environments, ({ config }) => new EnvironmentStack(app, config.name, { config }));
    if (identity) {
      new IdentityCenterStack(app, "identity", {
        identity: identity.config,
        environments: environments.map((e) => e.config),
      });
    }
    new BootstrapStack(app, "bootstrap", {
      environments: environments.map((e) => e.config),
      identity: identity?.config,
    });
    // GitHub Actions OIDC roles per environment, when config/ci.yaml (or $BASTIONLESS_CI_CONFIG) names the repository.
    const ci = loadCiConfig(process.env.BASTIONLESS_CI_CONFIG ?? path.join(__dirname, "config", "ci.yaml"));
    if (ci) new CiStack(app, "ci", { environments: environments.map((e) => e.config), ci });
  },
);
