/**
 * The operator-policy inputs of an access group, derived from its environment's config in one place, so the
 * environment stack (IAM group and role policies) and the identity stack (permission set inline policies)
 * write the same rules.
 */
import type { AccessGroupConfig, EnvironmentConfig } from "../loader/schema";
import { sessionKeyAlias } from "../loader/names";
import { breakGlassRoleName, physicalName } from "../modules/core/naming";
import {
  type BreakGlassPolicyProps,
  portForwardDocumentExpiries,
  portForwardDocumentName,
  type OperatorPolicyProps,
} from "../modules/operator-access";
import { PREFERENCES_DOCUMENT } from "../modules/session-preferences";
import { partitionOf } from "./permissions-boundary";

/** Every access tag key of an environment: each operator policy reserves all of them (tagging is privilege). */
export function accessTagKeys(config: EnvironmentConfig): string[] {
  return [...new Set(config.accessGroups.flatMap((g) => Object.keys(g.instanceTags)))].sort();
}

/** The physical name of an access group (IAM group, document prefix). */
export function accessGroupName(config: EnvironmentConfig, group: AccessGroupConfig): string {
  return physicalName({ project: config.project, environment: config.name }, group.name);
}

/**
 * The operator statements' inputs for a principal outside the environment's state (a permission set): documents
 * by name, the session key by alias, no MFA deny (Identity Center enforces MFA at sign-in).
 */
export function permissionSetPolicyProps(config: EnvironmentConfig, group: AccessGroupConfig): OperatorPolicyProps {
  const name = accessGroupName(config, group);
  const targets = group.capabilities.portForwarding;
  const portDocuments = [...new Set(targets.map((t) => portForwardDocumentName(name, t)))];
  return {
    account: config.account,
    region: config.region,
    instanceTags: group.instanceTags,
    documents: [...(group.capabilities.shell ? [PREFERENCES_DOCUMENT] : []), ...portDocuments],
    ssh: group.capabilities.ssh,
    requireMfa: false,
    sourceCidrs: group.sourceCidrs,
    // Only the adopted VPCs' ids are known outside the environment's state (a created VPC's id is not).
    sourceVpcIds: config.vpcs.flatMap((v) => (v.mode === "adopt" ? [v.vpcId] : [])),
    sessionKeyAlias: config.sessionPreferences.waiveKmsEncryption === undefined ? sessionKeyAlias(config) : undefined,
    protectedDocuments: [PREFERENCES_DOCUMENT, ...portDocuments],
    protectedTagKeys: accessTagKeys(config),
    expires: group.expires,
    interfaces: group.interfaces,
    documentExpiries: portForwardDocumentExpiries(name, targets),
  };
}

/** The ARN of the environment's break-glass role (created by the ci stack when `breakGlass` is set). */
export function breakGlassRoleArn(config: EnvironmentConfig): string {
  const name = breakGlassRoleName({ project: config.project, environment: config.name });
  return `arn:${partitionOf(config.region)}:iam::${config.account}:role/${name}`;
}

/**
 * The break-glass role's policy inputs: every instance the environment's access groups select (each group's
 * selector, once), shell through the preferences document only, the session key by alias (its ARN lives in the
 * environment's state, the role in the ci stack's), and the environment's access tag keys reserved.
 */
export function breakGlassPolicyProps(config: EnvironmentConfig): BreakGlassPolicyProps {
  const selectors = new Map<string, Record<string, readonly string[]>>();
  for (const g of config.accessGroups) {
    const sorted = Object.fromEntries(
      Object.keys(g.instanceTags)
        .sort()
        .map((k) => [k, [...g.instanceTags[k]].sort()]),
    );
    selectors.set(JSON.stringify(sorted), sorted);
  }
  return {
    account: config.account,
    region: config.region,
    partition: partitionOf(config.region),
    instanceSelectors: [...selectors.keys()].sort().map((k) => selectors.get(k)!),
    shellDocumentName: PREFERENCES_DOCUMENT,
    protectedDocuments: [PREFERENCES_DOCUMENT],
    protectedTagKeys: accessTagKeys(config),
    sessionKeyAlias: config.sessionPreferences.waiveKmsEncryption === undefined ? sessionKeyAlias(config) : undefined,
  };
}
