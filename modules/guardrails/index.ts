export { allRules } from "./catalog";
export { RULE_IDS, type RuleId } from "./rule-ids";
export { enableGuardrails, suppressedFindings, type GuardrailsProps, type PathSuppression } from "./guardrails";
export { StackModel, type TfBlock } from "./model";
export {
  GuardrailRule,
  suppress,
  type Finding,
  type GuardrailOptions,
  type RuleCategory,
  type RuleInfo,
  type Severity,
} from "./rule";
