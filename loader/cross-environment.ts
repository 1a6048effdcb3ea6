/**
 * Checks that need every environment file at once: names (no two environments, no reserved stack names), state
 * buckets and lock tables shared correctly, globally unique bucket names, KMS aliases unique per account+region,
 * created VPC CIDRs that do not overlap other VPCs within an account+region, one owner of each account-wide setting,
 * access groups that cannot reach another environment's instances, one created trail per account. Each problem
 * names every file and field involved, with line and column.
 */
import { physicalName } from "../modules/core/naming";
import { overlaps, parseCidr } from "./cidr";
import { sessionKeyAlias, sessionLogBucket } from "./names";
import { RESERVED_STACK_NAMES } from "./reserved";
import type { EnvironmentConfig } from "./schema";
import type { YamlSource } from "./yaml-source";
import { formatPath } from "./issues";
import { MAX_PROMOTION_STAGES } from "./promotion";
import { didYouMean } from "./suggest";

export interface ParsedEnvironment {
  readonly file: string;
  readonly config: EnvironmentConfig;
  readonly source?: YamlSource;
}

/** `line 5, column 11`, or `not set (default); enclosing block at line 3, column 1` for a defaulted field. */
function where(env: ParsedEnvironment, path: (string | number)[]): string | undefined {
  const found = env.source?.locate(path);
  if (!found) return undefined;
  const lc = `line ${found.pos.line}, column ${found.pos.col}`;
  return found.exact ? lc : `not set, the default applies; enclosing block at ${lc}`;
}

/** `dev.yaml (state.bucket, line 5, column 11)`: a reference to a field in another file. */
function ref(env: ParsedEnvironment, path: (string | number)[]): string {
  const w = where(env, path);
  return `${env.file} (${formatPath(path)}${w ? `, ${w}` : ""})`;
}

function groupBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const q = (v: unknown) => JSON.stringify(v);

/**
 * `complete`: every environment file parsed; when one did not, a name another file refers to may be the broken one's,
 * so references by name (promotion.after) are not judged.
 */
export function crossEnvironmentProblems(envs: readonly ParsedEnvironment[], complete = true): string[] {
  const problems: string[] = [];
  let list = [...envs];
  /** `dev.yaml: state.bucket: <message> (line 5, column 11)`. */
  const report = (env: ParsedEnvironment, path: (string | number)[], message: string) =>
    problems.push(`${env.file}: ${formatPath(path)}: ${message}${where(env, path) ? ` (${where(env, path)})` : ""}`);

  // Names: one environment per name; not a name of another stack.
  for (const [name, same] of groupBy(list, (e) => e.config.name.toLowerCase())) {
    for (const e of same.slice(1))
      report(
        e,
        ["name"],
        `${q(e.config.name)} is already the name of the environment in ${same[0].file}; keep one file per environment`,
      );
    const reserved = RESERVED_STACK_NAMES[name];
    if (reserved)
      for (const e of same)
        report(
          e,
          ["name"],
          `${q(e.config.name)} is reserved: it is the name of ${reserved}; rename the file and the environment`,
        );
  }

  // Later checks see each name once: a duplicate would only repeat the same collisions against itself.
  const firstOfName = new Set<string>();
  list = list.filter((e) => !firstOfName.has(e.config.name) && firstOfName.add(e.config.name));

  // State buckets: one account, one region and one lock table per bucket.
  const s3State = list.filter((e) => e.config.state.bucket !== undefined); // state.cloud: no bucket
  for (const [bucket, same] of groupBy(s3State, (e) => e.config.state.bucket)) {
    const first = same[0];
    for (const e of same.slice(1)) {
      if (e.config.account !== first.config.account) {
        report(
          e,
          ["state", "bucket"],
          `state bucket ${q(bucket)} is also named by ${ref(first, ["state", "bucket"])} in another account ` +
            `(${e.config.account} here, ${first.config.account} there); bucket names are global: use one bucket per account`,
        );
        continue;
      }
      const region = (x: ParsedEnvironment) => x.config.state.region ?? x.config.region;
      const regionPath = (x: ParsedEnvironment) => (x.config.state.region ? ["state", "region"] : ["region"]);
      if (region(e) !== region(first))
        report(
          e,
          regionPath(e),
          `state bucket ${q(bucket)} is in ${region(e)} here but in ${region(first)} for ${ref(first, regionPath(first))}; ` +
            `a bucket has one region: set the same state.region in both`,
        );
      const table = (x: ParsedEnvironment) =>
        x.config.state.locking === "lockfile" ? undefined : x.config.state.dynamodbTable;
      if (table(e) && table(first) && table(e) !== table(first))
        report(
          e,
          ["state", "dynamodbTable"],
          `${q(table(e))} differs from ${q(table(first))} in ${ref(first, ["state", "dynamodbTable"])}, ` +
            `though both use state bucket ${q(bucket)}; the bootstrap stack creates one lock table per bucket: use the same table`,
        );
    }
  }

  // HCP Terraform workspaces: one environment per workspace (a second apply would destroy the first's resources).
  const cloudState = list.filter((e) => e.config.state.cloud !== undefined);
  for (const [workspace, same] of groupBy(cloudState, (e) => {
    const c = e.config.state.cloud!;
    return `${c.hostname}/${c.organization}/${c.workspace}`;
  }))
    for (const e of same.slice(1))
      report(
        e,
        ["state", "cloud", "workspace"],
        `workspace ${q(workspace)} is also the state of ${ref(same[0], ["state", "cloud", "workspace"])}; ` +
          `each apply would destroy the other environment's resources: give every environment its own workspace`,
      );

  // Promotion: every promotion.after names an environment, the order ends, and it fits the apply workflow's stages.
  const byName = new Map(list.map((e) => [e.config.name, e]));
  for (const e of complete ? list : []) {
    const after = e.config.promotion.after;
    if (after === undefined || after === e.config.name) continue; // itself: the schema's own error
    if (!byName.has(after)) {
      const allowed = [...byName.keys()].filter((n) => n !== e.config.name);
      const shown =
        allowed.length > 10 ? `${allowed.slice(0, 10).join(", ")} and ${allowed.length - 10} more` : allowed.join(", ");
      report(
        e,
        ["promotion", "after"],
        `${q(after)} is not an environment${didYouMean(after, allowed)}; allowed: ${shown || "none (this is the only environment)"}`,
      );
      continue;
    }
    // Walk the order back from e: it ends (stage = its length), loops back to e (a cycle), or meets a name that is
    // not an environment (reported at the environment that names it).
    const chain = [e.config.name];
    let next = byName.get(after);
    let ended = false;
    while (next && !chain.includes(next.config.name)) {
      chain.push(next.config.name);
      const before = next.config.promotion.after;
      if (before === undefined) {
        ended = true;
        break;
      }
      next = byName.get(before);
    }
    if (!ended && next?.config.name === e.config.name)
      report(
        e,
        ["promotion", "after"],
        `${q(after)} makes a cycle (${[...chain, e.config.name].join(" → ")}); the promotion order must end: remove promotion.after from one of them`,
      );
    else if (ended && chain.length > MAX_PROMOTION_STAGES)
      report(
        e,
        ["promotion", "after"],
        `${q(after)} puts ${e.config.name} in promotion stage ${chain.length} (${[...chain].reverse().join(" → ")}); ` +
          `the apply workflow runs at most ${MAX_PROMOTION_STAGES} stages: promote it after an earlier environment`,
      );
  }

  // A lock table belongs to one bucket (the bootstrap stack creates it with the bucket).
  const lockTables = groupBy(
    list.filter((e) => e.config.state.locking !== "lockfile" && e.config.state.dynamodbTable),
    (e) => `${e.config.account}/${e.config.state.region ?? e.config.region}/${e.config.state.dynamodbTable}`,
  );
  for (const same of lockTables.values()) {
    const first = same[0];
    for (const e of same.slice(1))
      if (e.config.state.bucket !== first.config.state.bucket)
        report(
          e,
          ["state", "dynamodbTable"],
          `lock table ${q(e.config.state.dynamodbTable)} is also the lock table of state bucket ` +
            `${q(first.config.state.bucket)} (${ref(first, ["state", "dynamodbTable"])}); the bootstrap stack would create it twice: use a table per bucket`,
        );
  }

  // Bucket names are global across all accounts: a log bucket may not be another log bucket or a state bucket.
  const buckets: { env: ParsedEnvironment; name: string; path: (string | number)[]; what: string }[] = [];
  for (const e of list) {
    const log = sessionLogBucket(e.config);
    if (log !== undefined)
      buckets.push({
        env: e,
        name: log,
        path: ["logging", "s3", "bucketName"],
        what: e.config.logging.s3.bucketName ? "session log bucket" : "default session log bucket",
      });
  }
  const stateBuckets = groupBy(s3State, (e) => e.config.state.bucket);
  for (const [name, same] of groupBy(buckets, (b) => b.name)) {
    for (const b of same.slice(1))
      report(
        b.env,
        b.path,
        `${b.what} ${q(name)} is also the session log bucket of ${ref(same[0].env, same[0].path)}; ` +
          `bucket names are global: give each environment its own logging.s3.bucketName`,
      );
    for (const s of stateBuckets.get(name) ?? [])
      report(
        same[0].env,
        same[0].path,
        `${same[0].what} ${q(name)} is also the state bucket of ${ref(s, ["state", "bucket"])}; ` +
          `keep session logs and Terraform state in separate buckets`,
      );
    for (const b of same)
      if (b.env.config.logging.s3.accessLogBucket === name)
        report(
          b.env,
          ["logging", "s3", "accessLogBucket"],
          `${q(name)} is the session log bucket itself; access logs need another bucket`,
        );
  }

  // KMS aliases are unique per account and region.
  for (const [, same] of groupBy(list, (e) => `${e.config.account}/${e.config.region}/${sessionKeyAlias(e.config)}`)) {
    for (const e of same.slice(1))
      report(
        e,
        ["logging", "kms", "alias"],
        `KMS alias ${q(sessionKeyAlias(e.config))} is also the alias of ` +
          `${ref(same[0], ["logging", "kms", "alias"])} in account ${e.config.account}, ${e.config.region}; aliases are unique per account and region`,
      );
  }

  // VPCs in one account+region: created VPC CIDRs must not overlap.
  const vpcs = list.flatMap((env) => env.config.vpcs.map((vpc, i) => ({ env, vpc, i })));
  for (const [, same] of groupBy(vpcs, (v) => `${v.env.config.account}/${v.env.config.region}`)) {
    for (let a = 0; a < same.length; a++) {
      for (let b = 0; b < a; b++) {
        const [x, y] = [same[a], same[b]];
        // Two adopted VPCs exist already; adopting one twice is loader/shared-vpcs.ts's check.
        if (x.vpc.mode === "adopt" && y.vpc.mode === "adopt") continue;
        const [cx, cy] = [parseCidr(x.vpc.cidr), parseCidr(y.vpc.cidr)];
        if (cx && cy && overlaps(cx, cy))
          report(
            x.env,
            ["vpcs", x.i, "cidr"],
            `${q(x.vpc.cidr)} overlaps ${q(y.vpc.cidr)} of ${ref(y.env, ["vpcs", y.i, "cidr"])} ` +
              `in account ${x.env.config.account}, ${x.env.config.region}; peering and Transit Gateway need distinct CIDRs: choose another range`,
          );
      }
    }
  }

  // Account-wide settings have one owner per account and region.
  const accountWide: { what: string; path: string[]; owns: (c: EnvironmentConfig) => boolean; fix: string }[] = [
    {
      what: "the SSM-SessionManagerRunShell preferences document",
      path: ["sessionPreferences", "document"],
      owns: (c) => c.sessionPreferences.document !== "none",
      fix: 'set sessionPreferences.document to "none" in all but one of them',
    },
    {
      what: "the Default Host Management Configuration",
      path: ["instanceAccess", "defaultHostManagement"],
      owns: (c) => c.instanceAccess.defaultHostManagement,
      fix: "set instanceAccess.defaultHostManagement to false in all but one of them",
    },
  ];
  for (const setting of accountWide) {
    const owners = groupBy(
      list.filter((e) => setting.owns(e.config)),
      (e) => `${e.config.account}/${e.config.region}`,
    );
    for (const same of owners.values()) {
      for (const e of same.slice(1))
        report(
          e,
          setting.path,
          `environment ${q(e.config.name)} and environment ${q(same[0].config.name)} in ${ref(same[0], setting.path)} ` +
            `both own ${setting.what} of account ${e.config.account} in ${e.config.region}; there is one per account and region: ${setting.fix}`,
        );
    }
  }
  // Access groups of environments in one account+region: an instance carries no environment, only tags, so a group
  // whose every selector key another environment's group also selects on, with a common value, reaches the
  // instances meant for that group.
  const groups = list.flatMap((env) => env.config.accessGroups.map((group, i) => ({ env, group, i })));
  for (const [, same] of groupBy(groups, (x) => `${x.env.config.account}/${x.env.config.region}`)) {
    for (const a of same)
      for (const b of same) {
        if (a.env === b.env) continue;
        const reaches = Object.entries(a.group.instanceTags).every(([key, values]) =>
          (b.group.instanceTags[key] ?? []).some((v) => values.includes(v)),
        );
        if (reaches)
          report(
            a.env,
            ["accessGroups", a.i, "instanceTags"],
            `access group ${a.group.name} also reaches the instances of access group ${b.group.name} of environment ${b.env.config.name} ` +
              `(${ref(b.env, ["accessGroups", b.i, "instanceTags"])}) in account ${a.env.config.account}, ${a.env.config.region}: ` +
              `instance tags are the only boundary between environments of one account and region; ` +
              `add a tag key that tells the environments apart, e.g. ${a.env.config.accessTagPrefix}environment: [${a.env.config.name}]`,
          );
      }
  }

  // One multi-region trail per account logs every region for the audit alerts; a second copy is billed.
  const trailCreators = groupBy(
    list.filter((e) => e.config.logging.cloudTrail?.create),
    (e) => e.config.account,
  );
  for (const same of trailCreators.values()) {
    const first = same[0].config;
    const trail = `arn:aws:cloudtrail:${first.region}:${first.account}:trail/${physicalName({ project: first.project, environment: first.name }, "audit-trail")}`;
    for (const e of same.slice(1))
      report(
        e,
        ["logging", "cloudTrail", "create"],
        `environment ${q(e.config.name)} and environment ${q(first.name)} (${ref(same[0], ["logging", "cloudTrail", "create"])}) ` +
          `both create a multi-region trail in account ${e.config.account}; one logs every region: write existing: ${trail} instead`,
      );
  }
  return problems;
}
