/**
 * `logging.cloudTrail`: the audit alerts match "AWS API Call via CloudTrail" events, which EventBridge receives only
 * while a CloudTrail trail logs management events in the account and region. Every environment has the alerts, so
 * every environment says, explicitly, which trail that is: an existing one (checked at plan time), one the stack
 * creates, or a written waiver. No default: the safe choice depends on the account.
 */
import { z } from "zod";

const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;
const TRAIL_ARN =
  /^arn:aws[a-z-]*:cloudtrail:[a-z]{2}(-[a-z]+)+-\d:\d{12}:trail\/[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;
const KEYS = ["existing", "create", "waive"] as const;
const show = (v: unknown) => JSON.stringify(v);

export const CLOUD_TRAIL_REQUIRED =
  "is required: the audit alerts need a CloudTrail trail logging management events in this account and region; " +
  'name it (existing: <trail name or ARN>, checked at plan time), create one (create: true) or waive it (waive: "<reason>")';

export const cloudTrailSchema = z
  .strictObject(
    {
      existing: z
        .string()
        .refine((v) => TRAIL_NAME.test(v) || TRAIL_ARN.test(v), {
          error: (iss) =>
            `${show(iss.input)} is not a trail name (3-128 letters, digits, ., _ and -) or trail ARN (arn:aws:cloudtrail:<region>:<account>:trail/<name>)`,
        })
        .optional()
        .describe(
          "The trail this account relies on, e.g. the organization trail. A name for a trail of this account whose home region is the environment's region; the ARN otherwise (an organization trail seen from a member account, or a trail of another region). The plan reads it (Cloud Control, AWS::CloudTrail::Trail) and stops unless it is logging, logs write management events, covers this region and, when another account owns it, is an organization trail.",
        ),
      create: z
        .literal(true, { error: (iss) => `${show(iss.input)} is not allowed; write create: true, or remove it` })
        .optional()
        .describe(
          "Create a multi-region trail (management events, global services, log file validation, SSE-KMS with the session key) into the session-log bucket under AWSLogs/<account>/, protected from destroy. Needs logging.s3.enabled. A second trail in an account that already has one is billed for the extra copy of management events.",
        ),
      waive: z
        .string()
        .min(10, { error: "is too short; give the reason the alerts may stay silent (at least 10 characters)" })
        .optional()
        .describe(
          "A written reason to run without a known trail (the audit alerts then may never fire); shown in the synth summary.",
        ),
    },
    {
      error: (iss) => {
        if (iss.input === undefined) return CLOUD_TRAIL_REQUIRED;
        if (iss.code === "unrecognized_keys")
          return `unknown key${iss.keys.length > 1 ? "s" : ""} ${iss.keys.map((k) => show(k)).join(", ")} (allowed: ${KEYS.join(", ")})`;
        return undefined;
      },
    },
  )
  .superRefine((c, ctx) => {
    const given = KEYS.filter((k) => c[k] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: "custom",
        path: given.length > 1 ? [given[1]] : [],
        message:
          given.length > 1
            ? `is set together with ${given[0]}; give exactly one of existing, create and waive`
            : "is empty; give exactly one of existing (trail name or ARN), create (true) and waive (reason)",
      });
  })
  .describe(
    "The CloudTrail trail the session audit alerts depend on: exactly one of existing, create and waive. Required (no default).",
  );

export type CloudTrailConfig = z.output<typeof cloudTrailSchema>;
