/**
 * Environment files as YAML source: bytes → text → one YAML document → plain data, with every problem of the
 * way (encoding, syntax, several documents, duplicate keys, tags, alias bombs, nesting) reported as
 * `message (line L, column C)`, and a `locate(path)` that maps a data path (`["vpcs", 0, "cidr"]`, as zod reports
 * it) back to the line and column of the node it came from. `locate` walks the YAML node tree by path, so any
 * field added to the schema later gets positions without further work.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
} from "yaml";

/** Environment files are small; anything larger is a mistake (and would only slow every synth down). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Deeper than any environment file needs to be; keeps walking the tree cheap and the stack safe. */
export const MAX_NESTING = 32;
/** Aliases may be expanded at most this many times in total (the `yaml` library's guard against alias bombs). */
export const MAX_ALIAS_COUNT = 1000;

/** The YAML tags an environment file may carry: the core schema's own. Everything else is refused. */
const CORE_TAGS = new Set(["tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"]);
for (const t of ["bool", "null", "map", "seq"]) CORE_TAGS.add(`tag:yaml.org,2002:${t}`);

export interface Position {
  readonly line: number;
  readonly col: number;
}

/** ` (line 3, column 9)`, or nothing when the position is unknown. */
export function at(pos: Position | undefined): string {
  return pos ? ` (line ${pos.line}, column ${pos.col})` : "";
}

export interface YamlSource {
  /** The document as plain data (merge keys applied). */
  readonly value: unknown;
  /** The position of the node at `path`, or of its deepest existing ancestor (`exact` false) when it is missing. */
  locate(path: readonly PropertyKey[], key?: boolean): { pos: Position; exact: boolean } | undefined;
  /** The source text of the scalar at `path` (e.g. `012345678901` for an unquoted account id), when it is one. */
  sourceText(path: readonly PropertyKey[]): string | undefined;
}

export type ParseResult = { source: YamlSource; problems: [] } | { source?: undefined; problems: string[] };

function fail(...problems: string[]): ParseResult {
  return { problems };
}

/** Decodes file bytes as UTF-8 text, refusing binary data, UTF-16/32 and invalid UTF-8 with a clear reason. */
export function decode(bytes: Buffer): { text: string } | { problem: string } {
  if (bytes.length > MAX_CONFIG_BYTES)
    return {
      problem: `is ${(bytes.length / 1048576).toFixed(1)} MB; an environment file may be at most ${MAX_CONFIG_BYTES / 1048576} MB`,
    };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return { problem: "is UTF-16 text; save it as UTF-8" };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: `is not a text file (a NUL byte at offset ${nul}); expected UTF-8 YAML` };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    let offset = 0;
    // Find the first undecodable byte to point at it.
    for (let end = 1; end <= bytes.length; end *= 2) {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, Math.min(end, bytes.length)));
        offset = Math.min(end, bytes.length);
      } catch {
        break;
      }
    }
    const line = bytes.subarray(0, offset).toString("latin1").split("\n").length;
    return { problem: `is not valid UTF-8 text (an invalid byte sequence near line ${line}); save it as UTF-8` };
  }
}

/** The `yaml` library's message without its own position suffix and its advice about other API calls. */
function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  switch (code) {
    case "TAB_AS_INDENT":
      return "a tab is used for indentation; YAML indents with spaces only";
    case "RESOURCE_EXHAUSTION":
      return `nested too deeply to read (at most ${MAX_NESTING} levels are allowed)`;
    case "DUPLICATE_KEY":
      return "a key appears twice in one mapping; each key may appear once";
    default:
      return first.charAt(0).toLowerCase() + first.slice(1);
  }
}

/** Parses YAML text into one document, or reports every syntax and structure problem with its position. */
export function parseYaml(text: string): ParseResult {
  const lc = new LineCounter();
  const pos = (offset: number): Position => lc.linePos(offset);
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false, merge: true, prettyErrors: false }) as
      Document.Parsed[] | never;
  } catch (e) {
    return fail(`could not be read as YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(docs) || docs.length === 0)
    return fail(
      text.trim() === ""
        ? "is empty; expected a mapping of environment settings"
        : "is empty (only comments or blank lines); expected a mapping of environment settings",
    );
  if (docs.length > 1) {
    const second = docs[1].range[0];
    return fail(
      `holds ${docs.length} YAML documents (the second starts at line ${pos(second).line}, column ${pos(second).col}); an environment file holds exactly one: remove the --- separator or split it into one file per environment`,
    );
  }
  const doc = docs[0];
  const problems: string[] = [];
  for (const e of doc.errors) problems.push(`not valid YAML${at(pos(e.pos[0]))}: ${yamlMessage(e.code, e.message)}`);
  if (problems.length > 0) return fail(...problems);
  if (doc.contents === null)
    return fail("is empty (only comments or blank lines); expected a mapping of environment settings");

  checkNodes(doc, doc.contents, 0, pos, problems);
  if (problems.length > 0) return fail(...problems);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return fail(
      /alias count/i.test(message)
        ? `its aliases (*name) expand to too much data (more than ${MAX_ALIAS_COUNT} expansions); write the values out or use fewer nested aliases`
        : /unresolved alias/i.test(message)
          ? `uses an alias whose anchor is not defined before it: ${message.replace(/^.*?: /, "")}`
          : `could not be read as YAML: ${message}`,
    );
  }
  return { source: new DocSource(doc, text, value, pos), problems: [] };
}

/** Structural checks the parser does not make: scalar keys, unique keys, core tags only, merge-key shape, nesting. */
function checkNodes(doc: Document, node: unknown, depth: number, pos: (o: number) => Position, out: string[]): void {
  if (!node || typeof node !== "object") return;
  const n = node as Node;
  const where = () => at(n.range ? pos(n.range[0]) : undefined);
  if (depth > MAX_NESTING) {
    out.push(`is nested deeper than ${MAX_NESTING} levels${where()}`);
    return;
  }
  if (isAlias(n)) {
    if (!n.resolve(doc))
      out.push(`the alias *${n.source}${where()} has no anchor &${n.source} before it; define the anchor first`);
    return;
  }
  if ((isScalar(n) || isMap(n) || isSeq(n)) && n.tag && !CORE_TAGS.has(n.tag))
    out.push(
      `the tag ${n.tag.replace(/^tag:yaml\.org,2002:/, "!!")}${where()} is not supported; environment files use plain YAML values`,
    );
  if (isMap(n)) {
    const seen = new Map<string, number | undefined>();
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      const keyAt = () => (key?.range ? pos(key.range[0]) : undefined);
      if (!isScalar(key)) {
        out.push(
          `a key${at(keyAt())} is ${isAlias(key) ? "an alias" : key ? "a list or mapping" : "missing"}; keys must be plain names`,
        );
        continue;
      }
      if (typeof key.value === "symbol") {
        const v = pair.value as Node | null;
        const sources = isSeq(v) ? v.items : [v];
        if (!sources.every((s) => isAlias(s) && isMap(s.resolve(doc))))
          out.push(`the merge key <<${at(keyAt())} must be an alias of a mapping (<<: *name) or a list of them`);
        continue;
      }
      const name = String(key.value);
      if (seen.has(name)) {
        const firstAt = seen.get(name);
        const first = firstAt === undefined ? undefined : pos(firstAt).line;
        out.push(
          `key ${JSON.stringify(name)}${at(keyAt())} appears twice in one mapping${first ? ` (first on line ${first})` : ""}; keep one`,
        );
      } else seen.set(name, key.range?.[0]);
      checkNodes(doc, pair.value, depth + 1, pos, out);
    }
  } else if (isSeq(n)) {
    for (const item of n.items) checkNodes(doc, item, depth + 1, pos, out);
  }
}

class DocSource implements YamlSource {
  constructor(
    private readonly doc: Document,
    private readonly text: string,
    readonly value: unknown,
    private readonly pos: (offset: number) => Position,
  ) {}

  private resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** The pair of `map` named `key`, looking through merge keys (`<<: *base`) like the loaded data does. */
  private pairOf(map: unknown, key: string, depth = 0): { key: Node; value: Node | null } | undefined {
    const m = this.resolve(map);
    if (!isMap(m) || depth > MAX_NESTING) return undefined;
    let merged: { key: Node; value: Node | null } | undefined;
    for (const pair of m.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      if (String(pair.key.value) === key) return { key: pair.key, value: pair.value as Node | null };
      if (typeof pair.key.value === "symbol" && !merged) {
        const v = pair.value;
        for (const src of isSeq(v) ? v.items : [v]) merged ??= this.pairOf(src, key, depth + 1);
      }
    }
    return merged;
  }

  private walk(path: readonly PropertyKey[]): { node: Node; key?: Node; exact: boolean } | undefined {
    let node = this.doc.contents as Node | null;
    let key: Node | undefined;
    if (!node) return undefined;
    for (const seg of path) {
      const cur = this.resolve(node) as Node;
      let next: { key?: Node; value: Node | null } | undefined;
      if (isSeq(cur) && typeof seg === "number") next = cur.items[seg] ? { value: cur.items[seg] as Node } : undefined;
      else next = this.pairOf(cur, String(seg));
      if (!next) return { node, key, exact: false };
      key = next.key;
      node = next.value ?? next.key ?? node;
    }
    return { node, key, exact: true };
  }

  locate(path: readonly PropertyKey[], key = false): { pos: Position; exact: boolean } | undefined {
    const found = this.walk(path);
    const node = found && (key && found.key ? found.key : found.node);
    if (!found || !node?.range) return undefined;
    return { pos: this.pos(node.range[0]), exact: found.exact };
  }

  sourceText(path: readonly PropertyKey[]): string | undefined {
    const found = this.walk(path);
    const node = found?.exact ? this.resolve(found.node) : undefined;
    if (!isScalar(node) || !node.range) return undefined;
    return this.text.slice(node.range[0], node.range[1]).trim();
  }
}
