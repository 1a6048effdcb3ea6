/**
 * Command-line options of the ops programs, through Node's own parser (util.parseArgs, strict): an unknown option
 * or a missing value is an error that names it and lists what is allowed, never silently ignored.
 */
import { parseArgs } from "util";

export interface OptionSpec {
  readonly [name: string]: { readonly type: "string" | "boolean"; readonly value?: string };
}

export class UsageError extends Error {}

/** The options and positional arguments of `argv`; throws UsageError naming what is wrong and what is allowed. */
export function parseOptions<T extends OptionSpec>(
  argv: string[],
  spec: T,
): { values: { [K in keyof T]?: T[K]["type"] extends "string" ? string : boolean }; positionals: string[] } {
  const allowed = Object.entries(spec)
    .map(([name, o]) => `--${name}${o.type === "string" ? ` <${o.value ?? "value"}>` : ""}`)
    .join(", ");
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(spec).map(([name, o]) => [name, { type: o.type }])),
      allowPositionals: true,
      strict: true,
    });
    return { values: values as never, positionals };
  } catch (e) {
    // Node's messages name the option ("Unknown option '--bogus'", "Option '--markdown <value>' argument missing")
    const message = (e instanceof Error ? e.message : String(e)).split(". ")[0];
    throw new UsageError(`${message}; allowed: ${allowed || "no options"}`);
  }
}
