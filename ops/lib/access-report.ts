/**
 * The access report: for each access group of an environment, who its principals are, which instance tags it
 * reaches, which session types it may use, and whether MFA and a source network are enforced. Every cell is
 * the outcome of evaluating the synthesized policies with an IAM engine (not the config echoed back): the policy
 * says which tag values to try, the engine says which of them open a session.
 */
import { parseCidr } from "../../loader/cidr";
import { StackModel, type TfBlock } from "../../modules/guardrails";
import { block, type Json } from "../../modules/guardrails/model";
import { INTERFACE_ACTIONS, SESSION_INTERFACES, UNLOGGED_DOCUMENTS } from "../../modules/operator-access";
import { wildcardMatch } from "../../modules/guardrails/policy";
import type { EnvironmentStack } from "../../stacks/environment-stack";
import type { CiStack } from "../../stacks/ci-stack";
import type { IdentityCenterStack } from "../../stacks/identity-center-stack";
import { concretePolicy, evaluate, type Outcome } from "./iam-evaluate";

/** An address outside every private range (RFC 5737 TEST-NET-3), as an operator at home would have. */
const OUTSIDE_IP = "203.0.113.10";

export interface PrincipalAccess {
  /** e.g. `IAM group bastionless-dev-platform-shell`, `role developer`, `Identity Center permission set SessionManagerSRE`. */
  readonly principal: string;
  /** Instance tags that open a session: `Team=platform`; AND across keys, OR across a key's values. */
  readonly reachableTags: string[];
  /** False if an untagged instance is reachable (it never should be). */
  readonly untaggedDenied: boolean;
  readonly shell: boolean;
  /** `host:port` pairs of the Port documents this principal may start. */
  readonly portForwarding: string[];
  /** AWS-owned tunnelling documents the principal may start (`AWS-StartSSHSession` when ssh is granted). */
  readonly awsDocuments: string[];
  /** required: denied without MFA and when the key is missing; at sign-in: Identity Center enforces it; none. */
  readonly mfa: "required" | "at sign-in" | "not required";
  /** The source CIDRs sessions must come from, or "any". */
  readonly sourceIp: string;
  /**
   * The interfaces the principal may start sessions from (`cli`, `session-manager-console`, `ec2-console`): those
   * whose read prerequisites the engine allows, when it may start a session at all. The CLI needs none beyond the
   * session itself, so every principal that may start a session can use it.
   */
  readonly interfaces: string[];
  readonly terminateOthersSessions: boolean;
  readonly sendCommand: boolean;
  readonly changePreferences: boolean;
  /**
   * When the access ends (the policy's DateLessThan aws:CurrentTime, confirmed by the engine: allowed just before,
   * denied at that instant), e.g. `2026-12-31T18:00:00Z` or `port-forward db:5432 2026-12-01T00:00:00Z`.
   * @default - never (the field is absent)
   */
  readonly expires?: string[];
}

export interface AccessReportOptions {
  /** The identity stack: adds a row per Identity Center group assigned a permission set of this environment. */
  readonly identity?: IdentityCenterStack;
  /** The ci stack: adds the environment's break-glass role (group `breakGlass`) when the ci stack creates it. */
  readonly ci?: CiStack;
  /** The instant the report evaluates at (aws:CurrentTime). @default the current time */
  readonly now?: Date;
}

export interface GroupAccess {
  readonly group: string;
  readonly principals: PrincipalAccess[];
}

interface Principal {
  readonly label: string;
  readonly arn: string;
  readonly userid: string;
  readonly identityCenter: boolean;
  readonly policy: Block;
  readonly attribute: string;
}

/** A block of a stack as the evaluation reads it: type, address, path relative to the stack, resolved configuration. */
export type Block = Pick<TfBlock, "kind" | "type" | "address" | "path" | "config">;

/**
 * The blocks of one stack: a StackModel (a stack built in this process) or a SynthesizedModel (a cdk.tf.json that
 * any commit's code wrote, ops/lib/synthesized-stack.ts), so the access of a base commit is computed from what its
 * own code synthesized.
 */
export interface BlockModel {
  readonly blocks: readonly Block[];
  find(address: string): Block | undefined;
  referenced(value: Json | undefined): Block[];
  resources(...types: string[]): Block[];
}

/** What the access of one environment is evaluated from. */
export interface AccessSubject {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  /** The environment stack. */
  readonly model: BlockModel;
  /** Its access groups (construct ids under AccessGroups/), in order. */
  readonly groups: readonly string[];
  /** The identity stack, when there is one: adds a row per Identity Center group assigned a permission set. */
  readonly identity?: BlockModel;
  /** The ci stack, when there is one: adds the environment's break-glass role as the group `breakGlass`. */
  readonly ci?: BlockModel;
}

/** The report's group of an environment's break-glass role (camelCase: never the name of an access group). */
export const BREAK_GLASS_GROUP = "breakGlass";

/**
 * The break-glass role of an environment, from the blocks below `prefix` (the ci stack's `<environment>-break-glass/`
 * or the environment stack's `BreakGlassRole/`: `Resource` and `Policy`): one principal per person its trust names,
 * each with the role's policy.
 */
function breakGlassPrincipalsOf(model: BlockModel, prefix: string, account: string): Principal[] {
  const role = model.blocks.find((b) => b.path === `${prefix}Resource` && b.type === "aws_iam_role");
  const policy = model.blocks.find((b) => b.path === `${prefix}Policy` && b.type === "aws_iam_role_policy");
  if (!role || !policy) return [];
  const name = String(role.config.name);
  const trust = JSON.parse(String(role.config.assume_role_policy)) as PolicyJson;
  const who = statementsOf(trust).flatMap((s) =>
    [(s as { Principal?: { AWS?: string | string[] } }).Principal?.AWS ?? []].flat(),
  );
  // One principal per person the trust names, so adding one is one new grant in the access change.
  return who.map((arn) => ({
    label: `${arn} through break-glass role ${name}`,
    arn: `arn:aws:sts::${account}:assumed-role/${name}/report`,
    userid: "AROAREPORTBREAKGLASS:report",
    identityCenter: false,
    policy,
    attribute: "policy",
  }));
}

/** The access groups of a stack model, from the paths of its blocks (`AccessGroups/<group>/...`), in order. */
export function accessGroupsOf(model: BlockModel): string[] {
  const out: string[] = [];
  for (const b of model.blocks) {
    const m = /^AccessGroups\/([^/]+)\//.exec(b.path);
    if (m && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

/**
 * Identity Center principals of an access group: one per group assigned its permission set in the account. Read
 * from the identity stack's blocks: `PermissionSets/<environment>/<group>/` holds the permission set, its inline
 * policy and one account assignment per Identity Center group.
 */
function identityPrincipalsOf(identity: BlockModel, environment: string, group: string): Principal[] {
  const prefix = `PermissionSets/${environment}/${group}/`;
  const mine = identity.blocks.filter((b) => b.path.startsWith(prefix));
  const policy = mine.find((b) => b.type === "aws_ssoadmin_permission_set_inline_policy");
  if (!policy) return [];
  return mine
    .filter((b) => b.type === "aws_ssoadmin_account_assignment")
    .map((a) => {
      const permissionSet = String(identity.referenced(a.config.permission_set_arn)[0]?.config.name ?? "?");
      const lookup = identity.referenced(a.config.principal_id)[0];
      const name =
        block(block(lookup?.config.alternate_identifier)?.unique_attribute)?.attribute_value ??
        a.path.slice(a.path.lastIndexOf("/") + 1);
      return {
        label: `Identity Center group ${String(name)} (permission set ${permissionSet}, account ${String(a.config.target_id)})`,
        arn: `arn:aws:sts::${String(a.config.target_id)}:assumed-role/AWSReservedSSO_${permissionSet}_0123456789abcdef/report@example.com`,
        userid: "AROAREPORTSSO:report@example.com",
        identityCenter: true,
        policy,
        attribute: "inline_policy",
      };
    });
}

/** The principals of one access group, with the synthesized policy each one gets. */
function principalsOf(model: BlockModel, prefix: string, account: string): Principal[] {
  const out: Principal[] = [];
  for (const b of model.blocks.filter((x) => x.path.startsWith(prefix))) {
    if (b.type === "aws_iam_group_policy") {
      const group = model.referenced(b.config.group)[0]?.config.name ?? b.config.group;
      out.push({
        label: `IAM group ${String(group)}`,
        arn: `arn:aws:iam::${account}:user/report-user`,
        userid: "AIDAREPORTUSER",
        identityCenter: false,
        policy: b,
        attribute: "policy",
      });
    } else if (b.type === "aws_iam_role_policy") {
      const role = String(b.config.role);
      out.push({
        label: `role ${role}`,
        arn: `arn:aws:sts::${account}:assumed-role/${role}/report`,
        userid: "AROAREPORTROLE:report",
        identityCenter: false,
        policy: b,
        attribute: "policy",
      });
    } else if (b.type === "aws_ssoadmin_permission_set_inline_policy") {
      const ps = String(model.referenced(b.config.permission_set_arn)[0]?.config.name ?? "permission set");
      out.push({
        label: `Identity Center permission set ${ps}`,
        arn: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_${ps}_0123456789abcdef/report@example.com`,
        userid: "AROAREPORTSSO:report@example.com",
        identityCenter: true,
        policy: b,
        attribute: "inline_policy",
      });
    }
  }
  return out;
}

type PolicyJson = { Statement?: unknown };
type StatementJson = {
  Effect?: string;
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};

const statementsOf = (policy: PolicyJson) =>
  (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]) as StatementJson[];

/** Allow statements whose actions name ssm:StartSession (exactly or by wildcard). */
function startSessionAllows(policy: PolicyJson): StatementJson[] {
  return statementsOf(policy).filter(
    (s) => s?.Effect === "Allow" && [s.Action ?? []].flat().some((a) => wildcardMatch(a, "ssm:StartSession")),
  );
}

/**
 * The instance tag values the StartSession allows name, per key: the candidates the engine then tries one by one.
 * (AWS-reserved `aws:` keys are not instance tags.)
 */
function tagCandidates(policy: PolicyJson): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of startSessionAllows(policy)) {
    for (const kv of Object.values(s?.Condition ?? {})) {
      for (const [key, v] of Object.entries(kv)) {
        const m = /^(?:ssm:resourceTag|aws:ResourceTag)\/(.+)$/i.exec(key);
        if (!m || m[1].startsWith("aws:")) continue;
        const set = out.get(m[1]) ?? new Set<string>();
        for (const value of Array.isArray(v) ? v : [v]) set.add(String(value));
        out.set(m[1], set);
      }
    }
  }
  return out;
}

/** Evaluates the access of every access group of one environment stack built in this process. */
export async function accessReport(stack: EnvironmentStack, options: AccessReportOptions = {}): Promise<GroupAccess[]> {
  return evaluateAccess(
    {
      environment: stack.config.name,
      account: stack.config.account,
      region: stack.config.region,
      model: new StackModel(stack),
      groups: stack.accessGroups.map((g) => g.node.id),
      identity: options.identity ? new StackModel(options.identity) : undefined,
      ci: options.ci ? new StackModel(options.ci) : undefined,
    },
    options,
  );
}

/** Evaluates the access of every access group of one environment (a stack model or a synthesized cdk.tf.json). */
export async function evaluateAccess(subject: AccessSubject, options: { now?: Date } = {}): Promise<GroupAccess[]> {
  const { account, region, model } = subject;
  const now = (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
  const lookup = (type: string, name: string) =>
    model.find(`${type}.${name}`)?.config as Record<string, unknown> | undefined;
  const instance = `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`;
  const document = (name: string) => `arn:aws:ssm:${region}:${account}:document/${name}`;
  const groups: GroupAccess[] = [];

  // The role is the ci stack's when the ci stack serves the environment, else the environment stack's own.
  const breakGlass = [
    ...(subject.ci ? breakGlassPrincipalsOf(subject.ci, `${subject.environment}-break-glass/`, account) : []),
    ...breakGlassPrincipalsOf(model, "BreakGlassRole/", account),
  ];
  for (const group of [...subject.groups, ...(breakGlass.length > 0 ? [BREAK_GLASS_GROUP] : [])]) {
    const prefix = `AccessGroups/${group}/`;
    const portDocuments = model.blocks
      .filter((b) => b.type === "aws_ssm_document" && b.path.startsWith(prefix))
      .map((b) => {
        const params = (
          JSON.parse(String(b.config.content)) as { parameters: Record<string, { allowedValues?: string[] }> }
        ).parameters;
        const ports = (params.portNumber?.allowedValues ?? []).map(Number);
        return {
          name: String(b.config.name),
          target: `${params.host?.allowedValues?.join("|")}:${ports.join("|")} ${forwardPaths(model, ports)}`,
        };
      });
    const principals: PrincipalAccess[] = [];
    const identityPrincipals = subject.identity
      ? identityPrincipalsOf(subject.identity, subject.environment, group)
      : [];
    const all =
      group === BREAK_GLASS_GROUP ? breakGlass : [...principalsOf(model, prefix, account), ...identityPrincipals];
    for (const p of all) {
      const policy = concretePolicy(lookup, String(p.policy.config[p.attribute]), account, region);
      // Requests come from inside the allowed network when the policy names one (else from a private address).
      const sourceCidrs = sourceCidrsOf(policy as PolicyJson);
      const base = {
        "aws:userid": p.userid,
        "aws:MultiFactorAuthPresent": "true",
        "aws:SourceIp": addressIn(sourceCidrs[0]),
        "aws:CurrentTime": now,
        // A break-glass session always carries the source identity its trust requires (other policies ignore it).
        "aws:SourceIdentity": "report",
      };
      const run = (
        action: string,
        resource: string,
        context: Record<string, string | undefined> = {},
      ): Promise<Outcome> => {
        const merged = Object.fromEntries(
          Object.entries({ ...base, ...context }).filter((e): e is [string, string] => e[1] !== undefined),
        );
        return evaluate({ principal: p.arn, action, resource, context: merged }, [policy]);
      };

      // Tags: start from the first value of every key, then try each candidate value of each key alone.
      const candidates = tagCandidates(policy as PolicyJson);
      const first = Object.fromEntries([...candidates].map(([k, vs]) => [`ssm:resourceTag/${k}`, [...vs][0]]));
      const reachableTags: string[] = [];
      for (const [key, values] of candidates) {
        const ok: string[] = [];
        for (const value of values) {
          if ((await run("ssm:StartSession", instance, { ...first, [`ssm:resourceTag/${key}`]: value })) === "Allowed")
            ok.push(value);
        }
        if (ok.length > 0) reachableTags.push(`${key}=${ok.join("|")}`);
      }
      const untaggedDenied = (await run("ssm:StartSession", instance)) !== "Allowed";

      // Documents: each is tried on its own (the session document access check makes it a separate request).
      const shell = (await run("ssm:StartSession", document("SSM-SessionManagerRunShell"))) === "Allowed";
      const portForwarding: string[] = [];
      for (const d of portDocuments)
        if ((await run("ssm:StartSession", document(d.name))) === "Allowed") portForwarding.push(d.target);
      const awsDocuments: string[] = [];
      for (const d of UNLOGGED_DOCUMENTS)
        if ((await run("ssm:StartSession", document(d))) === "Allowed") awsDocuments.push(d);

      // MFA and network: the tagged instance with the key false, the key missing, and an outside address.
      const tagged = { ...first };
      const withoutMfa = await run("ssm:StartSession", instance, { ...tagged, "aws:MultiFactorAuthPresent": "false" });
      const missingMfa = await run("ssm:StartSession", instance, {
        ...tagged,
        "aws:MultiFactorAuthPresent": undefined,
      });
      const mfa =
        withoutMfa !== "Allowed" && missingMfa !== "Allowed"
          ? "required"
          : p.identityCenter
            ? "at sign-in"
            : "not required";
      const fromOutside = await run("ssm:StartSession", instance, { ...tagged, "aws:SourceIp": OUTSIDE_IP });
      const sourceIp =
        fromOutside === "Allowed" ? "any" : sourceCidrs.length > 0 ? sourceCidrs.join(", ") : "restricted";

      // Expiries: each DateLessThan the StartSession allows name, kept when the engine denies at that instant.
      const expires: string[] = [];
      for (const s of startSessionAllows(policy as PolicyJson)) {
        const until = s?.Condition?.DateLessThan?.["aws:CurrentTime"];
        if (typeof until !== "string") continue;
        const resources = [(s as { Resource?: string | string[] }).Resource ?? []].flat();
        const doc = resources.map((r) => /:document\/(.+)$/.exec(r)?.[1]).find((d) => d !== undefined);
        const target = doc === undefined ? undefined : portDocuments.find((d) => d.name === doc);
        const resource = doc === undefined ? instance : document(doc);
        const at = await run("ssm:StartSession", resource, { ...tagged, "aws:CurrentTime": until });
        if (at === "Allowed") continue;
        const label = target
          ? `port-forward ${target.target.split(" ")[0]} ${until}`
          : doc && doc !== "SSM-SessionManagerRunShell"
            ? `${doc} ${until}`
            : until;
        if (!expires.includes(label)) expires.push(label);
      }

      // Interfaces: the read prerequisites of each, on "*" (they take no resource), when a session can start at all.
      const interfaces: string[] = [];
      if (reachableTags.length > 0 && (shell || portForwarding.length > 0 || awsDocuments.length > 0))
        for (const i of SESSION_INTERFACES) {
          let all = true;
          for (const action of INTERFACE_ACTIONS[i]) all &&= (await run(action, "*")) === "Allowed";
          if (all) interfaces.push(i);
        }

      const otherSession = `arn:aws:ssm:${region}:${account}:session/someone-else-0123456789abcdef0`;
      principals.push({
        principal: p.label,
        reachableTags,
        untaggedDenied,
        shell,
        portForwarding,
        awsDocuments,
        mfa,
        sourceIp,
        interfaces,
        terminateOthersSessions:
          (await run("ssm:TerminateSession", otherSession, {
            "ssm:resourceTag/aws:ssmmessages:session-id": "someone-else",
          })) === "Allowed",
        sendCommand: (await run("ssm:SendCommand", instance, tagged)) === "Allowed",
        changePreferences: (await run("ssm:UpdateDocument", document("SSM-SessionManagerRunShell"))) === "Allowed",
        expires: expires.length > 0 ? expires : undefined,
      });
    }
    groups.push({ group, principals });
  }
  return groups;
}

/** A host address inside `cidr` (its first usable one), or a private address when there is no CIDR. */
function addressIn(cidr: string | undefined): string {
  const parsed = cidr === undefined ? undefined : parseCidr(cidr);
  if (!parsed) return "10.0.0.10";
  const a = parsed.prefix >= 31 ? parsed.network : parsed.network + 1;
  return [24, 16, 8, 0].map((shift) => (a >>> shift) & 255).join(".");
}

/** The CIDRs a Deny on NotIpAddress aws:SourceIp leaves open (shown when the engine confirms the restriction). */
function sourceCidrsOf(policy: PolicyJson): string[] {
  return statementsOf(policy)
    .filter((s) => s?.Effect === "Deny")
    .flatMap((s) => {
      const v = s?.Condition?.NotIpAddress?.["aws:SourceIp"];
      return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
    });
}

/**
 * The network path of a forward target: the egress rules in the stack that let an instance reach the port
 * (`via egress to 10.10.16.0/20`), or the warning that none does (the grant would be unusable).
 */
export function forwardPaths(model: BlockModel, ports: number[]): string {
  const paths = new Set<string>();
  for (const r of model.resources("aws_vpc_security_group_egress_rule")) {
    const c = r.config;
    if (String(c.ip_protocol) !== "tcp" && String(c.ip_protocol) !== "-1") continue;
    if (!ports.some((p) => Number(c.from_port) <= p && p <= Number(c.to_port))) continue;
    const to = c.cidr_ipv4 ?? c.referenced_security_group_id ?? c.prefix_list_id;
    if (typeof to === "string" && !to.startsWith("${")) paths.add(to);
  }
  return paths.size > 0
    ? `via egress to ${[...paths].sort().join(", ")}`
    : "NO EGRESS RULE: forwarded connections are dropped";
}

/**
 * The channels of a principal that Session Manager keeps no transcript of (port forwarding, SSH: an opaque stream),
 * as `no transcript: port forwarding, SSH`, or "" when it has none.
 */
export function untranscribed(p: PrincipalAccess): string {
  const channels = [
    ...(p.portForwarding.length > 0 || p.awsDocuments.some((d) => /PortForwarding/.test(d)) ? ["port forwarding"] : []),
    ...(p.awsDocuments.includes("AWS-StartSSHSession") ? ["SSH"] : []),
  ];
  return channels.length > 0 ? `no transcript: ${channels.join(", ")}` : "";
}

function rows(groups: GroupAccess[]): string[][] {
  return groups.flatMap((g) =>
    g.principals.map((p) => [
      g.group,
      p.principal,
      p.reachableTags.length > 0 ? p.reachableTags.join(" and ") : "none",
      [p.shell ? "shell" : "", ...p.portForwarding.map((t) => `port-forward ${t}`), ...p.awsDocuments]
        .filter(Boolean)
        .join(", ") || "none",
      p.interfaces.join(", ") || "none",
      p.mfa,
      p.sourceIp,
      p.expires ? p.expires.join("; ") : "never",
      [
        p.untaggedDenied ? "" : "UNTAGGED INSTANCES REACHABLE",
        untranscribed(p),
        p.terminateOthersSessions ? "can end others' sessions" : "",
        p.sendCommand ? "can SendCommand" : "",
        p.changePreferences ? "can change preferences" : "",
      ]
        .filter(Boolean)
        .join("; ") || "none",
    ]),
  );
}

const HEADER = [
  "group",
  "principal",
  "reachable instance tags",
  "session types",
  "interfaces",
  "MFA",
  "source IP",
  "expires",
  "warnings",
];

/**
 * What the network of each adopted VPC means for sessions: the blast-radius line of the synth, and for a reused S3
 * gateway that sessions depend on its policy allowing the stack's required statements.
 */
export function networkNotes(stack: EnvironmentStack): string[] {
  const notes = [...stack.adoptions];
  for (const n of stack.networks) {
    if (!n.endpoints.reusedS3Gateway) continue;
    const actions = [...new Set(n.endpoints.s3RequiredStatements.flatMap((st) => st.actions ?? []))].join(", ");
    const vpc = stack.config.vpcs.find((v) => v.name === n.name);
    const id = vpc?.mode === "adopt" ? vpc.s3Gateway.endpointId : undefined;
    notes.push(
      `VPC ${n.name}: the reused S3 gateway ${id ?? ""} must allow the statements in output s3_gateway_required_statements_${n.name.replace(/-/g, "_")} (${actions} on the SSM agent buckets and the session-log bucket), or session logs and agent updates fail`,
    );
  }
  return notes;
}

export function renderText(env: string, groups: GroupAccess[]): string {
  const table = [HEADER, ...rows(groups)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [`${env}:`, line(HEADER), line(widths.map((w) => "-".repeat(w))), ...table.slice(1).map(line)].join("\n");
}

export function renderMarkdown(env: string, groups: GroupAccess[]): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  const r = rows(groups);
  return [
    `### Session access: ${env}`,
    "",
    `| ${HEADER.join(" | ")} |`,
    `| ${HEADER.map(() => "---").join(" | ")} |`,
    ...(r.length > 0 ? r : [["(no access groups)", ...HEADER.slice(1).map(() => "")]]).map(
      (row) => `| ${row.map(esc).join(" | ")} |`,
    ),
    "",
    "Evaluated with an IAM engine against the synthesized policies (untagged instances, other people's sessions, SendCommand and changes to the preferences document are checked for every principal).",
  ].join("\n");
}
