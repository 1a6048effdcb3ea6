/**
 * package.json's repository, homepage and bugs: one source, config/ci.yaml (the repository whose workflows plan,
 * apply and release). `npm publish --provenance` refuses (E422) a package whose repository.url is not the repository
 * the provenance statement was made in; release.yml checks it again against the repository it runs in.
 */
import * as fs from "fs";
import * as path from "path";
import { loadCiConfig } from "../../loader/ci";

const ROOT = path.join(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;

describe("package.json metadata", () => {
  test("repository, homepage and bugs name the repository config/ci.yaml names, in the form npm keeps as is", () => {
    const ci = loadCiConfig(path.join(ROOT, "config", "ci.yaml"))!;
    const slug = `${ci.github.owner}/${ci.github.repository}`;
    expect(pkg.repository).toEqual({ type: "git", url: `git+https://github.com/${slug}.git` });
    expect(pkg.homepage).toBe(`https://github.com/${slug}#readme`);
    expect(pkg.bugs).toEqual({ url: `https://github.com/${slug}/issues` });
  });

  test("the release publishes without a token and with provenance; nothing in package.json overrides that", () => {
    expect(pkg.publishConfig).toBeUndefined();
    expect(pkg.private).toBe(false);
  });
});
