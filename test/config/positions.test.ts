/**
 * Every schema error carries the line and column of the offending node. The cases are generated from the example
 * files (every plain scalar value, replaced by a list), so a field added to the schema and to an example later is
 * covered without a new test.
 */
import * as fs from "fs";
import * as path from "path";
import { ENV_DIR } from "../helpers/examples";
import { envDir, problemsOf } from "../helpers/env-dir";

const SCALAR_LINE = /^(\s*(?:- )?)([A-Za-z][\w-]*): ([^[{#\s&*!|>'"][^#]*|"[^"]*"|'[^']*')\s*$/;

const cases: [string, number, string, string][] = [];
for (const file of fs.readdirSync(ENV_DIR).filter((f) => f.endsWith(".yaml"))) {
  const lines = fs.readFileSync(path.join(ENV_DIR, file), "utf8").split("\n");
  lines.forEach((line, i) => {
    const m = SCALAR_LINE.exec(line);
    if (!m) return;
    const broken = [...lines];
    broken[i] = `${m[1]}${m[2]}: [wrong, type]`;
    cases.push([file, i + 1, m[2], broken.join("\n")]);
  });
}

describe("GIVEN a value of the wrong type anywhere in an example environment", () => {
  test("the examples give enough cases to mean something", () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  test.each(cases)("WHEN %s line %i (%s) is a list THEN the error points at that line", (file, line, key, text) => {
    const problems = problemsOf(envDir({ [file]: text }));
    const mine = problems.filter((p) => p.includes(`${file}: `));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.some((p) => p.includes(`(line ${line}, column `))).toBe(true);
    expect(mine.some((p) => p.includes(key))).toBe(true);
    for (const p of mine) expect(p).toMatch(/\((missing from the block at )?line \d+, column \d+\)/);
  });
});
