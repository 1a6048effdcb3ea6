/**
 * The `tags` input every generated module takes: merged into the tags of each taggable resource the constructs
 * create (the module's own tags, such as Name, win over the caller's on a clash).
 */
import { Fn, resolveTokens, TerraformResource, Token, type TerraformStack } from "../modules/core/cdktf";
import type { Vars, VariableSpec } from "./framework";
import { tagRules } from "./validations";

export const TAGS_VARIABLE: VariableSpec = {
  name: "tags",
  type: "map(string)",
  description: "Tags added to every taggable resource the module creates (the module's own tags, such as Name, win).",
  default: {},
  validations: tagRules("tags"),
  example: { Environment: "dev" },
};

interface Taggable {
  tagsInput?: Record<string, string>;
  tags: Record<string, string>;
}

const isTaggable = (r: TerraformResource): r is TerraformResource & Taggable => "tagsInput" in r;

/** For a module none of whose resources AWS lets tag: same interface, and says so. */
export const TAGS_VARIABLE_NOTHING_TAGGABLE: VariableSpec = {
  ...TAGS_VARIABLE,
  description:
    "Accepted for the same interface as the other modules; nothing here takes tags (IAM groups and inline policies " +
    "cannot be tagged).",
};

/**
 * Every taggable resource in the stack gets `merge(var.tags, <its tags>)` (or `var.tags`) unless it already uses
 * var.tags. A module with no taggable resource must declare TAGS_VARIABLE_NOTHING_TAGGABLE.
 */
export function applyTags(stack: TerraformStack, vars: Vars, spec: VariableSpec): void {
  vars.stringMap("tags");
  let tagged = 0;
  for (const node of stack.node.findAll()) {
    if (!(node instanceof TerraformResource) || !isTaggable(node)) continue;
    const own = node.tagsInput;
    if (own !== undefined && JSON.stringify(resolveTokens(stack, own)).includes("var.tags")) {
      tagged++;
      continue;
    }
    node.tags = own === undefined ? vars.stringMap("tags") : Token.asStringMap(Fn.merge([vars.stringMap("tags"), own]));
    tagged++;
  }
  if ((tagged === 0) !== (spec === TAGS_VARIABLE_NOTHING_TAGGABLE))
    throw new Error(
      tagged === 0
        ? "no resource takes tags: declare TAGS_VARIABLE_NOTHING_TAGGABLE"
        : "resources take tags: declare TAGS_VARIABLE",
    );
}
