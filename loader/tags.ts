/**
 * Tag rules that need the whole environment: reserved keys (the stack's own tags would silently win) and the
 * per-resource budget of 50 tags, counting the tags the stack and the modules add.
 */
import { MAX_TAGS_PER_RESOURCE, RESERVED_TAG_KEYS } from "./reserved";

/** Tags some resources carry besides the default tags (Name on most, Tier on subnets). */
export const RESOURCE_TAG_KEYS = ["Name", "Tier"] as const;

export interface TagIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

interface TaggedEnvironment {
  readonly tags: Record<string, string>;
  readonly instanceAccess: { readonly instanceTags: Record<string, string> };
}

const reserved = Object.keys(RESERVED_TAG_KEYS);

function reservedKey(key: string): string | undefined {
  return reserved.find((r) => r.toLowerCase() === key.toLowerCase());
}

/** Problems with `tags` and `instanceAccess.instanceTags`: reserved keys and more than 50 tags on a resource. */
export function tagIssues(env: TaggedEnvironment): TagIssue[] {
  const issues: TagIssue[] = [];
  const sets: [string[], Record<string, string>][] = [
    [["tags"], env.tags],
    [["instanceAccess", "instanceTags"], env.instanceAccess.instanceTags],
  ];
  for (const [path, tags] of sets) {
    for (const key of Object.keys(tags)) {
      const r = reservedKey(key);
      if (r === undefined) continue;
      const alike = r === key ? "" : ` (tag keys are case-insensitive in IAM conditions, so it collides with ${r})`;
      issues.push({
        path: [...path, key],
        message: `${JSON.stringify(key)} is a reserved tag key${alike}: the stack sets ${r} on every resource and its value wins; ${RESERVED_TAG_KEYS[r]}, and remove this tag`,
      });
    }
  }
  const user = Object.keys(env.tags);
  const instance = Object.keys(env.instanceAccess.instanceTags);
  const budget = (path: string[], what: string, keys: string[], added: readonly string[], on: string) => {
    const total = new Set([...keys, ...added]).size;
    if (total <= MAX_TAGS_PER_RESOURCE) return;
    issues.push({
      path,
      message:
        `${what} and the tags the stack adds (${added.join(", ")}) put ${total} tags on ${on}; ` +
        `AWS allows at most ${MAX_TAGS_PER_RESOURCE} per resource: remove at least ${total - MAX_TAGS_PER_RESOURCE}`,
    });
  };
  budget(["tags"], `${user.length} tags`, user, [...reserved, ...RESOURCE_TAG_KEYS], "some resources");
  if (instance.length > 0)
    budget(
      ["instanceAccess", "instanceTags"],
      `${instance.length} instance tags, ${user.length} environment tags`,
      [...user, ...instance],
      [...reserved, "Name"],
      "each instance",
    );
  return issues;
}
