/**
 * Turns the guardrails on for a stack: one aspect that, when the synth visits the stack, registers the suppressions
 * given by path (from an environment file), runs every rule, and warns about suppressions that matched nothing.
 */
import {
  Annotations,
  Aspects,
  assertSameCore,
  type IAspect,
  type IConstruct,
  type TerraformStack,
} from "../core/cdktf";
import { allRules } from "./catalog";
import {
  GuardrailRule,
  guardrailsOf,
  suppress,
  suppressionsIn,
  type GuardrailOptions,
  type SuppressedFinding,
} from "./rule";

/** A suppression addressed by construct path relative to the stack (`Network/main/Endpoints`), or a prefix of it. */
export interface PathSuppression {
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
}

export interface GuardrailsProps extends GuardrailOptions {
  /** @default allRules() */
  readonly rules?: GuardrailRule[];
  /** @default none */
  readonly suppressions?: readonly PathSuppression[];
}

function findByPath(stack: TerraformStack, relative: string): IConstruct | undefined {
  let node: IConstruct | undefined = stack;
  for (const id of relative.split("/").filter((p) => p !== "")) node = node?.node.tryFindChild(id);
  return node;
}

/**
 * Registers path suppressions when the stack is synthesized (so constructs added after enableGuardrails count), each
 * on its construct once: `registered` remembers where an earlier synth of the stack put it.
 */
function registerPathSuppressions(
  stack: TerraformStack,
  suppressions: readonly PathSuppression[],
  registered: Map<PathSuppression, IConstruct>,
): void {
  for (const s of suppressions) {
    const target = findByPath(stack, s.path);
    if (!target)
      Annotations.of(stack).addWarning(
        `guardrail suppression ${s.rule} at ${JSON.stringify(s.path)} matches no construct of this stack (unused)`,
      );
    else if (registered.get(s) !== target) {
      suppress(target, s.rule, s.reason);
      registered.set(s, target);
    }
  }
}

/** After every rule: a suppression that suppressed nothing is a warning (it may hide a future finding). */
function warnUnusedSuppressions(stack: TerraformStack): void {
  for (const s of suppressionsIn(stack)) {
    if (s.used === 0)
      Annotations.of(s.scope).addWarning(
        `guardrail suppression ${s.rule} is unused: no ${s.rule} finding at or below this construct (reason given: ${s.reason})`,
      );
  }
}

/**
 * The guardrails of one stack as ONE aspect (as a cdk-nag pack is one): when the synth visits the stack, it registers
 * the path suppressions, checks every rule in order against one model of the stack, warns about unused suppressions
 * and drops the model; what it reports (suppressed findings, unused suppressions) is that synth's alone. One aspect
 * for the set spares cdktn's aspect walk its bookkeeping per rule and construct.
 */
class GuardrailSet implements IAspect {
  private readonly registered = new Map<PathSuppression, IConstruct>();

  constructor(
    private readonly stack: TerraformStack,
    private readonly rules: readonly GuardrailRule[],
    private readonly suppressions: readonly PathSuppression[],
  ) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) return;
    const g = guardrailsOf(this.stack);
    g.startSynth();
    registerPathSuppressions(this.stack, this.suppressions, this.registered);
    for (const rule of this.rules) rule.check(this.stack);
    warnUnusedSuppressions(this.stack);
    g.endSynth();
  }
}

/** Adds every guardrail rule to `stack`. Findings become errors or warnings when the stack is synthesized. */
export function enableGuardrails(stack: TerraformStack, props: GuardrailsProps = {}): void {
  assertSameCore(stack, "enableGuardrails");
  guardrailsOf(stack, props);
  Aspects.of(stack).add(new GuardrailSet(stack, props.rules ?? allRules(), props.suppressions ?? []));
}

/** The findings suppressed in `stack` at its last synth, for the synth summary. */
export function suppressedFindings(stack: TerraformStack): readonly SuppressedFinding[] {
  return guardrailsOf(stack).suppressed;
}
