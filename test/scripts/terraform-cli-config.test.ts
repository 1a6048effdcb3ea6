/**
 * Which Terraform CLI configuration `npm run validate` uses: the caller's TF_CLI_CONFIG_FILE when that file exists,
 * else the repository's offline-mirror config only where the mirror exists, else Terraform's defaults (a hosted
 * runner with setup-terraform and the public registry).
 */
import * as fs from "fs";
import { cliConfigFile, mirrorPaths, REPO_CLI_CONFIG } from "../../tools/terraform";

describe("Terraform CLI configuration", () => {
  test("the repository config names its mirror", () => {
    expect(mirrorPaths(fs.readFileSync(REPO_CLI_CONFIG, "utf8"))).toEqual(["/opt/tf-plugins"]);
  });

  test("GIVEN TF_CLI_CONFIG_FILE naming an existing file THEN it is honoured", () => {
    expect(cliConfigFile({ TF_CLI_CONFIG_FILE: "/ci/terraformrc" }, REPO_CLI_CONFIG, () => true)).toBe(
      "/ci/terraformrc",
    );
  });

  test("GIVEN TF_CLI_CONFIG_FILE naming a missing file and the mirror present THEN the repository config", () => {
    const exists = (p: string) => p === REPO_CLI_CONFIG || p === "/opt/tf-plugins";
    expect(cliConfigFile({ TF_CLI_CONFIG_FILE: "/root/.terraformrc" }, REPO_CLI_CONFIG, exists)).toBe(REPO_CLI_CONFIG);
  });

  test("GIVEN no mirror on this machine (a hosted runner) THEN no CLI config: Terraform's defaults", () => {
    const exists = (p: string) => p === REPO_CLI_CONFIG;
    expect(cliConfigFile({}, REPO_CLI_CONFIG, exists)).toBeUndefined();
  });
});
