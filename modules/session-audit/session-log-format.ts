/**
 * What Session Manager writes, as the SSM agent writes it (aws/amazon-ssm-agent): the field names every query,
 * metric filter and table of the audit kit reads, stated once. test/fixtures/session-manager/ holds a sample of
 * each format and test/modules/session-audit.test.ts checks every field the kit uses against it.
 *
 * 1. The streamed CloudWatch Logs event (`cloudWatchStreamingEnabled: true`): one JSON object per log event,
 *    `CloudWatchMessage` in agent/agentlogstocloudwatch/cloudwatchlogspublisher/cloudwatchlogsservice.go:
 *    `{"eventVersion":"1.0","eventTime":"<RFC 3339, UTC>","awsRegion":…,"target":{"id":"<instance id>"},
 *    "userIdentity":{"arn":"<session owner ARN>"},"runAsUser":…,"sessionId":…,"sessionData":["<line>",…]}`.
 *    `sessionData` holds the terminal lines of up to one second of output (the echoed commands and what they
 *    printed, ANSI control sequences stripped on Linux, tabs turned into spaces, `\r` removed); the log stream is
 *    named after the session id. Go's encoder escapes `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026` in the raw
 *    event text, which is what metric filter terms match. With `cloudWatchStreamingEnabled: false` the agent
 *    uploads plain text at the end of the session instead: no JSON, no fields.
 * 2. The S3 transcript: at the end of a session the agent replays the terminal output through `script` into
 *    `<sessionId>.log` and uploads it to `<s3KeyPrefix>/<sessionId>.log` (fileutil.BuildS3Path in
 *    agent/session/shell/shell.go). Plain text, one terminal line per line, ANSI sequences kept; the key carries no
 *    date, so a table over it can be partitioned by prefix (the environment) only.
 * 3. The StartSession API call as CloudTrail records it and EventBridge delivers it ("AWS API Call via
 *    CloudTrail", the CloudTrail record under `detail`): the only record of a session's `Reason`
 *    (`requestParameters.reason`), which the streamed event does not carry.
 */

/** Fields of the streamed session event, as Logs Insights names them (nested keys joined with `.`). */
export const STREAMED_FIELDS = {
  eventVersion: "eventVersion",
  eventTime: "eventTime",
  region: "awsRegion",
  instance: "target.id",
  person: "userIdentity.arn",
  runAsUser: "runAsUser",
  session: "sessionId",
  lines: "sessionData",
} as const;

/** Fields of the StartSession CloudTrail record delivered by EventBridge into a log group (under `detail`). */
export const START_SESSION_FIELDS = {
  eventSource: "detail.eventSource",
  eventName: "detail.eventName",
  person: "detail.userIdentity.arn",
  personType: "detail.userIdentity.type",
  instance: "detail.requestParameters.target",
  reason: "detail.requestParameters.reason",
  document: "detail.requestParameters.documentName",
  session: "detail.responseElements.sessionId",
} as const;

/** The key the agent uploads a session's transcript to (BuildS3Path: prefix, `/`, `<sessionId>.log`). */
export function transcriptKey(keyPrefix: string, sessionId: string): string {
  return keyPrefix === "" ? `${sessionId}.log` : `${keyPrefix.replace(/\/+$/, "")}/${sessionId}.log`;
}
