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

/** Registers path suppressions when the stack is synthesized (so constructs added after enableGuardrails count). */
class PathSuppressions implements IAspect {
  constructor(
    private readonly stack: TerraformStack,
    private readonly suppressions: readonly PathSuppression[],
  ) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) return;
    for (const s of this.suppressions) {
      const target = findByPath(this.stack, s.path);
      if (target) suppress(target, s.rule, s.reason);
      else
        Annotations.of(this.stack).addWarning(
          `guardrail suppression ${s.rule} at ${JSON.stringify(s.path)} matches no construct of this stack (unused)`,
        );
    }
  }
}

/**
 * Runs after every rule: a suppression that suppressed nothing is a warning (it may hide a future finding); then the
 * synth's model of the stack is done with.
 */
class UnusedSuppressions implements IAspect {
  constructor(private readonly stack: TerraformStack) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) return;
    for (const s of suppressionsIn(this.stack)) {
      if (s.used === 0)
        Annotations.of(s.scope).addWarning(
          `guardrail suppression ${s.rule} is unused: no ${s.rule} finding at or below this construct (reason given: ${s.reason})`,
        );
    }
    guardrailsOf(this.stack).endSynth();
  }
}

/**
 * The guardrails of one stack as ONE aspect (as a cdk-nag pack is one): its steps run in order when the synth
 * visits the stack. Each rule is an aspect too and can be added on its own; one aspect for the set spares cdktn's
 * aspect walk its bookkeeping per rule and construct.
 */
class GuardrailSet implements IAspect {
  constructor(
    private readonly stack: TerraformStack,
    private readonly steps: readonly IAspect[],
  ) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) return;
    for (const step of this.steps) step.visit(node);
  }
}

/** Adds every guardrail rule to `stack`. Findings become errors or warnings when the stack is synthesized. */
export function enableGuardrails(stack: TerraformStack, props: GuardrailsProps = {}): void {
  assertSameCore(stack, "enableGuardrails");
  guardrailsOf(stack, props);
  const suppressions = props.suppressions ?? [];
  Aspects.of(stack).add(
    new GuardrailSet(stack, [
      ...(suppressions.length > 0 ? [new PathSuppressions(stack, suppressions)] : []),
      ...(props.rules ?? allRules()),
      new UnusedSuppressions(stack),
    ]),
  );
}

/** The findings suppressed in `stack` at its last synth, for the synth summary. */
export function suppressedFindings(stack: TerraformStack): readonly SuppressedFinding[] {
  return guardrailsOf(stack).suppressed;
}
