import { Testing, TerraformResource } from "../../modules/core/cdktf";
import {
  accessReport,
  BREAK_GLASS_GROUP,
  networkNotes,
  renderMarkdown,
  renderText,
  type GroupAccess,
} from "../../ops/lib/access-report";
import { ciSchema } from "../../loader/ci";
import { CiStack } from "../../stacks/ci-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { loadEnvironments } from "../../loader/load";
import { identityStack } from "../helpers/policies";
import { ENV_DIR, exampleConfig } from "../helpers/synth";

async function reportFor(
  name: string,
  patch?: Parameters<typeof exampleConfig>[1],
  edit?: (stack: EnvironmentStack) => void,
): Promise<GroupAccess[]> {
  const stack = new EnvironmentStack(Testing.app(), name, { config: exampleConfig(name, patch) });
  edit?.(stack);
  return accessReport(stack);
}

const row = (groups: GroupAccess[], group: string, principal: RegExp) => {
  const found = groups.find((g) => g.group === group)?.principals.find((p) => principal.test(p.principal));
  if (!found) throw new Error(`no ${group} / ${principal}`);
  return found;
};

describe("GIVEN prod's break-glass role (the ci stack's) WHEN the access report is computed", () => {
  test("THEN each named person gets a breakGlass row: shell on the access groups' instances, MFA required, nothing else", async () => {
    const app = Testing.app();
    const config = exampleConfig("prod");
    const stack = new EnvironmentStack(app, "prod", { config, breakGlassRoleInCiStack: true });
    const ci = new CiStack(app, "ci", {
      environments: [config],
      ci: ciSchema.parse({ github: { owner: "acme", ownerId: 1001, repository: "infra", repositoryId: 2002 } }),
    });
    const groups = await accessReport(stack, { ci });
    const breakGlass = groups.find((g) => g.group === BREAK_GLASS_GROUP)!;
    expect(breakGlass.principals.map((p) => p.principal)).toEqual([
      "arn:aws:iam::333333333333:user/alice.sre through break-glass role bastionless-prod-break-glass",
      "arn:aws:iam::333333333333:user/bob.sre through break-glass role bastionless-prod-break-glass",
    ]);
    expect(breakGlass.principals[0]).toEqual({
      principal: expect.stringContaining("alice.sre"),
      reachableTags: ["bastionless:environment=prod", "bastionless:team=sre"],
      untaggedDenied: true,
      shell: true,
      portForwarding: [],
      awsDocuments: [],
      mfa: "required",
      sourceIp: "any",
      terminateOthersSessions: false,
      sendCommand: false,
      changePreferences: false,
      // Through the CLI only (bastionless connect): no console reads; and no expiry.
      interfaces: ["cli"],
      expires: undefined,
    });
    // Without the ci stack the environment stack creates the role: the same rows, from its own blocks.
    const own = new EnvironmentStack(Testing.app(), "prod", { config });
    expect((await accessReport(own)).find((g) => g.group === BREAK_GLASS_GROUP)).toEqual(breakGlass);
    // An environment without breakGlass has no such row.
    const dev = new EnvironmentStack(app, "dev", { config: exampleConfig("dev") });
    expect((await accessReport(dev, { ci })).map((g) => g.group)).not.toContain(BREAK_GLASS_GROUP);
  });
});

describe("access report (IAM engine over the synthesized policies)", () => {
  test("dev: the shell group reaches bastionless:team=platform with MFA; the tunnel role only port-forwards to its one target", async () => {
    const dev = await reportFor("dev");
    expect(row(dev, "platform-shell", /^IAM group bastionless-dev-platform-shell$/)).toEqual({
      principal: "IAM group bastionless-dev-platform-shell",
      reachableTags: ["bastionless:team=platform"],
      untaggedDenied: true,
      shell: true,
      portForwarding: [],
      awsDocuments: [],
      mfa: "required",
      sourceIp: "any",
      interfaces: ["cli", "session-manager-console"],
      expires: undefined,
      terminateOthersSessions: false,
      sendCommand: false,
      changePreferences: false,
    });
    expect(row(dev, "db-tunnel", /^role developer$/)).toEqual(
      expect.objectContaining({
        reachableTags: ["bastionless:tier=shell|db-proxy"],
        shell: false,
        portForwarding: ["dev-db.internal.example.com:5432 via egress to 10.10.16.0/20"],
        awsDocuments: [],
        mfa: "not required",
        // the default: the CLI only, none of the consoles' read permissions
        interfaces: ["cli"],
      }),
    );
  });

  test("prod: IAM group needs MFA in the policy; the Identity Center group's permission set relies on sign-in MFA", async () => {
    const stack = new EnvironmentStack(Testing.app(), "prod", { config: exampleConfig("prod") });
    const prod = await accessReport(stack, { identity: identityStack(loadEnvironments(ENV_DIR)) });
    expect(row(prod, "sre-shell", /^IAM group/)).toEqual(
      expect.objectContaining({
        reachableTags: ["bastionless:environment=prod", "bastionless:team=sre"],
        mfa: "required",
      }),
    );
    expect(
      row(
        prod,
        "sre-shell",
        /^Identity Center group SRE-OnCall \(permission set SessionManagerSRE, account 333333333333\)$/,
      ),
    ).toEqual(
      expect.objectContaining({
        reachableTags: ["bastionless:environment=prod", "bastionless:team=sre"],
        mfa: "at sign-in",
        shell: true,
      }),
    );
  });

  test("source CIDRs and ssh show up because the engine denies an outside address and allows AWS-StartSSHSession", async () => {
    const dev = await reportFor("dev", (e) => {
      e.accessGroups![0].sourceCidrs = ["198.51.100.0/24"];
      e.accessGroups![0].capabilities = { shell: true, ssh: true };
    });
    expect(row(dev, "platform-shell", /IAM group/)).toEqual(
      expect.objectContaining({ sourceIp: "198.51.100.0/24", awsDocuments: ["AWS-StartSSHSession"], shell: true }),
    );
  });

  test("the report is computed, not echoed: an IfExists tag condition slipped into the policy is reported as reaching untagged instances", async () => {
    const dev = await reportFor("dev", undefined, (stack) => {
      const policy = stack.node
        .findAll()
        .find(
          (c) => c instanceof TerraformResource && c.terraformResourceType === "aws_iam_group_policy",
        ) as TerraformResource;
      const doc = {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "ssm:StartSession",
            Resource: "*",
            Condition: {
              StringEqualsIfExists: { "ssm:resourceTag/bastionless:team": "platform" },
              BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" },
            },
          },
        ],
      };
      policy.addOverride("policy", JSON.stringify(doc));
    });
    const shell = row(dev, "platform-shell", /IAM group/);
    expect(shell.untaggedDenied).toBe(false);
    expect(shell.mfa).toBe("not required");
    expect(renderText("dev", dev)).toMatch(/UNTAGGED INSTANCES REACHABLE/);
  });

  test("Markdown: one table per environment with escaped cells, ready for a pull-request comment", async () => {
    const md = renderMarkdown("dev", await reportFor("dev"));
    expect(md).toMatch(/^### Session access: dev\n\n\| group \| principal \| reachable instance tags \|/);
    expect(md).toContain(
      "| db-tunnel | role developer | bastionless:tier=shell\\|db-proxy | port-forward dev-db.internal.example.com:5432 via egress to 10.10.16.0/20 | cli | not required | any | never | no transcript: port forwarding |",
    );
  });
});

describe("network notes of the access report", () => {
  test("GIVEN staging THEN the adoption line is reported; GIVEN a reused S3 gateway THEN the report names what its policy must allow", () => {
    const plain = new EnvironmentStack(Testing.app(), "staging", { config: exampleConfig("staging") });
    expect(networkNotes(plain)).toEqual([expect.stringMatching(/^adopts vpc-0a1b2c3d4e5f60718: reuses 3 endpoints/)]);
    const config = exampleConfig("staging", (e) => {
      (e as Record<string, any>).vpcs[0].s3Gateway = { mode: "reuse", endpointId: "vpce-0a1b2c3d4e5f6aaaa" };
    });
    const reused = new EnvironmentStack(Testing.app(), "staging", { config });
    expect(networkNotes(reused)[1]).toBe(
      "VPC main: the reused S3 gateway vpce-0a1b2c3d4e5f6aaaa must allow the statements in output s3_gateway_required_statements_main (s3:GetObject, s3:PutObject, s3:GetEncryptionConfiguration on the SSM agent buckets and the session-log bucket), or session logs and agent updates fail",
    );
  });
});
