/**
 * Issue 25 item 7 at the edge: the transcript settings (break-glass role, log readers, noncurrent-version expiry)
 * are refused with file, field, line, the bad value and what is allowed.
 */
import { environmentSchema } from "../../loader/schema";
import { envDir, loadProblems, variant } from "../helpers/env-dir";
import { exampleInput } from "../helpers/examples";

const problemsOf = (name: string, patch: (env: Record<string, any>) => void): string[] =>
  loadProblems(envDir({ [`${name}.yaml`]: variant(name, patch) }));

describe("GIVEN the transcript settings of an environment file", () => {
  test("WHEN noncurrent versions would expire before current ones THEN the file is refused with the minimum", () => {
    expect(problemsOf("dev", (e) => (e.logging.s3 = { expireDays: 400, noncurrentExpireDays: 90 }))).toEqual([
      expect.stringMatching(
        /dev\.yaml: logging\.s3\.noncurrentExpireDays: 90 is shorter than expireDays 400: a transcript an instance overwrites would be gone before the others; allowed: 400 or more \(line \d+, column \d+\)$/,
      ),
    ]);
  });

  test("WHEN noncurrent versions would expire before the Object Lock retention THEN the file is refused", () => {
    const problems = problemsOf("prod", (e) => {
      e.logging.s3.expireDays = 30;
      e.logging.s3.noncurrentExpireDays = 100;
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /prod\.yaml: logging\.s3\.noncurrentExpireDays: 100 is shorter than objectLock\.days 365: overwritten transcripts would expire before their retention; allowed: 365 or more/,
      ),
    ]);
  });

  test("WHEN nothing is said THEN noncurrent versions are kept 7 years, as long as current ones by default", () => {
    const input = structuredClone(exampleInput("dev")) as Record<string, any>;
    input.logging.s3 = {};
    const s3 = environmentSchema.parse(input).logging.s3;
    expect([s3.expireDays, s3.noncurrentExpireDays]).toEqual([2557, 2557]);
  });

  test.each([
    [
      "a log reader of another account",
      (e: Record<string, any>) => (e.logging.logReaderRoleArns = ["arn:aws:iam::999999999999:role/auditor"]),
      /dev\.yaml: logging\.logReaderRoleArns\[0\]: "arn:aws:iam::999999999999:role\/auditor" is not a role of this environment's account 111111111111; allowed: arn:aws:iam::111111111111:role\/<name>/,
    ],
    [
      "a log reader that is not a role ARN",
      (e: Record<string, any>) => (e.logging.logReaderRoleArns = ["arn:aws:iam::111111111111:user/auditor"]),
      /dev\.yaml: logging\.logReaderRoleArns\[0\]: .*is not an IAM role ARN/,
    ],
    [
      "a break-glass role of another account",
      (e: Record<string, any>) => (e.logging.s3 = { breakGlassRoleArn: "arn:aws:iam::999999999999:role/glass" }),
      /dev\.yaml: logging\.s3\.breakGlassRoleArn: "arn:aws:iam::999999999999:role\/glass" is not a role of this environment's account 111111111111/,
    ],
  ])("WHEN the file names %s THEN it is refused", (_what, patch, message) => {
    expect(problemsOf("dev", patch)).toEqual([expect.stringMatching(message)]);
  });
});
