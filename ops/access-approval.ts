/**
 * `npm run access-approval -- --change <access-change.json> --reviews <reviews.json> --head-sha <sha>
 *  --author <login> [--teams <teams.json>] [--base-config <dir>] [--head-config <dir>]`: the required check (ops/lib/access-approval.ts).
 * Prints the decision as Markdown (for the job summary) and exits 1 when a protected environment's access is widened
 * without an approval of the head commit from its owners. A missing or unreadable --change file means the access
 * change could not be computed: every protected environment (of --base-config, when given and present, or
 * --head-config, default config/environments) then needs its owners' approval.
 */
import * as fs from "fs";
import * as path from "path";
import type { AccessChange, Protection } from "./lib/access-change";
import { decideApproval, type Review } from "./lib/access-approval";
import { effectiveProtection, readProtection } from "./lib/protection";
import { runOps } from "./lib/run";

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function readJson<T>(file: string | undefined): T | undefined {
  if (!file || !fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function main(argv: string[]): number {
  const headSha = option(argv, "--head-sha");
  const author = option(argv, "--author");
  const reviewsFile = option(argv, "--reviews");
  if (!headSha || !author || !reviewsFile) {
    console.error(
      "usage: access-approval --change <json> --reviews <json> --head-sha <sha> --author <login> [--teams <json>]",
    );
    return 2;
  }
  const reviews = readJson<Review[]>(reviewsFile);
  if (!Array.isArray(reviews)) {
    console.error(`--reviews: ${reviewsFile} is not a JSON list of reviews`);
    return 2;
  }
  const computed = readJson<{
    change: AccessChange;
    protection: Record<string, Protection>;
    headProtection?: Record<string, Protection>;
  }>(option(argv, "--change"));
  // Without the computed change, the protection comes from the files: the base's (when its checkout exists) and the
  // head's, combined as the access change combines them.
  const headConfig = option(argv, "--head-config") ?? path.join(__dirname, "..", "config", "environments");
  const baseConfig = option(argv, "--base-config");
  const protection = computed
    ? new Map(Object.entries(computed.protection))
    : effectiveProtection(
        baseConfig && fs.existsSync(baseConfig) ? readProtection(baseConfig) : new Map(),
        readProtection(headConfig),
      );
  const teams = new Map(Object.entries(readJson<Record<string, string[]>>(option(argv, "--teams")) ?? {}));
  const result = decideApproval({
    change: computed?.change,
    protection,
    headProtection: computed?.headProtection ? new Map(Object.entries(computed.headProtection)) : undefined,
    reviews,
    teams,
    headSha,
    author,
  });
  console.log(result.summary);
  return result.ok ? 0 : 1;
}

void runOps("access-approval", main);
