/**
 * EventBridge event-pattern matching, for the operators the project's rules use (Amazon EventBridge User Guide,
 * "Event patterns" and "Content filtering"): a field's array matches when the event's value (or any element of an
 * event array) equals one of its literals or satisfies one of its filters (`prefix`, `exists`, `anything-but`); a
 * nested object matches the event's object at that key; every field of the pattern must match. A filter this
 * matcher does not implement throws rather than guess.
 */
export type Pattern = { readonly [key: string]: readonly unknown[] | Pattern };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function matchesValue(filter: unknown, value: Json | undefined): boolean {
  if (filter === null || typeof filter !== "object") return value !== undefined && value === filter;
  const f = filter as Record<string, unknown>;
  const [op, arg] = Object.entries(f)[0] ?? [];
  if (Object.keys(f).length !== 1) throw new Error(`unsupported filter ${JSON.stringify(filter)}`);
  switch (op) {
    case "exists":
      return (value !== undefined) === arg;
    case "prefix":
      return typeof value === "string" && value.startsWith(arg as string);
    case "anything-but":
      return value !== undefined && !(Array.isArray(arg) ? arg : [arg]).includes(value);
    default:
      throw new Error(`unsupported filter ${JSON.stringify(filter)}`);
  }
}

function matchesField(filters: readonly unknown[], value: Json | undefined): boolean {
  // An event array matches when any of its elements matches; `exists` is about the field, not its elements.
  return filters.some((filter) =>
    Array.isArray(value) && !(typeof filter === "object" && filter !== null && "exists" in (filter as object))
      ? value.some((v) => matchesValue(filter, v))
      : matchesValue(filter, value),
  );
}

/** Whether `event` matches `pattern`. */
export function matches(pattern: Pattern, event: unknown): boolean {
  const obj = (event ?? {}) as Record<string, Json>;
  return Object.entries(pattern).every(([key, sub]) => {
    const value = typeof obj === "object" && !Array.isArray(obj) ? obj[key] : undefined;
    if (Array.isArray(sub)) return matchesField(sub, value);
    // A nested pattern on a field that is no object matches only through `exists: false` below it.
    if (value === null || typeof value !== "object" || Array.isArray(value)) return matches(sub as Pattern, {});
    return matches(sub as Pattern, value);
  });
}

/** An input transformer applied to an event: each `<name>` of the template replaced by its JSON path's value. */
export function transform(
  transformer: { input_paths: Record<string, string>; input_template: string },
  event: unknown,
): string {
  const values = Object.fromEntries(
    Object.entries(transformer.input_paths).map(([name, p]) => {
      const found = p
        .replace(/^\$\.?/, "")
        .split(".")
        .filter(Boolean)
        .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), event);
      return [name, found === undefined || found === null ? "" : String(found)];
    }),
  );
  return transformer.input_template.replace(/<([A-Za-z0-9_.-]+)>/g, (m, name: string) => values[name] ?? m);
}
