import type { ITerraformDependable } from "./cdktf";

/**
 * A KMS key other resources encrypt with. Constructs take this instead of a key ARN, and order themselves after
 * the key policy when their service must be admitted by it before they are created (CloudWatch Logs).
 */
export interface IEncryptionKey {
  readonly keyArn: string;
  /** The key policy, when this stack manages it. @default - an existing key whose policy is already in place */
  readonly keyPolicy?: ITerraformDependable;
}

/** An existing key, by ARN (its policy is managed elsewhere and already admits what needs it). */
export function encryptionKeyFromArn(keyArn: string): IEncryptionKey {
  return { keyArn };
}

/** `dependsOn` for a resource that must be created after the key's policy. */
export function afterKeyPolicy(key: IEncryptionKey): ITerraformDependable[] | undefined {
  return key.keyPolicy ? [key.keyPolicy] : undefined;
}
