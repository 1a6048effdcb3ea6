/**
 * The cdktf app: one EnvironmentStack per file in config/environments (or $BASTIONLESS_CONFIG_DIR), plus the
 * state-backend bootstrap stack. Everything else lives in config/, stacks/ and modules/.
 */
import * as path from "path";
import { loadEnvironments } from "./config/load";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { EnvironmentStack } from "./stacks/environment-stack";
import { buildEach, runSynth } from "./stacks/synth";

const fromEnv = process.env.BASTIONLESS_CONFIG_DIR;
const configDir = fromEnv ?? path.join(__dirname, "config", "environments");

runSynth(
  () => loadEnvironments(configDir, { variable: fromEnv === undefined ? undefined : "BASTIONLESS_CONFIG_DIR" }),
  (app, environments) => {
    buildEach(environments, ({ config }) => new EnvironmentStack(app, config.name, { config }));
    new BootstrapStack(app, "bootstrap", { environments: environments.map((e) => e.config) });
  },
);
