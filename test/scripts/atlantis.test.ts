/**
 * The generated atlantis.yaml: current with config/environments, one project per stack directory with autoplan on
 * the environment's file and the shared code, apply requirements, and the promotion order of the GitHub flow.
 */
import * as fs from "fs";
import { parse } from "yaml";
import { atlantisConfig, renderAtlantis, SERVER_SIDE } from "../../ops/lib/atlantis";
import { ATLANTIS_FILE } from "../../ops/atlantis";
import { exampleConfig } from "../helpers/examples";

type Project = {
  name: string;
  dir: string;
  workflow: string;
  autoplan: { enabled: boolean; when_modified: string[] };
  apply_requirements: string[];
  execution_order_group: number;
  depends_on?: string[];
};
const examples = () => ["dev", "staging", "prod"].map((n) => exampleConfig(n));

describe("atlantis.yaml", () => {
  test("the committed file is what npm run atlantis generates from the example environments", () => {
    expect(fs.readFileSync(ATLANTIS_FILE, "utf8")).toBe(renderAtlantis(examples()));
  });

  test("one project per synthesized stack, autoplanned on its file and the shared code, applied only when approved", () => {
    const { projects, version } = parse(renderAtlantis(examples())) as { projects: Project[]; version: number };
    expect(version).toBe(3);
    expect(projects.map((p) => [p.name, p.dir, p.execution_order_group, p.depends_on])).toEqual([
      ["dev", "cdktf.out/stacks/dev", 1, undefined],
      ["staging", "cdktf.out/stacks/staging", 2, ["dev"]],
      ["prod", "cdktf.out/stacks/prod", 3, ["staging"]],
    ]);
    const prod = projects[2];
    expect(prod.autoplan.when_modified).toContain("../../../config/environments/prod.yaml");
    expect(prod.autoplan.when_modified).not.toContain("../../../config/environments/dev.yaml");
    expect(prod.autoplan.when_modified).toEqual(
      expect.arrayContaining(["../../../modules/**/*.ts", "../../../loader/**/*.ts"]),
    );
    expect(prod.apply_requirements).toEqual(["approved", "mergeable", "undiverged"]);
  });

  test("GIVEN an environment in HCP Terraform THEN it is left out (HCP Terraform runs it); its successor keeps no dangling dependency", () => {
    const [dev, staging, prod] = examples();
    const cloudStaging = {
      ...staging,
      state: {
        ...staging.state,
        bucket: undefined,
        cloud: { organization: "a", workspace: "s", hostname: "app.terraform.io" },
      },
    };
    const { projects } = atlantisConfig([dev, cloudStaging, prod]) as { projects: Project[] };
    expect(projects.map((p) => [p.name, p.execution_order_group, p.depends_on])).toEqual([
      ["dev", 1, undefined],
      ["prod", 3, undefined],
    ]);
  });

  test("GIVEN a promotion cycle THEN generation fails naming it", () => {
    const [dev, staging] = examples();
    const looped = [{ ...dev, promotion: { after: "staging" } }, staging];
    expect(() => atlantisConfig(looped)).toThrow(/promotion\.after makes a cycle/);
  });

  test("the server side runs the synth as a pre-workflow hook and allows the overrides the file uses", () => {
    expect(SERVER_SIDE.repos[0].pre_workflow_hooks).toEqual([{ run: "npm ci && npm run synth" }]);
    expect(SERVER_SIDE.repos[0].allowed_overrides).toEqual(["apply_requirements", "workflow"]);
  });
});
