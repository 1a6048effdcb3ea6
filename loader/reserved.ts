/**
 * Names the app gives to stacks that are not environments. An environment of the same name would collide with
 * them (one construct id per stack, one `cdktf.out/stacks/<name>` directory), so environment files may not use
 * them. A stack added to main.ts must be listed here (test/main-stacks.test.ts checks it).
 */
export const RESERVED_STACK_NAMES: Readonly<Record<string, string>> = {
  bootstrap: "the state-backend bootstrap stack",
  ci: "the CI identity stack (GitHub Actions OIDC roles, config/ci.yaml)",
  identity: "the organization's identity stack",
  "identity-center": "the organization's Identity Center stack",
};

/** Tag keys every resource gets from the stack (provider default tags); environment files cannot set them. */
export const RESERVED_TAG_KEYS: Readonly<Record<string, string>> = {
  Project: "set it with the top-level project field",
  Environment: "it is always the environment name (the file name)",
  ManagedBy: 'it is always "bastionless"',
};

/** AWS allows at most 50 user tags per resource (aws: tags do not count). */
export const MAX_TAGS_PER_RESOURCE = 50;
