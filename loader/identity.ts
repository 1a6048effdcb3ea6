/**
 * The organization's identity configuration (`config/identity.yaml`, one file for the organization): where IAM
 * Identity Center lives and who may call its APIs. `ssoadmin` and `identitystore` work only from the organization's
 * management account or a delegated administrator, in Identity Center's home region, so the IdentityCenterStack
 * gets its own provider pinned to that account and region, and its own state.
 */
import { readConfigFile } from "./files";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { formatIssue, PARSE_OPTIONS } from "./issues";
import { ConfigError, type LoadedEnvironment } from "./load";
import { at, decode, parseYaml } from "./yaml-source";
import { accountId, matching, name, region, stateSchema, strict } from "./schema";
import { IAM_ROLE_NAME } from "../modules/core/limits";
import { breakGlassRoleName } from "../modules/core/naming";

const exactPrincipalArn = z
  .string()
  .refine((v) => !/^arn:[^:]*:[^:]*:[^:]*:[^:]*\*/.test(v), {
    error: (iss) =>
      `${JSON.stringify(iss.input)} names no account (*): anyone able to create a principal of that name in any member account would be exempt from the SCP; give the ARN with its 12-digit account id`,
    abort: true,
  })
  .refine((v) => /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(v), {
    error: (iss) =>
      `${JSON.stringify(iss.input)} is not an exact IAM role or user ARN; allowed: arn:aws:iam::<12-digit account>:role/<path/name> (no wildcards), e.g. arn:aws:iam::111111111111:role/platform-launcher`,
  });
const scpTarget = matching(
  /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/,
  "is not an organization root (r-…), organizational unit (ou-…-…) or account id",
);

export const identitySchema = strict({
  project: name.default("bastionless").describe("Project name used in resource names and the Project tag."),
  instanceArn: matching(
    /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[0-9a-f]{16}$/,
    "is not an IAM Identity Center instance ARN (arn:aws:sso:::instance/ssoins-<16 hex>)",
  ).describe("The IAM Identity Center instance."),
  identityStoreId: matching(/^d-[0-9a-f]{10}$/, "is not an identity store id (d- followed by 10 hex digits)").describe(
    "The instance's identity store (groups are looked up in it by display name).",
  ),
  homeRegion: region.describe("Identity Center's home region: its APIs are called there."),
  account: accountId.describe(
    "The organization's management account or Identity Center's delegated administrator: the only accounts whose credentials may manage permission sets and assignments.",
  ),
  state: stateSchema.describe("Remote state of the identity stack (its own bucket/key, in the identity account)."),
  tags: z.record(z.string(), z.string()).default({}).describe("Tags added to every resource of the identity stack."),
  tagProtection: strict({
    exemptPrincipalArns: z
      .array(exactPrincipalArn)
      .default([])
      .describe(
        "Principals besides the CI apply roles (config/ci.yaml, exempt by their exact ARNs) that may set the access tag keys, e.g. a platform role that launches and tags instances outside the pipeline. Exact ARNs with their account id: no * account, no wildcards. @default none",
      ),
    breakGlassRoleName: matching(IAM_ROLE_NAME, "is not an IAM role name (1-64 of letters, digits and +=,.@_-)")
      .optional()
      .describe(
        "Your organization's own emergency administrator role, by name, exempt in every environment's account (by exact ARN, account by account); not an environment's break-glass role (breakGlass), which needs no exemption. @default no such exemption",
      ),
    createScp: z
      .boolean()
      .default(false)
      .describe(
        "Create the service control policy with aws_organizations_policy in the identity stack (needs the management account). @default false: only the JSON file under cdktf.out/ is written",
      ),
    scpTargetIds: z
      .array(scpTarget)
      .default([])
      .describe("Roots, OUs or accounts the created SCP is attached to. @default none (attach it yourself)"),
  })
    .optional()
    .describe(
      "A service control policy that reserves the access tag keys of every environment (the keys with each environment's accessTagPrefix, nothing else) to the CI apply roles, the break-glass role and exemptPrincipalArns.",
    ),
}).superRefine((c, ctx) => {
  if (c.tagProtection && c.tagProtection.scpTargetIds.length > 0 && !c.tagProtection.createScp) {
    ctx.addIssue({
      code: "custom",
      path: ["tagProtection", "scpTargetIds"],
      message: "is set but createScp is false; set createScp: true to create and attach the policy, or remove it",
    });
  }
});

export type IdentityConfig = z.output<typeof identitySchema>;

export interface LoadedIdentity {
  readonly file: string;
  readonly config: IdentityConfig;
}

/** The identity file next to the environments directory: `config/identity.yaml` for `config/environments`. */
export function identityFileFor(environmentsDir: string): string {
  return process.env.BASTIONLESS_IDENTITY_FILE ?? path.join(path.dirname(environmentsDir), "identity.yaml");
}

/**
 * Loads the identity file if it exists and checks the environments against it: an access group that names
 * Identity Center groups needs it, and permission set names must be unique in the instance. Throws ConfigError.
 */
export function loadIdentity(file: string, environments: readonly LoadedEnvironment[]): LoadedIdentity | undefined {
  const shown = path.relative(process.cwd(), file) || file;
  const problems: string[] = [];
  let loaded: LoadedIdentity | undefined;
  if (fs.existsSync(file)) {
    const read = readConfigFile(file);
    const decoded = "problem" in read ? read : decode(read.bytes);
    const parsed = "problem" in decoded ? { problems: [decoded.problem] } : parseYaml(decoded.text);
    if (!parsed.source) {
      for (const p of parsed.problems) problems.push(`${shown}: ${p}`);
    } else {
      const raw = parsed.source.value;
      const result = identitySchema.safeParse(raw, PARSE_OPTIONS);
      if (result.success) {
        loaded = { file: shown, config: result.data };
        // An environment's own break-glass role reaches instances by their access tags and may not set them: it
        // needs no exemption from the tag-protection SCP, so it gets none.
        const exempt = result.data.tagProtection?.breakGlassRoleName;
        const own = environments.find(
          (e) => breakGlassRoleName({ project: e.config.project, environment: e.config.name }) === exempt,
        );
        if (exempt && own)
          problems.push(
            `${shown}: tagProtection.breakGlassRoleName: ${JSON.stringify(exempt)} is the break-glass role of environment ${own.config.name} (${own.file}, breakGlass), which needs no exemption from the SCP: it reaches instances by their access tags and may not set them (docs/break-glass.md); name your organization's own emergency administrator role, or remove the field${at(parsed.source.locate(["tagProtection", "breakGlassRoleName"])?.pos)}`,
          );
      } else
        for (const issue of result.error.issues) problems.push(`${shown}: ${formatIssue(issue, raw, parsed.source)}`);
    }
  }
  const names = new Map<string, string>();
  for (const env of environments) {
    env.config.accessGroups.forEach((g, i) => {
      const ic = g.principals.identityCenter;
      if (!ic) return;
      const field = `accessGroups[${i}].principals.identityCenter`;
      if (!fs.existsSync(file)) {
        problems.push(
          `${env.file}: ${field}: needs the organization's identity file ${shown} (Identity Center instance, home region, management or delegated-admin account); create it or remove identityCenter`,
        );
      }
      const first = names.get(ic.permissionSetName);
      if (first)
        problems.push(
          `${env.file}: ${field}.permissionSetName: ${JSON.stringify(ic.permissionSetName)} is already used by ${first}; permission set names are unique in the Identity Center instance`,
        );
      else names.set(ic.permissionSetName, `${env.file} (${field})`);
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return loaded;
}
