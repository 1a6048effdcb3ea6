import * as fs from "fs";
import * as path from "path";
import type { CiConfig } from "../loader/ci";
import type { IdentityConfig } from "../loader/identity";
import type { EnvironmentConfig } from "../loader/schema";
import { AwsProvider, OrganizationsPolicy, OrganizationsPolicyAttachment } from "../modules/core/aws";
import {
  CloudBackend,
  Construct,
  NamedCloudWorkspace,
  S3Backend,
  TerraformOutput,
  TerraformStack,
} from "../modules/core/cdktf";
import { policyDocument, type Statement } from "../modules/core/iam";
import { compareText } from "../modules/core/order";
import { enableGuardrails } from "../modules/guardrails";
import {
  IdentityCenterPlacementCheck,
  IdentityStoreGroups,
  operatorStatements,
  PermissionSetAccess,
  tagProtectionStatements,
} from "../modules/operator-access";
import { partitionOf, roleName } from "./ci-stack";
import { accessGroupName, accessTagKeys, permissionSetPolicyProps } from "./operator-policy-props";
import type { ISummarized } from "./summary";

export interface IdentityCenterStackProps {
  readonly identity: IdentityConfig;
  readonly environments: readonly EnvironmentConfig[];
  /** The CI repository (config/ci.yaml): its apply roles are exempt from the SCP. @default - no CI roles */
  readonly ci?: CiConfig;
}

/** Who the tag-protection SCP exempts, by exact ARN, and why (for the synth summary). */
export interface ScpExemptions {
  /** The CI apply roles, one per environment the `ci` stack serves (they launch and tag the instances). */
  readonly pipeline: readonly string[];
  /**
   * identity.yaml breakGlassRoleName (the organization's own emergency administrator role) in every environment
   * account; never an environment's break-glass role (breakGlass), which needs no exemption.
   */
  readonly breakGlass: readonly string[];
  /** identity.yaml tagProtection.exemptPrincipalArns. */
  readonly other: readonly string[];
}

/**
 * The exact principals the SCP exempts: the `ci` stack's apply role of every environment it serves (account by
 * account, never a `*` account: a role of that name in any other account is not exempt), the break-glass role in
 * each environment account, and the listed principals.
 */
export function scpExemptions(
  identity: IdentityConfig,
  environments: readonly EnvironmentConfig[],
  ci?: CiConfig,
): ScpExemptions {
  const sorted = [...environments].sort((a, b) => compareText(a.name, b.name));
  const pipeline = ci
    ? sorted
        .filter((e) => !e.state.cloud)
        .map((e) => `arn:${partitionOf(e.region)}:iam::${e.account}:role/${roleName(e, "apply")}`)
    : [];
  const name = identity.tagProtection?.breakGlassRoleName;
  const breakGlass = name
    ? [...new Set(sorted.map((e) => `arn:${partitionOf(e.region)}:iam::${e.account}:role/${name}`))]
    : [];
  return { pipeline, breakGlass, other: identity.tagProtection?.exemptPrincipalArns ?? [] };
}

/** One (Identity Center group → permission set → account) assignment, for the access report. */
export interface IdentityAssignment {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly accessGroup: string;
  readonly permissionSet: string;
  readonly identityCenterGroups: readonly string[];
  readonly access: PermissionSetAccess;
}

/** Where the service control policy is written, relative to the synth output directory. */
export const SCP_FILE = path.join("scp", "access-tag-protection.json");
/** Where the SCP of one environment account is written. */
export const accountScpFile = (account: string) => path.join("scp", `access-tag-protection-${account}.json`);
/** The service control policy size limit (characters, whitespace not counted). */
export const SCP_MAX_CHARS = 5120;

/**
 * The org-wide service control policy that reserves every environment's access tag keys (only those: keys with the
 * environments' accessTagPrefix, never Environment or Team) to the exempt principals: the same denies every operator
 * policy carries, for every principal of the member accounts it is attached to (SCPs never apply to the management
 * account itself, nor to service-linked roles). Exemptions are exact ARNs (`ArnNotEquals`), never patterns.
 */
export function accessTagScp(keys: readonly string[], exemptPrincipalArns: readonly string[]): object {
  const wildcard = exemptPrincipalArns.find((a) => a.includes("*"));
  if (wildcard)
    throw new Error(`accessTagScp: exempt principal ${JSON.stringify(wildcard)} has a wildcard; give exact ARNs`);
  const statements: Statement[] = tagProtectionStatements(keys).map((s) => ({
    ...s,
    sid: s.sid?.replace(/^Deny/, "Reserve"),
    conditions:
      exemptPrincipalArns.length > 0
        ? { ...s.conditions, ArnNotEquals: { "aws:PrincipalArn": [...exemptPrincipalArns] } }
        : s.conditions,
  }));
  return policyDocument(statements);
}

/**
 * Identity Center in its own place: a stack with its own provider, pinned to the management or delegated-admin
 * account in Identity Center's home region (the only place ssoadmin and identitystore answer; checked at plan time
 * by `IdentityCenterPlacementCheck`), its own state (bootstrapped by the bootstrap stack), and
 * every permission set of every environment with its inline policy and its account assignments. Optionally the
 * tag-protection SCP as an `aws_organizations_policy` (management account only).
 */
export class IdentityCenterStack extends TerraformStack implements ISummarized {
  public readonly assignments: IdentityAssignment[] = [];
  /** The combined SCP (every environment's keys and exemptions), when it fits the SCP size limit. */
  public scp?: object;
  /** The access tag keys the SCP reserves and the principals it exempts (for the summary). */
  public scpScope?: { readonly keys: readonly string[]; readonly exemptions: ScpExemptions; combinedSize: number };
  /** Per environment account: the SCP with that account's access tag keys and exempt principals only. */
  public readonly accountScps: Record<string, object> = {};

  constructor(scope: Construct, id: string, props: IdentityCenterStackProps) {
    super(scope, id);
    const identity = props.identity;
    new AwsProvider(this, "aws", {
      region: identity.homeRegion,
      allowedAccountIds: [identity.account],
      defaultTags: [
        { tags: { ...identity.tags, Project: identity.project, ManagedBy: "bastionless", Purpose: "identity-center" } },
      ],
    });
    const state = identity.state;
    if (state.cloud) {
      const { organization, hostname, workspace, project } = state.cloud;
      new CloudBackend(this, { organization, hostname, workspaces: new NamedCloudWorkspace(workspace, project) });
    } else {
      const backend = new S3Backend(this, {
        bucket: state.bucket!,
        key: `${state.keyPrefix}/${id}.tfstate`,
        region: state.region ?? identity.homeRegion,
        encrypt: true,
        dynamodbTable: state.locking === "lockfile" ? undefined : state.dynamodbTable,
      });
      if (state.locking !== "dynamodb") backend.addOverride("use_lockfile", true);
    }

    // Stops the plan unless the provider's account and region are where Identity Center's APIs answer.
    new IdentityCenterPlacementCheck(this, "Placement", {
      account: identity.account,
      homeRegion: identity.homeRegion,
      instanceArn: identity.instanceArn,
      identityStoreId: identity.identityStoreId,
    });
    const groups = new IdentityStoreGroups(this, "Groups", identity.identityStoreId);
    const sets = new Construct(this, "PermissionSets");
    for (const env of [...props.environments].sort((a, b) => compareText(a.name, b.name))) {
      const envScope = new Construct(sets, env.name);
      for (const g of env.accessGroups) {
        const ic = g.principals.identityCenter;
        if (!ic) continue;
        const access = new PermissionSetAccess(envScope, g.name, {
          instanceArn: identity.instanceArn,
          name: ic.permissionSetName,
          description: `${g.description} (${env.name}, ${accessGroupName(env, g)})`,
          sessionDuration: ic.sessionDuration,
          statements: operatorStatements(permissionSetPolicyProps(env, g)),
          accountId: env.account,
          groups: ic.groups,
          groupLookup: groups,
        });
        this.assignments.push({
          environment: env.name,
          account: env.account,
          region: env.region,
          accessGroup: g.name,
          permissionSet: ic.permissionSetName,
          identityCenterGroups: ic.groups,
          access,
        });
      }
    }

    const protection = identity.tagProtection;
    if (protection) {
      const keys = [...new Set(props.environments.flatMap(accessTagKeys))].sort();
      const exemptions = scpExemptions(identity, props.environments, props.ci);
      const all = [...new Set([...exemptions.pipeline, ...exemptions.breakGlass, ...exemptions.other])];
      // One SCP per environment account: that account's environments' keys and exempt principals only, so it stays
      // under the size limit however many accounts there are. The combined one (for a root or OU) when it fits.
      const accountOf = (arn: string) => arn.split(":")[4];
      const files: Record<string, object> = {};
      for (const account of [...new Set(props.environments.map((e) => e.account))].sort()) {
        const own = props.environments.filter((e) => e.account === account);
        const scp = accessTagScp(
          [...new Set(own.flatMap(accessTagKeys))].sort(),
          all.filter((arn) => accountOf(arn) === account),
        );
        const size = JSON.stringify(scp).length;
        if (size > SCP_MAX_CHARS)
          throw new Error(
            `identity stack: the tag-protection SCP of account ${account} is ${size} characters, over the ${SCP_MAX_CHARS} AWS allows; use fewer access tag keys or exempt principals there`,
          );
        this.accountScps[account] = scp;
        files[accountScpFile(account)] = scp;
      }
      const combined = accessTagScp(keys, all);
      const size = JSON.stringify(combined).length;
      if (size <= SCP_MAX_CHARS) {
        this.scp = combined;
        files[SCP_FILE] = combined;
      }
      this.scpScope = { keys, exemptions, combinedSize: size };
      if (protection.createScp) {
        if (!this.scp && protection.scpTargetIds.length > 0)
          throw new Error(
            `identity stack: the combined tag-protection SCP for scpTargetIds is ${size} characters, over the ${SCP_MAX_CHARS} AWS allows; attach the per-account policies (${path.join("scp", "access-tag-protection-<account>.json")}) to each account instead, and remove scpTargetIds`,
          );
        if (this.scp) {
          const policy = new OrganizationsPolicy(this, "TagProtectionScp", {
            name: `${identity.project}-access-tag-protection`,
            description: "Reserves the Session Manager access tag keys to the platform principals (bastionless)",
            type: "SERVICE_CONTROL_POLICY",
            content: JSON.stringify(this.scp),
          });
          protection.scpTargetIds.forEach(
            (target) =>
              new OrganizationsPolicyAttachment(this, `TagProtectionScp-${target}`, {
                policyId: policy.id,
                targetId: target,
              }),
          );
        }
      }
      // The ready-to-attach JSON next to the stacks (cdktf.out/scp/...), written with the synth output.
      const inner = this.synthesizer;
      this.synthesizer = {
        synthesize: (session) => {
          inner.synthesize(session);
          for (const [name, scp] of Object.entries(files)) {
            const file = path.join(session.outdir, name);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, `${JSON.stringify(scp, null, 2)}\n`);
          }
        },
      };
    }
    new TerraformOutput(this, "PermissionSetAssignments", {
      staticId: true,
      value: this.assignments.map((a) => ({
        environment: a.environment,
        account: a.account,
        permission_set: a.permissionSet,
        groups: a.identityCenterGroups,
      })),
      description: "Permission sets and the Identity Center groups assigned them, per environment account",
    }).overrideLogicalId("permission_sets");
    enableGuardrails(this);
  }

  public summary(): string[] {
    const n = this.assignments.reduce((sum, a) => sum + a.identityCenterGroups.length, 0);
    return [
      `${this.assignments.length} permission set${this.assignments.length === 1 ? "" : "s"}, ${n} group assignment${n === 1 ? "" : "s"}`,
      ...(this.scpScope ? [scpSummary(this.scpScope, Object.keys(this.accountScps).length, !!this.scp)] : []),
    ];
  }
}

/** One summary line: where the SCPs are, which keys they reserve and whom they exempt. */
function scpSummary(
  scope: { readonly keys: readonly string[]; readonly exemptions: ScpExemptions; readonly combinedSize: number },
  accounts: number,
  combined: boolean,
): string {
  const e = scope.exemptions;
  const exempt = [
    ...(e.pipeline.length > 0 ? [`${e.pipeline.length} CI apply role${e.pipeline.length === 1 ? "" : "s"}`] : []),
    ...(e.breakGlass.length > 0
      ? [`emergency administrator role (breakGlassRoleName) in ${e.breakGlass.length} account(s)`]
      : []),
    ...(e.other.length > 0 ? [`${e.other.length} listed principal(s)`] : []),
  ];
  const where = combined
    ? `${SCP_FILE} (+ one per account: ${accountScpFile("<account>")}, ${accounts})`
    : `${accountScpFile("<account>")} (${accounts} accounts; the combined one would be ${scope.combinedSize} characters, over ${SCP_MAX_CHARS})`;
  return `SCP → ${where}: reserves ${scope.keys.join(", ") || "no keys"}; exempt by exact ARN: ${exempt.join(", ") || "nobody (no CI roles, break-glass role or exemptPrincipalArns)"}`;
}
