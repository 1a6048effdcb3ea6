/**
 * `config/ci.yaml`: the GitHub repository whose workflows may assume the CI roles of the `ci` stack
 * (stacks/ci-stack.ts), the workflows that plan and apply, the GitHub environments' protection (required
 * reviewers; pull-request plans of a protected environment only by a written opt-in) and where the `ci` stack keeps
 * its own state. Bad input is a `ConfigError` naming the file, the field, the value, what is allowed, and the line
 * and column, like the environment files.
 */
import { readConfigFile } from "./files";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { formatIssue, PARSE_OPTIONS } from "./issues";
import { ConfigError } from "./load";
import { at, decode, parseYaml } from "./yaml-source";

const githubName = (what: string) =>
  z.string().refine((v) => /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_])?$/.test(v) && !v.includes(".."), {
    error: (iss) => `${JSON.stringify(iss.input)} is not a GitHub ${what} name (letters, digits, . _ -)`,
  });

/** A GitHub numeric id (repository or owner), written as a YAML number or string; kept as the decimal string. */
const githubId = (what: string) =>
  z
    .union([z.number(), z.string()])
    .refine((v) => /^[1-9]\d{0,19}$/.test(String(v)), {
      error: (iss) =>
        `${JSON.stringify(iss.input)} is not a GitHub ${what} id (digits; find it with \`gh api repos/OWNER/REPO --jq '.${what === "repository" ? "id" : "owner.id"}'\`)`,
    })
    .transform((v) => String(v));

/** A workflow file of the repository, as GitHub names it in `job_workflow_ref` (`.github/workflows/x.yml`). */
const workflowPath = z.string().regex(/^\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml$/, {
  error: (iss) => `${JSON.stringify(iss.input)} is not a workflow file path (.github/workflows/<name>.yml)`,
});

/**
 * The `sub` claim formats GitHub issues: `named` (`repo:OWNER/REPO:…`) and `immutable`
 * (`repo:OWNER-<ownerId>/REPO-<repositoryId>:…`, the default for repositories created, renamed or transferred after
 * 2026-06-18 and for those that opted in).
 */
export const SUBJECT_FORMATS = ["named", "immutable"] as const;
export type SubjectFormat = (typeof SUBJECT_FORMATS)[number];

const environmentSchema = z.strictObject({
  requiredReviewers: z
    .array(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, {
        error: (iss) => `${JSON.stringify(iss.input)} is not a GitHub user or org/team`,
      }),
    )
    .default([])
    .describe(
      "Users or org/team slugs the GitHub environment must require as reviewers (listed in the synth's GitHub checklist). An environment with reviewers is protected: pull requests do not plan it.",
    ),
  pullRequestPlans: z
    .string()
    .min(10)
    .optional()
    .describe(
      "Opt-in, with a written reason: pull requests may plan this protected environment (its plan role then trusts any pull request of the repository, whose workflow the pull request itself can edit; the role stays read-only).",
    ),
});

export const ciSchema = z.strictObject({
  github: z.strictObject({
    owner: githubName("owner (organization or user)").describe("GitHub organization or user that owns the repository."),
    ownerId: githubId("owner").describe("The owner's numeric id (immutable `sub` claims, `repository_owner_id`)."),
    repository: githubName("repository").describe("Repository whose workflows plan and apply the environments."),
    repositoryId: githubId("repository").describe(
      "The repository's numeric id: every trust policy requires it (`repository_id`), so a recreated or transferred repository of the same name is refused.",
    ),
    defaultBranch: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a branch name` })
      .default("main")
      .describe("The only branch whose workflows may apply (and plan protected environments)."),
    subjectFormats: z
      .array(z.enum(SUBJECT_FORMATS))
      .min(1)
      .default([...SUBJECT_FORMATS])
      .describe(
        "The `sub` claim formats the trust policies accept: named (repo:OWNER/REPO:…) and/or immutable (repo:OWNER-<ownerId>/REPO-<repositoryId>:…).",
      ),
    workflows: z
      .strictObject({
        plan: workflowPath
          .default(".github/workflows/plan-environment.yml")
          .describe("The workflow file whose jobs plan an environment (job_workflow_ref of the plan roles)."),
        apply: workflowPath
          .default(".github/workflows/apply-environment.yml")
          .describe("The workflow file whose job applies an environment (job_workflow_ref of the apply roles)."),
      })
      .prefault({}),
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
  environments: z
    .record(z.string(), environmentSchema)
    .default({})
    .describe("Per environment (by name): the GitHub environment's protection."),
  state: z
    .strictObject({
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        error: (iss) => `${JSON.stringify(iss.input)} is not an S3 bucket name`,
      }),
      region: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an AWS region` }),
      key: z.string().min(1).default("bastionless/ci.tfstate"),
    })
    .optional()
    .describe(
      "Remote state of the ci stack (S3, use_lockfile): a state bucket the bootstrap stack created. Without it the state stays local (state/terraform.ci.tfstate).",
    ),
});

export type CiConfig = z.infer<typeof ciSchema>;

/** `ci.yaml` beside the environments directory (like identity.yaml), unless $BASTIONLESS_CI_CONFIG names one. */
export function ciFileFor(environmentsDir: string): string {
  return process.env.BASTIONLESS_CI_CONFIG ?? path.join(path.dirname(environmentsDir), "ci.yaml");
}

/** Protected environments (required reviewers) plan from pull requests only with the written opt-in. */
export function pullRequestPlans(ci: CiConfig, environment: string): boolean {
  const e = ci.environments[environment];
  return !e || e.requiredReviewers.length === 0 || e.pullRequestPlans !== undefined;
}

/**
 * Reads and validates `file`; undefined when the file does not exist (no `ci` stack then). With `environments`,
 * every environment the file names must be one of them.
 */
export function loadCiConfig(file: string, environments?: readonly string[]): CiConfig | undefined {
  if (!fs.existsSync(file)) return undefined;
  const read = readConfigFile(file);
  const decoded = "problem" in read ? read : decode(read.bytes);
  if ("problem" in decoded) throw new ConfigError([`${file}: ${decoded.problem}`]);
  const parsed = parseYaml(decoded.text);
  if (!parsed.source) throw new ConfigError(parsed.problems.map((p) => `${file}: ${p}`));
  const source = parsed.source;
  const result = ciSchema.safeParse(source.value, PARSE_OPTIONS);
  if (!result.success)
    throw new ConfigError(result.error.issues.map((i) => `${file}: ${formatIssue(i, source.value, source)}`));
  if (environments) {
    const unknown = Object.keys(result.data.environments).filter((name) => !environments.includes(name));
    if (unknown.length > 0)
      throw new ConfigError(
        unknown.map(
          (name) =>
            `${file}: environments.${name}: ${JSON.stringify(name)} is not an environment; allowed: ${[...environments].sort().join(", ")}${at(source.locate(["environments", name], true)?.pos)}`,
        ),
      );
  }
  return result.data;
}
