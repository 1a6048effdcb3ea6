/**
 * A guardrail rule is an aspect: added to a stack, it checks the stack's synthesized resources when the stack is
 * synthesized and reports each finding as an annotation on the offending construct (an error fails the synth; a
 * warning is printed). Findings can be suppressed per construct with a written reason (see `suppress`).
 */
import { Annotations, TerraformStack, type IAspect, type IConstruct } from "../core/cdktf";
import { StackModel, type TfBlock } from "./model";
import { DEFAULT_LOG_RETENTION_DAYS } from "../core/defaults";

export type Severity = "error" | "warning";

export type RuleCategory = "network" | "logging" | "session" | "iam" | "durability";

/** What a rule is, for findings and for docs/guardrails.md. */
export interface RuleInfo {
  /** Stable id, never reused: `BL-<AREA>-<nnn>`. */
  readonly id: string;
  readonly category: RuleCategory;
  readonly severity: Severity;
  /** The finding in one line, e.g. "Security group ingress from anywhere". */
  readonly title: string;
  /** Why it matters, in a sentence or two. */
  readonly why: string;
  /** How to fix it. */
  readonly fix: string;
  /** Terraform types the rule reads. */
  readonly resourceTypes: readonly string[];
  /** When a finding's severity depends on the stack (e.g. "warning; error in environments marked `protected`"). */
  readonly severityNote?: string;
}

/** One finding: the offending block and what exactly is wrong with it. */
export interface Finding {
  readonly block: TfBlock;
  readonly detail: string;
  /** @default the rule's severity */
  readonly severity?: Severity;
}

export interface GuardrailOptions {
  /** Log groups must keep logs at least this many days (0, never expire, always passes). @default DEFAULT_LOG_RETENTION_DAYS (365) */
  readonly minLogRetentionDays?: number;
  /** The stack is an environment marked `protected` (rules may be stricter there). @default false */
  readonly protectedEnvironment?: boolean;
}

/** A suppression: the rule id and the written reason (at least 10 characters) shown in the synth summary. */
export interface Suppression {
  readonly rule: string;
  readonly reason: string;
}

interface SuppressionEntry extends Suppression {
  readonly scope: IConstruct;
  used: number;
}

export interface SuppressedFinding {
  readonly rule: string;
  readonly address: string;
  readonly path: string;
  readonly reason: string;
}

/** Per-stack state shared by the rule aspects of one stack: the model (built once) and the suppression ledger. */
class StackGuardrails {
  private modelCache?: StackModel;
  public readonly suppressed: SuppressedFinding[] = [];

  constructor(
    public readonly stack: TerraformStack,
    public readonly options: Required<GuardrailOptions>,
  ) {}

  /** The stack as the rules of the current synth see it, built by the first rule that asks. */
  public get model(): StackModel {
    return (this.modelCache ??= new StackModel(this.stack));
  }

  /** Starts a synth of the stack: its suppressed findings and the uses of its suppressions are counted anew. */
  public startSynth(): void {
    this.suppressed.splice(0);
    for (const s of suppressionsIn(this.stack)) s.used = 0;
  }

  /**
   * Ends the current synth's model, once its rules have run: a later synth of the stack (which may have gained
   * constructs) builds its own, and the resolved configurations it holds are not kept alive with the stack.
   */
  public endSynth(): void {
    this.modelCache = undefined;
  }

  public report(rule: RuleInfo, finding: Finding): void {
    const suppression = findSuppression(finding.block.construct, rule.id);
    if (suppression) {
      suppression.used++;
      this.suppressed.push({
        rule: rule.id,
        address: finding.block.address,
        path: finding.block.path,
        reason: suppression.reason,
      });
      return;
    }
    const text = `${rule.id} ${rule.title}: ${finding.detail} [${finding.block.address}]. Fix: ${rule.fix}`;
    const annotations = Annotations.of(finding.block.construct);
    if ((finding.severity ?? rule.severity) === "error") annotations.addError(text);
    else annotations.addWarning(text);
  }
}

const STACKS = new WeakMap<TerraformStack, StackGuardrails>();
const SUPPRESSIONS = new WeakMap<IConstruct, SuppressionEntry[]>();

/** The guardrail state of a stack (created with defaults if `enableGuardrails` was not called). */
export function guardrailsOf(stack: TerraformStack, options: GuardrailOptions = {}): StackGuardrails {
  let g = STACKS.get(stack);
  if (!g) {
    g = new StackGuardrails(stack, {
      minLogRetentionDays: options.minLogRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      protectedEnvironment: options.protectedEnvironment ?? false,
    });
    STACKS.set(stack, g);
  }
  return g;
}

/**
 * Suppresses `rule` for `scope` and everything below it. The reason is required (at least 10 characters), shown in
 * the synth summary, and a suppression that matches nothing is reported as a warning.
 */
export function suppress(scope: IConstruct, rule: string, reason: string): void {
  if (!/^BL-[A-Z0-9]+-\d{3}$/.test(rule))
    throw new Error(`suppress: ${JSON.stringify(rule)} is not a rule id like BL-NET-001`);
  if (reason.trim().length < 10)
    throw new Error(`suppress ${rule} at ${scope.node.path}: give a reason of at least 10 characters`);
  const list = SUPPRESSIONS.get(scope) ?? [];
  list.push({ rule, reason: reason.trim(), scope, used: 0 });
  SUPPRESSIONS.set(scope, list);
}

function findSuppression(c: IConstruct, rule: string): SuppressionEntry | undefined {
  for (const scope of [...c.node.scopes].reverse()) {
    const hit = SUPPRESSIONS.get(scope)?.find((s) => s.rule === rule);
    if (hit) return hit;
  }
  return undefined;
}

/** The suppressions registered on constructs of a stack, used or not. */
export function suppressionsIn(stack: TerraformStack): SuppressionEntry[] {
  return stack.node.findAll().flatMap((c) => SUPPRESSIONS.get(c) ?? []);
}

/** Base class of every rule: subclasses give their metadata and `evaluate`. */
export abstract class GuardrailRule implements IAspect, RuleInfo {
  public abstract readonly id: string;
  public abstract readonly category: RuleCategory;
  public abstract readonly severity: Severity;
  public abstract readonly title: string;
  public abstract readonly why: string;
  public abstract readonly fix: string;
  public abstract readonly resourceTypes: readonly string[];
  public readonly severityNote?: string;

  /** The findings of this rule in one stack. */
  public abstract evaluate(model: StackModel, options: Required<GuardrailOptions>): Finding[];

  /** Evaluates this rule against the stack's current model and reports its findings (or their suppressions). */
  public check(stack: TerraformStack): void {
    const g = guardrailsOf(stack);
    for (const finding of this.evaluate(g.model, g.options)) g.report(this, finding);
  }

  /** As an aspect of its own (enableGuardrails adds the whole set as one): checks the stack with a model of its own. */
  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack)) return;
    this.check(node);
    guardrailsOf(node).endSynth();
  }
}
