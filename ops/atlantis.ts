/**
 * `npm run atlantis`: writes atlantis.yaml (the Atlantis repo config, ops/lib/atlantis.ts) from
 * config/environments. `--check` exits 1 when the committed file is stale. Bad config: the loader's errors, exit 1.
 */
import * as path from "path";
import { loadEnvironments } from "../loader/load";
import { writeOrCheck } from "../tools/generated-file";
import { renderAtlantis } from "./lib/atlantis";
import { runOps } from "./lib/run";

export const ATLANTIS_FILE = path.join(__dirname, "..", "atlantis.yaml");

if (require.main === module)
  void runOps("atlantis", () => {
    const environments = loadEnvironments(path.join(__dirname, "..", "config", "environments"));
    writeOrCheck(ATLANTIS_FILE, renderAtlantis(environments), "npm run atlantis");
    return 0;
  });
