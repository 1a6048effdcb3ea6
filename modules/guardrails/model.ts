/**
 * What a guardrail sees: every Terraform resource and data source of one stack with its final, resolved
 * configuration (attributes, lifecycle and raw overrides, exactly what goes into cdk.tf.json), its Terraform
 * address and its construct path. Rules never look at construct properties, so a resource added by any code,
 * an escape hatch or an override is checked the same way as ours.
 */
import {
  resolveData,
  TerraformDataSource,
  TerraformResource,
  type IConstruct,
  type TerraformStack,
} from "../core/cdktf";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Attributes = { readonly [key: string]: Json };

export interface TfBlock {
  readonly kind: "resource" | "data";
  /** e.g. `aws_security_group` */
  readonly type: string;
  /** Terraform address: `aws_security_group.Foo_1234ABCD` or `data.aws_iam_policy_document.Bar_5678`. */
  readonly address: string;
  /** Construct path relative to the stack, e.g. `Network/main/Endpoints/InstanceSecurityGroup`. */
  readonly path: string;
  readonly construct: IConstruct;
  /** Resolved configuration in Terraform's snake_case, without cdktf's `//` metadata. */
  readonly config: Attributes;
}

/** Terraform addresses referenced in a value: `${aws_s3_bucket.B.id}` → `aws_s3_bucket.B`. */
export function references(value: Json | undefined): string[] {
  if (typeof value !== "string") return [];
  const out: string[] = [];
  for (const expr of value.matchAll(/\$\{([^}]*)\}/g)) {
    for (const m of expr[1].matchAll(/\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)(?=\.|\b)/g)) out.push(m[1]);
  }
  return out;
}

/** A value Terraform would read as true (the provider bindings write some booleans as strings). */
export function isTrue(v: Json | undefined): boolean {
  return v === true || v === "true";
}

/** A value that is certainly not true: absent, false or "false". A reference (unknown until apply) is not. */
export function isFalseOrUnset(v: Json | undefined): boolean {
  return v === undefined || v === null || v === false || v === "false";
}

/** A nested block written as an object or a one-element list (both occur in cdktf output). */
export function block(v: Json | undefined): Attributes | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return first !== null && typeof first === "object" && !Array.isArray(first) ? first : undefined;
}

/** A repeated nested block as a list of objects. */
export function blocks(v: Json | undefined): Attributes[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.filter((x): x is Attributes => x !== null && typeof x === "object" && !Array.isArray(x));
}

export function strings(v: Json | undefined): string[] {
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** A block whose configuration is resolved on first use (rules read a fraction of a stack's resources). */
class LazyBlock implements TfBlock {
  private resolved?: Attributes;

  constructor(
    private readonly stack: TerraformStack,
    private readonly element: TerraformResource | TerraformDataSource,
    public readonly kind: "resource" | "data",
    public readonly type: string,
    public readonly address: string,
    public readonly path: string,
  ) {}

  public get construct(): IConstruct {
    return this.element;
  }

  public get config(): Attributes {
    if (!this.resolved) {
      const rendered = resolveData(this.stack, this.element.toTerraform()) as Record<
        string,
        Record<string, Record<string, Record<string, Json>>> | undefined
      >;
      // A moved resource renders no block of its own.
      const attrs = rendered[this.kind]?.[this.type]?.[this.element.friendlyUniqueId] ?? {};
      this.resolved = Object.fromEntries(Object.entries(attrs).filter(([k]) => k !== "//"));
    }
    return this.resolved;
  }
}

export class StackModel {
  public readonly blocks: readonly TfBlock[];
  private readonly byAddress = new Map<string, TfBlock>();
  private readonly byType = new Map<string, TfBlock[]>();
  private readonly memos = new Map<string, unknown>();

  constructor(public readonly stack: TerraformStack) {
    const out: TfBlock[] = [];
    const base = stack.node.path;
    for (const c of stack.node.findAll()) {
      const kind = c instanceof TerraformResource ? "resource" : c instanceof TerraformDataSource ? "data" : undefined;
      if (!kind) continue;
      const element = c as TerraformResource | TerraformDataSource;
      const type = element.terraformResourceType;
      const address = `${kind === "data" ? "data." : ""}${type}.${element.friendlyUniqueId}`;
      const path = c.node.path.startsWith(`${base}/`) ? c.node.path.slice(base.length + 1) : c.node.path;
      const b = new LazyBlock(stack, element, kind, type, address, path);
      out.push(b);
      this.byAddress.set(address, b);
      const key = `${kind}:${type}`;
      if (!this.byType.has(key)) this.byType.set(key, []);
      this.byType.get(key)!.push(b);
    }
    this.blocks = out;
  }

  /** Computes a derived view once per stack (several rules read the same parsed policies or rules). */
  public memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  public resources(...types: string[]): TfBlock[] {
    return types.flatMap((t) => this.byType.get(`resource:${t}`) ?? []);
  }

  public data(...types: string[]): TfBlock[] {
    return types.flatMap((t) => this.byType.get(`data:${t}`) ?? []);
  }

  public find(address: string): TfBlock | undefined {
    return this.byAddress.get(address);
  }

  /** The blocks a value references (ignores references to things outside this stack). */
  public referenced(value: Json | undefined): TfBlock[] {
    return references(value)
      .map((a) => this.byAddress.get(a))
      .filter((b): b is TfBlock => b !== undefined);
  }

  /**
   * Resources of `type` that configure `target` through `attribute` (e.g. the `aws_s3_bucket_versioning` whose
   * `bucket` is `${aws_s3_bucket.B.id}`), matched by reference or by the literal value of `targetAttribute`.
   */
  public attachedTo(target: TfBlock, type: string, attribute = "bucket", targetAttribute = "bucket"): TfBlock[] {
    const literal = target.config[targetAttribute];
    // the references of every candidate are read once per stack, not once per target
    const candidates = this.memo(`attachedTo:${type}:${attribute}`, () =>
      this.resources(type).map((r) => {
        const value = r.config[attribute];
        return { r, value, refs: references(value) };
      }),
    );
    return candidates
      .filter(({ value, refs }) => refs.includes(target.address) || (typeof literal === "string" && value === literal))
      .map(({ r }) => r);
  }
}
