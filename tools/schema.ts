/**
 * `npm run schema`: writes config/environment.schema.json (for editor completion in the YAML files) from the
 * same zod schema that validates them. `--check` exits 1 when the committed file is stale.
 */
import * as path from "path";
import { z } from "zod";
import { environmentSchema } from "../loader/schema";
import { writeOrCheck } from "./generated-file";

export const SCHEMA_FILE = path.join(__dirname, "..", "config", "environment.schema.json");

export function renderJsonSchema(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, title: "bastionless environment", $id: "environment.schema.json" }, null, 2)}\n`;
}

if (require.main === module) writeOrCheck(SCHEMA_FILE, renderJsonSchema(), "npm run schema");
