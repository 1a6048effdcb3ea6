/**
 * The names of the session documents an operator starts, derived here and nowhere else: the stacks create and
 * grant them, the access report evaluates them and the `bastionless` command starts them. Dependency-free, so the
 * command reads it without loading cdktf or the provider bindings.
 */

/** The document Session Manager reads its regional preferences from (one per account and region): the logged shell. */
export const PREFERENCES_DOCUMENT = "SSM-SessionManagerRunShell";

/** The AWS document of SSH sessions: denied unless an access group grants `ssh`. */
export const SSH_DOCUMENT = "AWS-StartSSHSession";

/** SSM document names: 3-128 of letters, digits, `_`, `-` and `.` (CreateDocument). */
export const DOCUMENT_NAME = /^[a-zA-Z0-9_.-]{3,128}$/;

/** A port-forwarding target of an access group. */
export interface PortForwardTarget {
  readonly host: string;
  readonly port: number;
  /** ISO-8601 UTC instant after which this target's document can no longer be started. @default - no expiry */
  readonly expires?: string;
}

/** The Port document of one target, named by its host and port (stable when the targets are reordered). */
export function portForwardDocumentName(groupName: string, target: Pick<PortForwardTarget, "host" | "port">): string {
  const name = `${groupName}-port-${target.host.replace(/[^a-zA-Z0-9_.-]/g, "-")}-${target.port}`;
  if (!DOCUMENT_NAME.test(name))
    throw new Error(
      `AccessGroup ${groupName}: port-forwarding document name ${name} is not 3-128 letters, digits, _, - and .; shorten the group name or the host`,
    );
  return name;
}

/**
 * Document name → expiry of the targets that expire: what the operator policy ends per document. The one derivation
 * the environment stack (AccessGroup) and the identity stack (permission sets) share.
 */
export function portForwardDocumentExpiries(
  groupName: string,
  targets: readonly PortForwardTarget[],
): Record<string, string> {
  return Object.fromEntries(
    targets.flatMap((t) => (t.expires ? [[portForwardDocumentName(groupName, t), t.expires]] : [])),
  );
}
