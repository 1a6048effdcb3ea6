/**
 * `npm run access-review -- [--out <dir>] [--json <file>]`: writes `<dir>/<date>.md` and `<date>.csv` (default dir access-reviews/,
 * date from the clock or $BASTIONLESS_NOW), the review of every grant of every environment with the last commit
 * that changed it (git blame of the grant's lines). Reviewers sign off by merging the file.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { newestFromBlame, renderReviewCsv, renderReviewMarkdown, reviewRows } from "./lib/access-review";
import { opsInputs, runOps } from "./lib/run";

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function main(argv: string[]): number {
  const outDir = option(argv, "--out") ?? "access-reviews";
  const { now, environments } = opsInputs();
  const blame = (file: string, lines: readonly [number, number]) => {
    const r = spawnSync(
      "git",
      ["blame", "--line-porcelain", "-L", `${lines[0]},${lines[1]}`, "--", path.basename(file)],
      {
        cwd: path.dirname(path.resolve(file)),
        encoding: "utf8",
      },
    );
    return r.status === 0 ? newestFromBlame(r.stdout) : undefined;
  };
  const rows = reviewRows(environments, (f) => fs.readFileSync(f, "utf8"), blame);
  const date = now.toISOString().slice(0, 10);
  fs.mkdirSync(outDir, { recursive: true });
  const md = path.join(outDir, `${date}.md`);
  const csv = path.join(outDir, `${date}.csv`);
  fs.writeFileSync(md, renderReviewMarkdown(rows, date));
  fs.writeFileSync(csv, renderReviewCsv(rows));
  console.log(`wrote ${md} and ${csv} (${rows.length} grant${rows.length === 1 ? "" : "s"})`);
  const json = option(argv, "--json");
  if (json)
    fs.writeFileSync(
      json,
      `${JSON.stringify(
        {
          pullRequest: {
            branch: `access-review/${date}`,
            title: `Access review ${date}`,
            body: `The access review of ${date}: every grant of every environment, with the last change of each. Check each row, change or remove what is no longer needed in a pull request of its own, then approve and merge this one to sign off.`,
            files: [md, csv].map((f) => path.relative(process.cwd(), path.resolve(f)).split(path.sep).join("/")),
          },
        },
        null,
        2,
      )}\n`,
    );
  return 0;
}

void runOps("access-review", main);
