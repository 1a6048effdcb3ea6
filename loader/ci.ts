/**
 * `config/ci.yaml`: the GitHub repository whose workflows may assume the CI roles of the `ci` stack
 * (stacks/ci-stack.ts). Bad input is a `ConfigError` naming the file, the field, the value, what is allowed, and
 * the line and column, like the environment files.
 */
import { readConfigFile } from "./files";
import * as fs from "fs";
import { z } from "zod";
import { formatIssue } from "./issues";
import { ConfigError } from "./load";
import { decode, parseYaml } from "./yaml-source";

const githubName = (what: string) =>
  z.string().refine((v) => /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_])?$/.test(v) && !v.includes(".."), {
    error: (iss) => `${JSON.stringify(iss.input)} is not a GitHub ${what} name (letters, digits, . _ -)`,
  });

export const ciSchema = z.strictObject({
  github: z.strictObject({
    owner: githubName("owner (organization or user)").describe("GitHub organization or user that owns the repository."),
    repository: githubName("repository").describe("Repository whose workflows plan and apply the environments."),
    defaultBranch: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a branch name` })
      .default("main")
      .describe("Branch whose pushes and scheduled runs (apply.yml's plan job, drift.yml) use the plan role."),
  }),
  oidcProvider: z
    .strictObject({
      reuseInAccounts: z
        .array(
          z.string().regex(/^\d{12}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a 12-digit account id` }),
        )
        .default([])
        .describe(
          "Accounts that already have the IAM OIDC provider for token.actions.githubusercontent.com (IAM allows one per URL): it is referenced there, not created.",
        ),
    })
    .prefault({}),
});

export type CiConfig = z.infer<typeof ciSchema>;

/** Reads and validates `file`; undefined when the file does not exist (no `ci` stack then). */
export function loadCiConfig(file: string): CiConfig | undefined {
  if (!fs.existsSync(file)) return undefined;
  const read = readConfigFile(file);
  const decoded = "problem" in read ? read : decode(read.bytes);
  if ("problem" in decoded) throw new ConfigError([`${file}: ${decoded.problem}`]);
  const parsed = parseYaml(decoded.text);
  if (!parsed.source) throw new ConfigError(parsed.problems.map((p) => `${file}: ${p}`));
  const result = ciSchema.safeParse(parsed.source.value);
  if (!result.success)
    throw new ConfigError(
      result.error.issues.map((i) => `${file}: ${formatIssue(i, parsed.source!.value, parsed.source)}`),
    );
  return result.data;
}
