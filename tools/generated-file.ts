/** Shared by the generators: write a generated file, or with `--check` exit 1 when the committed one is stale. */
import * as fs from "fs";
import * as path from "path";

export function writeOrCheck(file: string, rendered: string, command: string): void {
  const shown = path.relative(process.cwd(), file);
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (current !== rendered) {
      console.error(`${shown} is stale: run \`${command}\``);
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, rendered);
  console.log(`wrote ${shown}`);
}
