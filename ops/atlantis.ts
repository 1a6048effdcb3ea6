/**
 * `npm run atlantis`: writes atlantis.yaml (the Atlantis repo config, ops/lib/atlantis.ts) from
 * config/environments. `--check` exits 1 when the committed file is stale. Bad config: the loader's errors, exit 1.
 */
import * as path from "path";
import { ConfigError, loadEnvironments } from "../loader/load";
import { writeOrCheck } from "../tools/generated-file";
import { renderAtlantis } from "./lib/atlantis";

export const ATLANTIS_FILE = path.join(__dirname, "..", "atlantis.yaml");

if (require.main === module) {
  try {
    const environments = loadEnvironments(path.join(__dirname, "..", "config", "environments"));
    writeOrCheck(ATLANTIS_FILE, renderAtlantis(environments), "npm run atlantis");
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exitCode = 1;
  }
}
