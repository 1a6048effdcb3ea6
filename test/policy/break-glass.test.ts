/**
 * The break-glass role of prod (issue 27), evaluated with the IAM engine on what the `ci` stack synthesizes: its
 * trust admits only the named people, with MFA and their own name as source identity; its policy gives a logged
 * shell on every instance the environment's access groups select and nothing else (no port forwarding, no other
 * instances, no other environment, no tag changes); the pipeline can neither change nor assume it, and the
 * tag-protection SCP does not exempt it.
 */
import * as path from "path";
import { loadCiConfig } from "../../loader/ci";
import { loadIdentity } from "../../loader/identity";
import { loadEnvironments } from "../../loader/load";
import { IamPolicy, IamRolePolicy, IamRolePolicyAttachment } from "../../modules/core/aws";
import { Testing } from "../../modules/core/cdktf";
import { policyDocument } from "../../modules/core/iam";
import { breakGlassTrust, UNLOGGED_DOCUMENTS } from "../../modules/operator-access";
import { evaluate, type Outcome } from "../../ops/lib/iam-evaluate";
import { CiStack } from "../../stacks/ci-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { scpExemptions } from "../../stacks/identity-center-stack";
import { breakGlassRoleArn } from "../../stacks/operator-policy-props";
import { bodyOf, ENV_DIR, resources, resourcesByName, synthJson, type Body } from "../helpers/synth";
import { EC2_FULL_ACCESS, IDENTITY_FILE } from "../helpers/policies";

const loaded = loadEnvironments(ENV_DIR);
const environments = loaded.map((e) => e.config);
const ci = loadCiConfig(path.join(__dirname, "..", "..", "config", "ci.yaml"))!;
const stack = new CiStack(Testing.app(), "ci", { environments, ci });
const tf = synthJson(stack);

const prod = environments.find((e) => e.name === "prod")!;
const dev = environments.find((e) => e.name === "dev")!;
const ROLE = breakGlassRoleArn(prod);
const role = stack.breakGlassRoles.prod;
/** A synthesized policy as IAM receives it: Terraform's `$${…}` escape of IAM policy variables undone. */
const asIam = (text: unknown) => JSON.parse((text as string).replace(/\$\$\{/g, "${")) as object;
const trust = asIam(bodyOf(tf, role.role).assume_role_policy);
const policy = asIam(bodyOf(tf, role.policy).policy);

const ALICE = "arn:aws:iam::333333333333:user/alice.sre";
const CAROL = "arn:aws:iam::333333333333:user/carol";
/** The caller's own policy: may assume the role and set a source identity (cross-account callers need it). */
const MAY_ASSUME = policyDocument([
  { effect: "Allow", actions: ["sts:AssumeRole", "sts:SetSourceIdentity"], resources: [ROLE] },
]);
const WITH_MFA = { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "120" };

/** AssumeRole (and the SetSourceIdentity it implies, when a source identity is given), both must be allowed. */
async function assume(
  principal: string,
  context: Record<string, string>,
  trustPolicy: object = trust,
): Promise<Outcome> {
  // IAM puts an IAM user's name in every request it signs (aws:username); the engine takes it from the context.
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(principal)?.[1];
  const req = {
    principal,
    resource: ROLE,
    resourceAccount: prod.account,
    context: { ...context, ...(user ? { "aws:username": user } : {}) },
  };
  const assumed = await evaluate({ ...req, action: "sts:AssumeRole" }, [MAY_ASSUME], trustPolicy);
  if (assumed !== "Allowed" || context["sts:SourceIdentity"] === undefined) return assumed;
  return evaluate({ ...req, action: "sts:SetSourceIdentity" }, [MAY_ASSUME], trustPolicy);
}

describe("GIVEN prod's break-glass trust (alice.sre and bob.sre)", () => {
  test("WHEN alice assumes it with MFA and her own name as source identity THEN she may", async () => {
    expect(await assume(ALICE, { ...WITH_MFA, "sts:SourceIdentity": "alice.sre" })).toBe("Allowed");
  });

  test.each<[string, Record<string, string>]>([
    ["without MFA", { "sts:SourceIdentity": "alice.sre" }],
    ["with MFA explicitly absent", { "aws:MultiFactorAuthPresent": "false", "sts:SourceIdentity": "alice.sre" }],
    [
      "with an MFA sign-in over an hour old",
      { ...WITH_MFA, "aws:MultiFactorAuthAge": "7200", "sts:SourceIdentity": "alice.sre" },
    ],
    ["without a source identity", WITH_MFA],
    ["naming bob as the source identity", { ...WITH_MFA, "sts:SourceIdentity": "bob.sre" }],
  ])("WHEN alice assumes it %s THEN she is refused", async (_what, context) => {
    expect(await assume(ALICE, context)).not.toBe("Allowed");
  });

  test("WHEN another user of the account, with MFA and her own name, assumes it THEN she is refused", async () => {
    expect(await assume(CAROL, { ...WITH_MFA, "sts:SourceIdentity": "carol" })).not.toBe("Allowed");
  });

  test("WHEN a role is named THEN its sessions need MFA and a source identity (any: roles have no user name)", async () => {
    const oncall = "arn:aws:iam::999999999999:role/sre-oncall";
    const roleTrust = policyDocument(breakGlassTrust([oncall]));
    expect(await assume(oncall, { ...WITH_MFA, "sts:SourceIdentity": "alice.sre" }, roleTrust)).toBe("Allowed");
    expect(await assume(oncall, WITH_MFA, roleTrust)).not.toBe("Allowed");
    expect(await assume(oncall, { "sts:SourceIdentity": "alice.sre" }, roleTrust)).not.toBe("Allowed");
    expect(await assume("arn:aws:iam::999999999999:role/other", WITH_MFA, roleTrust)).not.toBe("Allowed");
  });

  test("THEN sessions last at most an hour (the shortest maximum IAM allows)", () => {
    expect(bodyOf(tf, role.role).max_session_duration).toBe(3600);
  });
});

describe("GIVEN the prod apply role (the pipeline)", () => {
  /** Every policy the apply role holds: inline and attached (found by reference). */
  const applyPolicies = (): object[] => {
    const ref = "${aws_iam_role.prod-apply.name}";
    const inline = resources(tf, IamRolePolicy).filter((p) => p.role === ref);
    const attached = resources(tf, IamRolePolicyAttachment)
      .filter((a) => a.role === ref)
      .map((a) => /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(a.policy_arn as string)![1])
      .map((name) => resourcesByName(tf, IamPolicy)[name] as Body);
    return [...inline, ...attached].map((p) => JSON.parse(p.policy as string) as object);
  };
  const APPLY = `arn:aws:iam::${prod.account}:role/bastionless-prod-ci-apply`;

  test.each(["iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole", "iam:CreateRole", "iam:TagRole"])(
    "WHEN it calls %s on the break-glass role THEN it is explicitly denied (the role is the ci stack's)",
    async (action) => {
      expect(await evaluate({ principal: APPLY, action, resource: ROLE }, applyPolicies())).toBe("ExplicitlyDenied");
    },
  );

  test("WHEN it assumes the break-glass role, even with a trust that names it THEN it is explicitly denied", async () => {
    const naming = policyDocument([{ effect: "Allow", principals: { AWS: [APPLY] }, actions: ["sts:AssumeRole"] }]);
    expect(
      await evaluate({ principal: APPLY, action: "sts:AssumeRole", resource: ROLE }, applyPolicies(), naming),
    ).toBe("ExplicitlyDenied");
  });

  test("WHEN it changes its own environment's other roles THEN it still may (the control)", async () => {
    expect(
      await evaluate(
        {
          principal: APPLY,
          action: "iam:UpdateAssumeRolePolicy",
          resource: `arn:aws:iam::${prod.account}:role/bastionless-prod-session-instance`,
        },
        applyPolicies(),
      ),
    ).toBe("Allowed");
  });
});

describe("GIVEN a session of prod's break-glass role (assumed by alice with MFA)", () => {
  const SESSION = `arn:aws:sts::${prod.account}:assumed-role/bastionless-prod-break-glass/alice.sre`;
  const instance = (account = prod.account, region = prod.region) =>
    `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`;
  const PROD_TAGS = {
    "ssm:resourceTag/bastionless:environment": "prod",
    "ssm:resourceTag/bastionless:team": "sre",
  };
  const SESSION_CONTEXT = {
    "aws:MultiFactorAuthPresent": "true",
    "aws:SourceIdentity": "alice.sre",
    "ssm:SessionDocumentAccessCheck": "true",
  };
  const start = (resource: string, context: Record<string, string> = {}, more: object[] = []) =>
    evaluate(
      { principal: SESSION, action: "ssm:StartSession", resource, context: { ...SESSION_CONTEXT, ...context } },
      [policy, ...more],
    );

  test("WHEN it starts a shell on an instance prod's access groups select THEN it may", async () => {
    expect(await start(instance(), PROD_TAGS)).toBe("Allowed");
    expect(await start(`arn:aws:ssm:${prod.region}:${prod.account}:document/SSM-SessionManagerRunShell`)).toBe(
      "Allowed",
    );
  });

  test.each<[string, string, Record<string, string>]>([
    ["an instance no access group selects", instance(), { "ssm:resourceTag/bastionless:team": "payments" }],
    ["an untagged instance", instance(), {}],
    ["an instance of dev's account", instance(dev.account, dev.region), PROD_TAGS],
    ["an instance of another region", instance(prod.account, "eu-west-1"), PROD_TAGS],
  ])("WHEN it starts a session on %s THEN it is refused", async (_what, resource, tags) => {
    expect(await start(resource, tags)).not.toBe("Allowed");
  });

  test.each([...UNLOGGED_DOCUMENTS])(
    "WHEN it starts %s THEN it is explicitly denied (no transcript)",
    async (document) => {
      expect(await start(`arn:aws:ssm:${prod.region}:${prod.account}:document/${document}`)).toBe("ExplicitlyDenied");
    },
  );

  test("WHEN the session has no MFA or no source identity THEN the shell is explicitly denied", async () => {
    expect(await start(instance(), { ...PROD_TAGS, "aws:MultiFactorAuthPresent": "false" })).toBe("ExplicitlyDenied");
    const anonymous: Record<string, string> = { ...SESSION_CONTEXT };
    delete anonymous["aws:SourceIdentity"];
    expect(
      await evaluate(
        {
          principal: SESSION,
          action: "ssm:StartSession",
          resource: instance(),
          context: { ...anonymous, ...PROD_TAGS },
        },
        [policy],
      ),
    ).toBe("ExplicitlyDenied");
  });

  test("WHEN it tags an instance with an access tag key, even holding EC2 full access THEN it is explicitly denied", async () => {
    const outcome = await evaluate(
      {
        principal: SESSION,
        action: "ec2:CreateTags",
        resource: instance(),
        context: { "aws:TagKeys": ["bastionless:team"], "aws:RequestTag/bastionless:team": "sre" },
      },
      [policy, EC2_FULL_ACCESS],
    );
    expect(outcome).toBe("ExplicitlyDenied");
  });
});

describe("GIVEN where the role is created", () => {
  test("WHEN the ci stack serves the environment THEN the environment stack creates no break-glass role", () => {
    const env = new EnvironmentStack(Testing.app(), "prod", { config: prod, breakGlassRoleInCiStack: true });
    expect(env.breakGlassRole).toBeUndefined();
  });

  test("WHEN it does not (no ci.yaml, HCP Terraform state) THEN the environment stack creates the same role", () => {
    const env = new EnvironmentStack(Testing.app(), "prod", { config: prod });
    const etf = synthJson(env);
    const own = env.breakGlassRole!;
    expect(bodyOf(etf, own.role)).toMatchObject({
      name: "bastionless-prod-break-glass",
      max_session_duration: 3600,
      assume_role_policy: bodyOf(tf, role.role).assume_role_policy,
    });
    expect(bodyOf(etf, own.policy).policy).toBe(bodyOf(tf, role.policy).policy);
  });
});

describe("GIVEN the organization's tag-protection SCP", () => {
  test("THEN no environment's break-glass role is exempt (it needs no tag changes)", () => {
    const identity = loadIdentity(IDENTITY_FILE, loaded)!;
    const e = scpExemptions(identity.config, environments, ci);
    const all = [...e.pipeline, ...e.breakGlass, ...e.other];
    expect(all.length).toBeGreaterThan(0);
    for (const env of environments) expect(all).not.toContain(breakGlassRoleArn(env));
  });
});
