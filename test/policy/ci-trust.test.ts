/**
 * Who can become a CI role: the synthesized trust policies of the `ci` stack evaluated with the IAM engine against
 * the claims GitHub puts in the OIDC tokens of real jobs (sub, aud, ref, job_workflow_ref, environment, repository
 * ids; aws-facts §30-32). The apply roles admit only the default branch's apply workflow in the environment's
 * GitHub environment; branch jobs, dispatches from a branch, pull requests, other repositories and forks are
 * refused. Plan roles admit the default branch's plan workflow and this repository's pull requests, except for a
 * protected environment without its written opt-in.
 */
import * as path from "path";
import { ciSchema, loadCiConfig, type CiConfig } from "../../loader/ci";
import { loadEnvironments } from "../../loader/load";
import { IamRole } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { CiStack, GITHUB_OIDC_HOST } from "../../stacks/ci-stack";
import { evaluate, type Outcome } from "../../ops/lib/iam-evaluate";
import { ENV_DIR, resourcesByName, synthJson, type TfJson } from "../helpers/synth";

const environments = loadEnvironments(ENV_DIR).map((e) => e.config);
const account = (env: string) => environments.find((e) => e.name === env)!.account;
const repoCi = loadCiConfig(path.join(__dirname, "..", "..", "config", "ci.yaml"))!;

/** The repository's ci.yaml with `patch` applied (through the schema, like a file). */
function ciWith(patch: (input: Record<string, unknown> & { github: Record<string, unknown> }) => void): CiConfig {
  const input = {
    github: { owner: "acme", ownerId: 1001, repository: "infra", repositoryId: 2002 },
    environments: { prod: { requiredReviewers: ["acme/platform-leads"] } },
  };
  patch(input);
  return ciSchema.parse(input);
}
const synth = (ci: CiConfig): TfJson => synthJson(new CiStack(Testing.app(), "ci", { environments, ci }));

/** A GitHub Actions job, as the token describes it. */
interface Job {
  /** The repository the job runs in. @default acme/infra (ids 1001/2002) */
  readonly repo?: { owner: string; ownerId: string; name: string; id: string };
  readonly event: "push" | "pull_request" | "workflow_dispatch" | "schedule";
  /** GITHUB_REF of the run. */
  readonly ref: string;
  /** The workflow file the job is defined in, and the ref it was read at. @default the run's ref */
  readonly workflow: string;
  readonly workflowAt?: string;
  readonly environment?: string;
  /** The token's `sub` format. @default named */
  readonly format?: "named" | "immutable";
  readonly aud?: string;
}
const ACME = { owner: "acme", ownerId: "1001", name: "infra", id: "2002" };
const APPLY = ".github/workflows/apply-environment.yml";
const PLAN = ".github/workflows/plan-environment.yml";

/** The claims GitHub puts in the job's OIDC token (docs: "OpenID Connect reference", subject claim examples). */
function claims(job: Job): Record<string, string> {
  const r = job.repo ?? ACME;
  const prefix =
    job.format === "immutable" ? `repo:${r.owner}-${r.ownerId}/${r.name}-${r.id}` : `repo:${r.owner}/${r.name}`;
  const context = job.environment
    ? `environment:${job.environment}`
    : job.event === "pull_request"
      ? "pull_request"
      : `ref:${job.ref}`;
  return {
    sub: `${prefix}:${context}`,
    aud: job.aud ?? "sts.amazonaws.com",
    ref: job.ref,
    job_workflow_ref: `${r.owner}/${r.name}/${job.workflow}@${job.workflowAt ?? job.ref}`,
    repository: `${r.owner}/${r.name}`,
    repository_id: r.id,
    repository_owner_id: r.ownerId,
    ...(job.environment ? { environment: job.environment } : {}),
  };
}

/**
 * The engine's IAM reference data knows GitHub's claim keys (ref, job_workflow_ref, environment, repository_id…)
 * but not the generic `sub` and `aud` of an OIDC issuer; those two are evaluated under the Google issuer's names
 * for the same claims (the same StringEquals on the same strings), in the policy and in the request alike.
 */
async function assume(tf: TfJson, role: string, job: Job): Promise<Outcome> {
  const env = role.split("-")[0];
  const trust = (resourcesByName(tf, IamRole)[role] as { assume_role_policy: string }).assume_role_policy
    .replaceAll(`"${GITHUB_OIDC_HOST}:sub"`, '"accounts.google.com:sub"')
    .replaceAll(`"${GITHUB_OIDC_HOST}:aud"`, '"accounts.google.com:aud"');
  const context: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims(job)))
    context[k === "sub" || k === "aud" ? `accounts.google.com:${k}` : `${GITHUB_OIDC_HOST}:${k}`] = v;
  return evaluate(
    {
      principal: `arn:aws:iam::${account(env)}:oidc-provider/${GITHUB_OIDC_HOST}`,
      action: "sts:AssumeRoleWithWebIdentity",
      resource: `arn:aws:iam::${account(env)}:role/bastionless-${env}-ci-${role.split("-")[1]}`,
      resourceAccount: account(env),
      context,
    },
    [],
    JSON.parse(trust) as object,
  );
}

const acme = ciWith(() => undefined);
const tf = synth(acme);
const main = "refs/heads/main";

/** apply.yml on the default branch calling apply-environment.yml for `environment`: the reviewed apply. */
const reviewedApply = (environment: string, more: Partial<Job> = {}): Job => ({
  event: "push",
  ref: main,
  workflow: APPLY,
  environment,
  ...more,
});

describe("apply roles (IAM engine, GitHub tokens)", () => {
  test.each(["dev", "staging", "prod"])(
    "GIVEN the apply workflow of the default branch in GitHub environment %s THEN its apply role is assumed (both sub formats)",
    async (env) => {
      expect(await assume(tf, `${env}-apply`, reviewedApply(env))).toBe("Allowed");
      expect(await assume(tf, `${env}-apply`, reviewedApply(env, { format: "immutable" }))).toBe("Allowed");
      // A manual re-run of apply.yml on the default branch is the same reviewed code.
      expect(await assume(tf, `${env}-apply`, reviewedApply(env, { event: "workflow_dispatch" }))).toBe("Allowed");
    },
  );

  const refused: [string, Job][] = [
    [
      "a job of a branch's own workflow naming the environment",
      { event: "push", ref: "refs/heads/feature", workflow: ".github/workflows/mine.yml", environment: "staging" },
    ],
    [
      "the apply workflow dispatched from a branch (the branch's copy of it)",
      { event: "workflow_dispatch", ref: "refs/heads/feature", workflow: APPLY, environment: "staging" },
    ],
    [
      "a branch's workflow calling the default branch's apply workflow",
      { event: "push", ref: "refs/heads/feature", workflow: APPLY, workflowAt: main, environment: "staging" },
    ],
    [
      "a pull request's edited workflow naming the environment",
      { event: "pull_request", ref: "refs/pull/7/merge", workflow: APPLY, environment: "staging" },
    ],
    ["a pull request's plan job", { event: "pull_request", ref: "refs/pull/7/merge", workflow: PLAN }],
    ["the default branch's plan workflow (no environment)", { event: "push", ref: main, workflow: PLAN }],
    [
      "another workflow of the default branch naming the environment",
      { event: "push", ref: main, workflow: ".github/workflows/release.yml", environment: "staging" },
    ],
    [
      "a tag push running the apply workflow",
      { event: "push", ref: "refs/tags/v1.0.0", workflow: APPLY, environment: "staging" },
    ],
    [
      "another repository of the organization",
      { ...reviewedApply("staging"), repo: { ...ACME, name: "other", id: "3003" } },
    ],
    [
      "a recreated repository of the same name (new id)",
      { ...reviewedApply("staging"), repo: { ...ACME, id: "9009" } },
    ],
    [
      "a fork running the apply workflow on its default branch",
      { ...reviewedApply("staging"), repo: { owner: "mallory", ownerId: "6666", name: "infra", id: "7007" } },
    ],
    [
      "a fork, immutable sub format",
      {
        ...reviewedApply("staging", { format: "immutable" }),
        repo: { owner: "mallory", ownerId: "6666", name: "infra", id: "7007" },
      },
    ],
    ["the environment prod's job", reviewedApply("prod")],
    ["a token for another audience", reviewedApply("staging", { aud: "https://github.com/acme" })],
  ];
  test.each(refused)("GIVEN %s THEN the staging apply role is refused", async (_what, job) => {
    expect(await assume(tf, "staging-apply", job)).toBe("ImplicitlyDenied");
  });

  test("GIVEN the trust policies THEN no Allow uses ForAllValues (true when the claim is absent)", () => {
    for (const [name, role] of Object.entries(resourcesByName(tf, IamRole)))
      expect([name, (role as { assume_role_policy: string }).assume_role_policy]).not.toEqual([
        name,
        expect.stringContaining("ForAllValues"),
      ]);
  });
});

describe("plan roles (IAM engine, GitHub tokens)", () => {
  const pr: Job = { event: "pull_request", ref: "refs/pull/7/merge", workflow: PLAN };
  const mainPlan: Job = { event: "push", ref: main, workflow: PLAN };

  test.each(["dev", "staging"])("GIVEN a pull request THEN it plans %s (both sub formats)", async (env) => {
    expect(await assume(tf, `${env}-plan`, pr)).toBe("Allowed");
    expect(await assume(tf, `${env}-plan`, { ...pr, format: "immutable" })).toBe("Allowed");
  });

  test("GIVEN prod, protected by required reviewers without the opt-in THEN a pull request cannot plan it; the default branch can", async () => {
    expect(await assume(tf, "prod-plan", pr)).toBe("ImplicitlyDenied");
    expect(await assume(tf, "prod-plan", { ...pr, format: "immutable" })).toBe("ImplicitlyDenied");
    expect(await assume(tf, "prod-plan", mainPlan)).toBe("Allowed");
    expect(await assume(tf, "prod-plan", { ...mainPlan, event: "schedule" })).toBe("Allowed"); // drift.yml
  });

  test("GIVEN prod's written opt-in (pullRequestPlans) THEN pull requests plan prod too", async () => {
    const optedIn = synth(
      ciWith((i) => {
        i.environments = {
          prod: {
            requiredReviewers: ["acme/platform-leads"],
            pullRequestPlans: "plans are read-only; reviewers see prod's diff",
          },
        };
      }),
    );
    expect(await assume(optedIn, "prod-plan", pr)).toBe("Allowed");
  });

  test.each<[string, Job]>([
    ["a branch push", { event: "push", ref: "refs/heads/feature", workflow: PLAN }],
    [
      "a branch's workflow calling the default branch's plan workflow",
      { ...mainPlan, ref: "refs/heads/feature", workflowAt: main },
    ],
    ["another repository's pull request", { ...pr, repo: { ...ACME, name: "other", id: "3003" } }],
    [
      "a fork's pull request run in the fork",
      { ...pr, repo: { owner: "mallory", ownerId: "6666", name: "infra", id: "7007" } },
    ],
    ["a job in GitHub environment dev", { event: "push", ref: main, workflow: PLAN, environment: "dev" }],
  ])("GIVEN %s THEN the dev plan role is refused", async (_what, job) => {
    expect(await assume(tf, "dev-plan", job)).toBe("ImplicitlyDenied");
  });
});

describe("sub formats (github.subjectFormats)", () => {
  test("GIVEN only the named format THEN an immutable-id token is refused, and the other way round", async () => {
    const named = synth(ciWith((i) => (i.github.subjectFormats = ["named"])));
    const immutable = synth(ciWith((i) => (i.github.subjectFormats = ["immutable"])));
    expect(await assume(named, "dev-apply", reviewedApply("dev"))).toBe("Allowed");
    expect(await assume(named, "dev-apply", reviewedApply("dev", { format: "immutable" }))).toBe("ImplicitlyDenied");
    expect(await assume(immutable, "dev-apply", reviewedApply("dev", { format: "immutable" }))).toBe("Allowed");
    expect(await assume(immutable, "dev-apply", reviewedApply("dev"))).toBe("ImplicitlyDenied");
  });

  test("GIVEN the repository's config/ci.yaml THEN its own ids and both formats are in every CI role's trust policy", () => {
    const t = synth(repoCi);
    // The CI roles (`<env>-plan`, `<env>-apply`); a break-glass role trusts people, not GitHub (break-glass.test.ts).
    const ciRoles = Object.entries(resourcesByName(t, IamRole)).filter(([id]) => /^[a-z0-9-]+-(plan|apply)$/.test(id));
    expect(ciRoles).toHaveLength(6);
    for (const role of ciRoles.map(([, r]) => r) as { assume_role_policy: string }[]) {
      const trust = JSON.parse(role.assume_role_policy) as {
        Statement: { Condition: { StringEquals: Record<string, unknown> } }[];
      };
      for (const s of trust.Statement) {
        expect(s.Condition.StringEquals[`${GITHUB_OIDC_HOST}:repository_id`]).toBe(repoCi.github.repositoryId);
        const subs = s.Condition.StringEquals[`${GITHUB_OIDC_HOST}:sub`] as string[];
        expect(subs.some((x) => x.startsWith(`repo:${repoCi.github.owner}/${repoCi.github.repository}:`))).toBe(true);
        expect(
          subs.some((x) =>
            x.startsWith(
              `repo:${repoCi.github.owner}-${repoCi.github.ownerId}/${repoCi.github.repository}-${repoCi.github.repositoryId}:`,
            ),
          ),
        ).toBe(true);
      }
    }
  });
});
