/**
 * A synthesized stack read back from its cdk.tf.json: the blocks the access evaluation reads (type, address, the
 * construct path cdktf records in each block's `//` metadata, configuration), with nothing of the code that wrote
 * it. The access change reads the base commit's access from the files its own code synthesized, so a change of
 * code is seen like a change of configuration.
 */
import * as fs from "fs";
import * as path from "path";
import { RESERVED_STACK_NAMES } from "../../loader/reserved";
import { block, references, strings, type Attributes, type Json } from "../../modules/guardrails/model";
import { accessGroupsOf, type AccessSubject, type Block, type BlockModel } from "./access-report";

type TfJson = {
  resource?: Record<string, Record<string, Record<string, Json>>>;
  data?: Record<string, Record<string, Record<string, Json>>>;
  provider?: { aws?: Record<string, Json>[] };
};

export class SynthesizedModel implements BlockModel {
  public readonly blocks: Block[] = [];
  private readonly byAddress = new Map<string, Block>();

  /** @param stack the stack's name: construct paths in the metadata start with it (`dev/AccessGroups/...`). */
  constructor(
    public readonly json: TfJson,
    stack: string,
  ) {
    for (const kind of ["resource", "data"] as const) {
      for (const [type, byName] of Object.entries(json[kind] ?? {})) {
        for (const [name, body] of Object.entries(byName)) {
          const full = String(block(block(body["//"])?.metadata)?.path ?? name);
          const config: Attributes = Object.fromEntries(Object.entries(body).filter(([k]) => k !== "//"));
          const b: Block = {
            kind,
            type,
            address: `${kind === "data" ? "data." : ""}${type}.${name}`,
            path: full.startsWith(`${stack}/`) ? full.slice(stack.length + 1) : full,
            config,
          };
          this.blocks.push(b);
          this.byAddress.set(b.address, b);
        }
      }
    }
  }

  public find(address: string): Block | undefined {
    return this.byAddress.get(address);
  }

  public referenced(value: Json | undefined): Block[] {
    return references(value)
      .map((a) => this.byAddress.get(a))
      .filter((b): b is Block => b !== undefined);
  }

  public resources(...types: string[]): Block[] {
    return this.blocks.filter((b) => b.kind === "resource" && types.includes(b.type));
  }
}

/** The stacks of a synth output directory (`cdktf.out`), by name, from its manifest.json. */
export function synthesizedStacks(outdir: string): Map<string, string> {
  const manifest = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifest)) throw new SynthOutputError(`${outdir}: no manifest.json; run npm run synth first`);
  const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as {
    stacks?: Record<string, { synthesizedStackPath?: string }>;
  };
  return new Map(
    Object.entries(parsed.stacks ?? {}).map(([name, s]) => [
      name,
      path.join(outdir, s.synthesizedStackPath ?? path.join("stacks", name, "cdk.tf.json")),
    ]),
  );
}

export class SynthOutputError extends Error {}

/**
 * The environments of a synth output directory as access subjects: every stack that is not one of the app's own
 * (bootstrap, ci, identity), with the identity stack's permission sets when there is one. The account and region
 * are the stack's AWS provider's (allowed_account_ids, region).
 */
export function synthesizedSubjects(outdir: string): AccessSubject[] {
  const stacks = synthesizedStacks(outdir);
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as TfJson;
  const identityFile = stacks.get("identity");
  const identity = identityFile ? new SynthesizedModel(read(identityFile), "identity") : undefined;
  const ciFile = stacks.get("ci");
  const ci = ciFile ? new SynthesizedModel(read(ciFile), "ci") : undefined;
  const out: AccessSubject[] = [];
  for (const [name, file] of [...stacks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (name in RESERVED_STACK_NAMES) continue;
    const json = read(file);
    const provider = (json.provider?.aws ?? []).find((p) => p.alias === undefined) ?? json.provider?.aws?.[0];
    const account = strings(provider?.allowed_account_ids)[0];
    const region = provider?.region;
    if (account === undefined || typeof region !== "string")
      throw new SynthOutputError(
        `${file}: no AWS provider with allowed_account_ids and region; not an environment stack`,
      );
    const model = new SynthesizedModel(json, name);
    out.push({ environment: name, account, region, model, groups: accessGroupsOf(model), identity, ci });
  }
  return out;
}
