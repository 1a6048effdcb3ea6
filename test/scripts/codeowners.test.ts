/**
 * The generated block of .github/CODEOWNERS: each protected environment's file is owned by its owners, and so are
 * the files that decide the access-approval check; hand-written lines stay; the committed file is in sync.
 */
import * as fs from "fs";
import { APPROVAL_FILES, CODEOWNERS_FILE, renderCodeowners } from "../../tools/codeowners";
import { envDir, variant } from "../helpers/env-dir";

describe("CODEOWNERS", () => {
  test("the committed .github/CODEOWNERS is what npm run codeowners writes", () => {
    const committed = fs.readFileSync(CODEOWNERS_FILE, "utf8");
    expect(renderCodeowners(committed)).toBe(committed);
  });

  test("GIVEN a protected environment THEN its file and the check's files are owned by its owners; unprotected ones are not listed", () => {
    const dir = envDir({
      "staging.yaml": variant("staging", (e) => {
        e.protected = true;
        e.owners = ["@example-org/staging-leads", "@carol"];
      }),
      "prod.yaml": variant("prod", (e) => {
        e.protected = false;
        e.owners = ["@example-org/sre-leads"];
      }),
    });
    const rendered = renderCodeowners("# hand-written\n* @example-org/platform\n", dir);
    const lines = rendered.split("\n");
    expect(lines.slice(0, 2)).toEqual(["# hand-written", "* @example-org/platform"]);
    const generated = lines.filter((l) => l.startsWith("/"));
    expect(generated[0]).toMatch(/^\/.*\/staging\.yaml @example-org\/staging-leads @carol$/);
    expect(generated.slice(1)).toEqual(APPROVAL_FILES.map((f) => `${f} @example-org/staging-leads @carol`));
    expect(rendered).not.toContain("prod.yaml");
    // Rendering again replaces the block instead of adding a second one.
    expect(renderCodeowners(rendered, dir)).toBe(rendered);
  });

  test("GIVEN no protected environment THEN the block is empty (nothing is owned by the generator)", () => {
    const dir = envDir({ "prod.yaml": variant("prod", (e) => delete e.protected) });
    expect(
      renderCodeowners("", dir)
        .split("\n")
        .filter((l) => l.startsWith("/")),
    ).toEqual([]);
  });
});
