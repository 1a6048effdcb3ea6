/**
 * The id of every guardrail rule, in documentation order, without loading the rules: the config schema validates
 * suppressions against this list. test/guardrails/rule-ids.test.ts proves it equals the catalogue (catalog.ts).
 * A new rule gets a new id here and in the catalogue; ids are never reused.
 */
export const RULE_IDS = [
  "BL-NET-001",
  "BL-NET-002",
  "BL-NET-003",
  "BL-NET-004",
  "BL-NET-005",
  "BL-NET-006",
  "BL-NET-007",
  "BL-NET-008",
  "BL-NET-009",
  "BL-NET-010",
  "BL-LOG-001",
  "BL-LOG-002",
  "BL-LOG-003",
  "BL-LOG-004",
  "BL-BKT-001",
  "BL-BKT-002",
  "BL-BKT-003",
  "BL-BKT-004",
  "BL-BKT-005",
  "BL-KMS-001",
  "BL-SES-001",
  "BL-SES-002",
  "BL-SES-003",
  "BL-IAM-001",
  "BL-IAM-002",
  "BL-IAM-003",
  "BL-IAM-004",
  "BL-IAM-005",
  "BL-IAM-006",
  "BL-IAM-007",
  "BL-DUR-001",
] as const;

export type RuleId = (typeof RULE_IDS)[number];
