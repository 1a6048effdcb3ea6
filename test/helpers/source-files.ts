/** The project's TypeScript sources, for the architecture tests that read code as text. */
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.join(__dirname, "..", "..");

/** Every .ts file under `dir` (relative to the project root), node_modules excluded. */
export function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : tsFiles(rel);
    return e.name.endsWith(".ts") ? [rel] : [];
  });
}

/** A file's text, by its path relative to the project root. */
export const readSource = (file: string): string => fs.readFileSync(path.join(ROOT, file), "utf8");
