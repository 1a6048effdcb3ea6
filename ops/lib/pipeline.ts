/**
 * The environments the pipelines plan and apply - GitHub Actions (.github/scripts/environments.mjs) and Atlantis
 * (ops/lib/atlantis.ts) - from the loader's environments (loader/load.ts: the same files, the same rule for which
 * files are environments, as `npm run synth`), and their promotion stages: stage 1 has no `promotion.after`, stage
 * n+1 comes after an environment of stage n. Environments whose state is in HCP Terraform (`state.cloud`) are
 * planned and applied there, not by these pipelines; they keep their place in the promotion order.
 */
import * as path from "path";
import type { LoadedEnvironment } from "../../loader/load";
import type { EnvironmentConfig } from "../../loader/schema";

export interface PipelineEnvironment {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  /** The `project` the ci stack's role names start with. */
  readonly project: string;
  readonly stage: number;
  /** The environment file, as the loader names it (relative to the working directory when below it). */
  readonly file: string;
  /** The environment file's name (`dev.yaml`, `qa.yml`). */
  readonly fileName: string;
  /** The environment it is promoted after, when the pipeline manages that one too. */
  readonly after?: string;
}

/** Each environment's promotion stage. The loader has refused unknown names and cycles (loader/promotion.ts). */
export function stages(environments: readonly EnvironmentConfig[]): Map<string, number> {
  const byName = new Map(environments.map((e) => [e.name, e]));
  const stage = new Map<string, number>();
  const of = (e: EnvironmentConfig, seen: string[] = []): number => {
    const after = e.promotion.after;
    if (!after) return 1;
    const before = byName.get(after);
    if (!before) throw new Error(`${e.name}: promotion.after ${JSON.stringify(after)} is not an environment`);
    if (seen.includes(after))
      throw new Error(`${e.name}: promotion.after makes a cycle (${[...seen, after].join(" → ")})`);
    return 1 + of(before, [...seen, e.name]);
  };
  for (const e of environments) stage.set(e.name, of(e));
  return stage;
}

/** The environments the pipelines manage, in promotion order (stage, then name). */
export function pipelineEnvironments(loaded: readonly LoadedEnvironment[]): PipelineEnvironment[] {
  const configs = loaded.map((l) => l.config);
  const stage = stages(configs);
  const managed = loaded.filter((l) => !l.config.state.cloud);
  const managedNames = new Set(managed.map((l) => l.config.name));
  return managed
    .map(({ file, config }) => ({
      name: config.name,
      region: config.region,
      account: config.account,
      project: config.project,
      stage: stage.get(config.name)!,
      file,
      fileName: path.basename(file),
      ...(config.promotion.after && managedNames.has(config.promotion.after) ? { after: config.promotion.after } : {}),
    }))
    .sort((a, b) => a.stage - b.stage || a.name.localeCompare(b.name));
}
