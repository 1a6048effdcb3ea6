/** BL-LOG-003 against raw Terraform fixtures: a hardened trail is clean; each missing property is named. */
import type { TerraformStack } from "../../modules/core/cdktf";
import { check, raw } from "../helpers/guardrails";

const HARDENED = {
  name: "audit",
  s3_bucket_name: "logs",
  is_multi_region_trail: true,
  include_global_service_events: true,
  enable_log_file_validation: true,
  kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000",
  lifecycle: { prevent_destroy: true },
};
const trail = (config: Record<string, unknown>) => (s: TerraformStack) => raw(s, "aws_cloudtrail", "t", config);
const findings = (config: Record<string, unknown>) =>
  check(trail(config))
    .filter((r) => r.rule === "BL-LOG-003")
    .map((r) => r.message);

describe("BL-LOG-003 audit trail hardened", () => {
  test("GIVEN a multi-region, validated, KMS-encrypted, protected trail THEN there is no finding at all", () => {
    expect(check(trail(HARDENED)).map((r) => r.message)).toEqual([]);
  });
  test.each([
    ["is_multi_region_trail", { is_multi_region_trail: false }],
    ["include_global_service_events", { include_global_service_events: false }],
    ["enable_log_file_validation", { enable_log_file_validation: undefined }],
    ["kms_key_id", { kms_key_id: undefined }],
    ["lifecycle.prevent_destroy", { lifecycle: undefined }],
  ])("GIVEN a trail without %s THEN it is an error naming exactly that", (what, change) => {
    const config: Record<string, unknown> = { ...HARDENED, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete config[k];
    expect(findings(config)).toEqual([
      expect.stringMatching(new RegExp(`trail "audit" lacks ${what.replace(".", "\\.")} \\[aws_cloudtrail\\.t\\]`)),
    ]);
  });
  test("GIVEN a bare trail THEN every missing property is listed in one finding", () => {
    expect(findings({ name: "bare", s3_bucket_name: "logs" })).toEqual([
      expect.stringMatching(
        /trail "bare" lacks is_multi_region_trail, enable_log_file_validation, kms_key_id, lifecycle\.prevent_destroy \[aws_cloudtrail\.t\]/,
      ),
    ]);
  });
});
