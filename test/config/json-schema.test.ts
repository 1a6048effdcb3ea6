import * as fs from "fs";
import { renderJsonSchema, SCHEMA_FILE } from "../../tools/schema";

describe("config/environment.schema.json", () => {
  test("is generated from the current zod schema (run `npm run schema` when this fails)", () => {
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(renderJsonSchema());
  });

  test("rejects unknown keys and lists the regions, so editors flag typos", () => {
    const schema = JSON.parse(renderJsonSchema()) as {
      additionalProperties: boolean;
      properties: { region: { enum: string[] } };
      required: string[];
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.region.enum).toContain("eu-west-1");
    expect(schema.required).toEqual(expect.arrayContaining(["name", "account", "region", "state", "vpcs"]));
  });
});
