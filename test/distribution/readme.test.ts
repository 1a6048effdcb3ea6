/**
 * The README is a user's document: short, with the two commands that work on a fresh machine, and every link in it
 * and in docs/ leads somewhere that exists.
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const markdown = [
  "README.md",
  "CONTRIBUTING.md",
  ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => `docs/${f}`),
].filter((f) => f.endsWith(".md"));

describe("README.md", () => {
  const readme = read("README.md");

  test("GIVEN the README THEN it is at most 300 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(300);
  });

  test("GIVEN the README THEN its first command block installs and synthesizes, the second runs the tests", () => {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim());
    expect(blocks.slice(0, 2)).toEqual(["npm ci && npm run synth", "npm test"]);
    // the prerequisites come before the commands
    expect(readme.indexOf("## Prerequisites")).toBeLessThan(readme.indexOf("npm ci && npm run synth"));
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    expect(readme).toContain(`Node.js ${engines.replace(">=", "")} or later`);
  });

  test("GIVEN the README THEN it quotes no test counts, load averages or timings", () => {
    expect(readme).not.toMatch(/\b\d+ tests\b|load average|\b\d+(\.\d+)? ?(ms|s) wall\b/i);
  });
});

describe("links", () => {
  test.each(markdown)("GIVEN %s THEN every relative link points to a file or folder that exists", (file) => {
    const text = read(file).replace(/```[\s\S]*?```/g, "");
    const broken = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((m) => m[1])
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => !fs.existsSync(path.join(ROOT, path.dirname(file), target)));
    expect(broken).toEqual([]);
  });
});
