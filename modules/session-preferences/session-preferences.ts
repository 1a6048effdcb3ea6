import { SsmDocument } from "../core/aws";
import { Construct } from "../core/cdktf";
import { suppress } from "../guardrails";
import { IDLE_SESSION_TIMEOUT_MINUTES, LINUX_USER, MAX_SESSION_DURATION_MINUTES } from "../core/limits";
import { DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES, DEFAULT_MAX_SESSION_DURATION_MINUTES } from "../core/defaults";
import { PREFERENCES_DOCUMENT } from "../core/session-documents";

export { PREFERENCES_DOCUMENT } from "../core/session-documents";

export interface SessionPreferencesProps {
  /** @default "SSM-SessionManagerRunShell" */
  readonly documentName?: string;
  /** S3 destination. @default - no S3 logging */
  readonly s3?: { readonly bucketName: string; readonly keyPrefix: string };
  /** CloudWatch destination. @default - no CloudWatch logging */
  readonly cloudWatch?: { readonly logGroupName: string; readonly streaming?: boolean };
  /** KMS key (ARN, id or alias) that encrypts session data. Required unless `waiveKmsEncryption` is given. */
  readonly kmsKeyId?: string;
  /** A written reason to run without `kmsKeyId`. @default - none: kmsKeyId is required */
  readonly waiveKmsEncryption?: string;
  /** A written reason to log nowhere. @default - none: a destination is required */
  readonly waiveLogging?: string;
  /**
   * A written reason to turn off the agent's check that the destinations are encrypted (`s3EncryptionEnabled`,
   * `cloudWatchEncryptionEnabled` false). The agent refuses a session when it cannot read the bucket's encryption
   * or the log group, so in an account other teams share their instances (which cannot) would lose Session Manager;
   * without the check a session whose transcript cannot be written still opens. The destinations must then be
   * encrypted by construction. @default - none: the agent checks
   */
  readonly waiveDestinationEncryptionCheck?: string;
  /** @default DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES (20) */
  readonly idleSessionTimeoutMinutes?: number;
  /** @default DEFAULT_MAX_SESSION_DURATION_MINUTES (60) */
  readonly maxSessionDurationMinutes?: number;
  /** Run sessions as this OS user. @default - run-as off (sessions run as ssm-user) */
  readonly runAsDefaultUser?: string;
  /** @default - none */
  readonly shellProfile?: { readonly linux?: string; readonly windows?: string };
  /** Import the existing document (the console often created it) instead of creating it. @default false */
  readonly adoptExisting?: boolean;
}

/** The document body, exactly the AWS Session schema: numbers that are strings stay strings, booleans are booleans. */
export interface SessionDocumentContent {
  schemaVersion: "1.0";
  description: string;
  sessionType: "Standard_Stream";
  inputs: {
    s3BucketName: string;
    s3KeyPrefix: string;
    s3EncryptionEnabled: boolean;
    cloudWatchLogGroupName: string;
    cloudWatchEncryptionEnabled: boolean;
    cloudWatchStreamingEnabled: boolean;
    kmsKeyId: string;
    runAsEnabled: boolean;
    runAsDefaultUser: string;
    idleSessionTimeout: string;
    maxSessionDuration: string;
    shellProfile: { windows: string; linux: string };
  };
}

function inRange(name: string, value: number, { min, max }: { readonly min: number; readonly max: number }): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`SessionPreferences: ${name} ${value} is out of range; allowed: whole minutes ${min}-${max}`);
  }
  return value;
}

/** Builds and validates the document content from typed props. */
export function sessionDocumentContent(props: SessionPreferencesProps): SessionDocumentContent {
  if (!props.kmsKeyId && !props.waiveKmsEncryption) {
    throw new Error(
      "SessionPreferences: kmsKeyId is required (session data must be KMS-encrypted); give waiveKmsEncryption with a reason to go without",
    );
  }
  if (!props.s3 && !props.cloudWatch && !props.waiveLogging) {
    throw new Error("SessionPreferences: no log destination; give s3 and/or cloudWatch, or waiveLogging with a reason");
  }
  if (props.runAsDefaultUser !== undefined && !LINUX_USER.test(props.runAsDefaultUser)) {
    throw new Error(
      `SessionPreferences: runAsDefaultUser ${JSON.stringify(props.runAsDefaultUser)} is not a Linux user name`,
    );
  }
  if (props.runAsDefaultUser === "root")
    throw new Error('SessionPreferences: runAsDefaultUser "root" is not supported by Session Manager');
  const idle = inRange(
    "idleSessionTimeoutMinutes",
    props.idleSessionTimeoutMinutes ?? DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES,
    IDLE_SESSION_TIMEOUT_MINUTES,
  );
  const max = inRange(
    "maxSessionDurationMinutes",
    props.maxSessionDurationMinutes ?? DEFAULT_MAX_SESSION_DURATION_MINUTES,
    MAX_SESSION_DURATION_MINUTES,
  );
  return {
    schemaVersion: "1.0",
    description: "Session Manager preferences (managed by bastionless)",
    sessionType: "Standard_Stream",
    inputs: {
      s3BucketName: props.s3?.bucketName ?? "",
      s3KeyPrefix: props.s3?.keyPrefix ?? "",
      s3EncryptionEnabled: props.s3 !== undefined && !props.waiveDestinationEncryptionCheck,
      cloudWatchLogGroupName: props.cloudWatch?.logGroupName ?? "",
      cloudWatchEncryptionEnabled: props.cloudWatch !== undefined && !props.waiveDestinationEncryptionCheck,
      cloudWatchStreamingEnabled: props.cloudWatch ? (props.cloudWatch.streaming ?? true) : false,
      kmsKeyId: props.kmsKeyId ?? "",
      runAsEnabled: props.runAsDefaultUser !== undefined,
      runAsDefaultUser: props.runAsDefaultUser ?? "",
      idleSessionTimeout: String(idle),
      maxSessionDuration: String(max),
      shellProfile: { windows: props.shellProfile?.windows ?? "", linux: props.shellProfile?.linux ?? "" },
    },
  };
}

/**
 * The Session Manager preferences document (`SSM-SessionManagerRunShell`, type Session, schema 1.0,
 * Standard_Stream) from typed props. With `adoptExisting`, the synthesized Terraform carries an `import` block
 * so the first apply adopts the document the console created instead of failing with DocumentAlreadyExists.
 */
export class SessionPreferences extends Construct {
  public readonly document: SsmDocument;
  public readonly documentName: string;
  public readonly content: SessionDocumentContent;

  constructor(scope: Construct, id: string, props: SessionPreferencesProps) {
    super(scope, id);
    this.documentName = props.documentName ?? PREFERENCES_DOCUMENT;
    this.content = sessionDocumentContent(props);
    this.document = new SsmDocument(this, "Resource", {
      name: this.documentName,
      documentType: "Session",
      documentFormat: "JSON",
      content: JSON.stringify(this.content, null, 2),
    });
    if (props.adoptExisting) this.document.importFrom(this.documentName);
    // A waiver is the named opt-in the guardrails would otherwise refuse; its reason goes into the synth summary.
    if (!props.kmsKeyId && props.waiveKmsEncryption) suppress(this.document, "BL-SES-002", props.waiveKmsEncryption);
    if (!props.s3 && !props.cloudWatch && props.waiveLogging) suppress(this.document, "BL-SES-001", props.waiveLogging);
    else if ((props.s3 || props.cloudWatch) && props.waiveDestinationEncryptionCheck)
      suppress(this.document, "BL-SES-001", props.waiveDestinationEncryptionCheck);
  }
}
