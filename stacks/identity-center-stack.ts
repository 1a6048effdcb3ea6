import * as fs from "fs";
import * as path from "path";
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
import { accessGroupName, accessTagKeys, permissionSetPolicyProps } from "./operator-policy-props";
import type { ISummarized } from "./summary";

export interface IdentityCenterStackProps {
  readonly identity: IdentityConfig;
  readonly environments: readonly EnvironmentConfig[];
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
/** The service control policy size limit (characters, whitespace not counted). */
export const SCP_MAX_CHARS = 5120;

/**
 * The org-wide service control policy that reserves every environment's access tag keys to the exempt principals
 * (the platform role): the same denies every operator policy carries, for every principal of the member accounts
 * it is attached to (SCPs never apply to the management account itself).
 */
export function accessTagScp(keys: readonly string[], exemptPrincipalArns: readonly string[]): object {
  const statements: Statement[] = tagProtectionStatements(keys).map((s) => ({
    ...s,
    sid: s.sid?.replace(/^Deny/, "Reserve"),
    conditions: { ...s.conditions, ArnNotLike: { "aws:PrincipalArn": [...exemptPrincipalArns] } },
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
  public readonly scp?: object;

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
      const scp = (this.scp = accessTagScp(keys, protection.exemptPrincipalArns));
      const size = JSON.stringify(scp).length;
      if (size > SCP_MAX_CHARS) {
        throw new Error(
          `identity stack: the tag-protection SCP is ${size} characters, over the ${SCP_MAX_CHARS} AWS allows; use fewer access tag keys or exempt principals`,
        );
      }
      if (protection.createScp) {
        const policy = new OrganizationsPolicy(this, "TagProtectionScp", {
          name: `${identity.project}-access-tag-protection`,
          description: "Reserves the Session Manager access tag keys to the platform principals (bastionless)",
          type: "SERVICE_CONTROL_POLICY",
          content: JSON.stringify(scp),
        });
        protection.scpTargetIds.forEach(
          (target) =>
            new OrganizationsPolicyAttachment(this, `TagProtectionScp-${target}`, {
              policyId: policy.id,
              targetId: target,
            }),
        );
      }
      // The ready-to-attach JSON next to the stacks (cdktf.out/scp/...), written with the synth output.
      const inner = this.synthesizer;
      this.synthesizer = {
        synthesize: (session) => {
          inner.synthesize(session);
          const file = path.join(session.outdir, SCP_FILE);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, `${JSON.stringify(scp, null, 2)}\n`);
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
      ...(this.scp ? [`SCP → ${SCP_FILE}`] : []),
    ];
  }
}
