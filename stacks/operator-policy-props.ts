/**
 * The operator-policy inputs of an access group, derived from its environment's config in one place, so the
 * environment stack (IAM group and role policies) and the identity stack (permission set inline policies)
 * write the same rules.
 */
import type { AccessGroupConfig, EnvironmentConfig } from "../loader/schema";
import { sessionKeyAlias } from "../loader/names";
import { physicalName } from "../modules/core/naming";
import {
  portForwardDocumentExpiries,
  portForwardDocumentName,
  type OperatorPolicyProps,
} from "../modules/operator-access";
import { PREFERENCES_DOCUMENT } from "../modules/session-preferences";

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
    sessionKeyAlias: config.sessionPreferences.waiveKmsEncryption === undefined ? sessionKeyAlias(config) : undefined,
    protectedDocuments: [PREFERENCES_DOCUMENT, ...portDocuments],
    protectedTagKeys: accessTagKeys(config),
    expires: group.expires,
    interfaces: group.interfaces,
    documentExpiries: portForwardDocumentExpiries(name, targets),
  };
}
