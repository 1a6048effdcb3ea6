/**
 * `npm run schema`: writes config/environment.schema.json (for editor completion in the YAML files) from the
 * same zod schema that validates them. `--check` exits 1 when the committed file is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { environmentSchema } from "../config/schema";

export const SCHEMA_FILE = path.join(__dirname, "..", "config", "environment.schema.json");

export function renderJsonSchema(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, title: "bastionless environment", $id: "environment.schema.json" }, null, 2)}\n`;
}

if (require.main === module) {
  const rendered = renderJsonSchema();
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, "utf8") : "";
    if (current !== rendered) {
      console.error(`${path.relative(process.cwd(), SCHEMA_FILE)} is stale: run \`npm run schema\``);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(SCHEMA_FILE, rendered);
    console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
  }
}
