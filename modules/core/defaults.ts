/**
 * Defaults, stated once: the environment schema, the constructs and the generated Terraform modules all read them,
 * so the three delivery channels (YAML environments, npm constructs, registry modules) cannot disagree.
 * test/architecture/one-source.test.ts proves the schema's and the registry modules' defaults equal these.
 */

import type { SessionInterface } from "./limits";

/**
 * The interfaces of an access group that names none: the CLI only, the least privilege (no console read
 * permissions: `aws ssm start-session` and `bastionless connect` to an instance id need none of them).
 */
export const DEFAULT_SESSION_INTERFACES: readonly SessionInterface[] = ["cli"];

/** CloudWatch retention of session logs and flow logs, and the guardrails' minimum (one year). */
export const DEFAULT_LOG_RETENTION_DAYS = 365;

/** KMS ScheduleKeyDeletion waiting period of the session key (the maximum: the longest chance to cancel). */
export const DEFAULT_KMS_DELETION_WINDOW_DAYS = 30;

/** Days before current session-log objects in S3 expire (7 years). */
export const DEFAULT_LOG_EXPIRE_DAYS = 2557;

/** Days before noncurrent (overwritten or deleted) state object versions expire. */
export const DEFAULT_NONCURRENT_EXPIRE_DAYS = 90;

/**
 * Days before noncurrent (overwritten or deleted) session-log versions expire: as long as current ones, so a
 * transcript an instance overwrites is kept as long as one it does not.
 */
export const DEFAULT_LOG_NONCURRENT_EXPIRE_DAYS = DEFAULT_LOG_EXPIRE_DAYS;

/** Session Manager idleSessionTimeout, in minutes. */
export const DEFAULT_IDLE_SESSION_TIMEOUT_MINUTES = 20;

/** Session Manager maxSessionDuration, in minutes. */
export const DEFAULT_MAX_SESSION_DURATION_MINUTES = 60;

/** Instance type of the hardened launch template (and the example instance). */
export const DEFAULT_INSTANCE_TYPE = "t4g.nano";

/** Keep the ec2messages endpoint and instance actions for SSM Agent older than 3.3.40.0. */
export const DEFAULT_LEGACY_AGENT_SUPPORT = true;

/** AmazonSSMManagedInstanceCore on the instance role: off (least privilege). */
export const DEFAULT_MANAGED_INSTANCE_CORE = false;

/** Stream session data to CloudWatch Logs as it happens (logs survive an instance that stops mid-session). */
export const DEFAULT_CLOUDWATCH_STREAMING = true;

/**
 * The prefix every access tag key starts with (`bastionless:team`): keys nobody else's Terraform sets, so the
 * operator policies and the organization's tag-protection SCP reserve only them, never Environment or Team.
 */
export const DEFAULT_ACCESS_TAG_PREFIX = "bastionless:";

/** When sessions are expected (the audit kit's "outside working hours" query): Monday-Friday, 08:00-18:00 UTC. */
export const DEFAULT_WORKING_HOURS = {
  days: ["mon", "tue", "wed", "thu", "fri"],
  start: "08:00",
  end: "18:00",
  utcOffset: "+00:00",
} as const;

/**
 * The risky-command sets the audit kit alarms on (literal phrases, matched anywhere in a session's terminal
 * output; docs/session-audit.md says what they miss).
 */
export const DEFAULT_RISKY_COMMANDS = [
  { name: "privilege-escalation", phrases: ["sudo su", "sudo -i", "sudo -s", "sudo bash", "sudo sh "] },
  {
    name: "credential-access",
    phrases: ["/etc/shadow", "meta-data/iam/security-credentials", ".aws/credentials", "/.ssh/id_"],
  },
  {
    name: "log-tampering",
    phrases: ["history -c", "unset HISTFILE", "HISTFILE=/dev/null", "stop amazon-ssm-agent", "auditctl -D"],
  },
  { name: "destructive", phrases: ["rm -rf /", "mkfs", "dd if=/dev/zero", "shred "] },
  { name: "persistence", phrases: ["authorized_keys", "crontab -e", "useradd ", "visudo"] },
] as const;
