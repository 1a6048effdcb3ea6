// Formats the HCL files named in the JSON array on stdin, in place, with @cdktn/hcl-tools (see hcl-format.ts).
// Exits explicitly: the Go runtime inside the WebAssembly module keeps the event loop alive.
"use strict";
const fs = require("fs");
const { format } = require("@cdktn/hcl-tools");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  try {
    for (const file of JSON.parse(input)) {
      const text = fs.readFileSync(file, "utf8");
      const formatted = await format(text);
      if (formatted !== text) fs.writeFileSync(file, formatted);
    }
    process.exit(0);
  } catch (e) {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  }
});
