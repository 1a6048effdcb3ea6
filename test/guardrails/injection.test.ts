/**
 * The acceptance check of the guardrails: inject one kind of violation into an example stack and run the same
 * synth `npm run synth` runs (runStackSynth, one App per stack). It must exit non-zero naming the rule, and leave the
 * previous cdktf.out as it was.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironments, type LoadedEnvironment } from "../../loader/load";
import { CloudwatchLogGroup, Instance, VpcSecurityGroupIngressRule } from "../../modules/core/aws";
import { resolveTokens, TerraformResource, type Construct } from "../../modules/core/cdktf";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { runStackSynth, type StackDefinition } from "../../synth/synth";
import { treeDigest } from "../helpers/run-main";
import { ENV_DIR } from "../helpers/synth";

type Injection = (stack: EnvironmentStack) => void;

/** The stacks main.ts plans (environments and bootstrap), with `inject` applied to the dev stack. */
function plan(inject?: Injection) {
  return ({ environments }: { environments: LoadedEnvironment[] }): StackDefinition<Construct>[] => [
    ...environments.map(({ file, config }) => ({
      name: config.name,
      file,
      create: (app: Construct) => {
        const stack = new EnvironmentStack(app, config.name, { config });
        if (config.name === "dev") inject?.(stack);
      },
    })),
    {
      name: "bootstrap",
      create: (app: Construct) =>
        new BootstrapStack(app, "bootstrap", { environments: environments.map((e) => e.config) }),
    },
  ];
}

/** Rewrites the policy JSON of the first access group's IAM group policy (an escape-hatch override). */
function editOperatorPolicy(stack: EnvironmentStack, edit: (statements: Record<string, unknown>[]) => void): void {
  const policy = stack.node
    .findAll()
    .find(
      (c) => c instanceof TerraformResource && c.terraformResourceType === "aws_iam_group_policy",
    ) as TerraformResource & { policyInput?: string };
  const doc = JSON.parse(resolveTokens(stack, policy.policyInput!)) as { Statement: Record<string, unknown>[] };
  edit(doc.Statement);
  policy.addOverride("policy", JSON.stringify(doc));
}

const startOnInstances = (statements: Record<string, unknown>[]) =>
  statements.find((s) => s.Sid === "StartSessionOnTaggedInstances")!;
const instanceSg = (stack: EnvironmentStack) => stack.networks[0].endpoints.instanceSecurityGroup.securityGroupId;

const INJECTIONS: [string, string, Injection][] = [
  [
    "open ingress",
    "BL-NET-001",
    (s) =>
      new VpcSecurityGroupIngressRule(s, "Injected", {
        securityGroupId: instanceSg(s),
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "injected",
      }),
  ],
  [
    "port 22",
    "BL-NET-002",
    (s) =>
      new VpcSecurityGroupIngressRule(s, "Injected", {
        securityGroupId: instanceSg(s),
        cidrIpv4: "10.10.0.0/16",
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        description: "injected",
      }),
  ],
  [
    "public IP",
    "BL-NET-004",
    (s) =>
      new Instance(s, "Injected", {
        launchTemplate: { id: s.launchTemplate!.template.id, version: "$Latest" },
        associatePublicIpAddress: true,
      }),
  ],
  [
    "unencrypted log group",
    "BL-LOG-001",
    (s) => new CloudwatchLogGroup(s, "Injected", { name: "/injected", retentionInDays: 365, skipDestroy: true }),
  ],
  [
    "IfExists tag condition",
    "BL-IAM-004",
    (s) =>
      editOperatorPolicy(s, (st) => {
        const c = startOnInstances(st).Condition as Record<string, unknown>;
        c.StringEqualsIfExists = c.StringEquals;
        delete c.StringEquals;
      }),
  ],
  [
    "missing document check",
    "BL-IAM-005",
    (s) =>
      editOperatorPolicy(s, (st) => {
        delete (startOnInstances(st).Condition as Record<string, unknown>).BoolIfExists;
      }),
  ],
  [
    "wildcard write",
    "BL-IAM-002",
    (s) =>
      editOperatorPolicy(s, (st) => {
        st.push({ Sid: "Injected", Effect: "Allow", Action: ["ssm:SendCommand"], Resource: "*" });
      }),
  ],
];

describe("injected violations fail `npm run synth` and leave cdktf.out untouched", () => {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bl-inject-")), "cdktf.out");
  const load = () => ({ environments: loadEnvironments(ENV_DIR) });
  let errors: string[];
  let logs: string[];

  async function synth(inject?: Injection): Promise<{ exitCode: number; stderr: string; stdout: string }> {
    errors = [];
    logs = [];
    const err = jest.spyOn(console, "error").mockImplementation((m: unknown) => void errors.push(String(m)));
    const warn = jest.spyOn(console, "warn").mockImplementation((m: unknown) => void errors.push(String(m)));
    const before = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir;
    process.exitCode = 0;
    try {
      await runStackSynth(load, plan(inject), (text) => void logs.push(text.replace(/\n$/, "")));
      return { exitCode: Number(process.exitCode ?? 0), stderr: errors.join("\n"), stdout: logs.join("\n") };
    } finally {
      process.exitCode = 0;
      process.env.CDKTF_OUTDIR = before;
      err.mockRestore();
      warn.mockRestore();
    }
  }

  test("the example environments synthesize with zero guardrail errors or warnings", async () => {
    const r = await synth();
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(fs.existsSync(path.join(outdir, "stacks", "dev", "cdk.tf.json"))).toBe(true);
  });

  test.each(INJECTIONS)("%s → %s", async (_what, rule, inject) => {
    // GIVEN a previous synth
    const before = treeDigest(outdir);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    // WHEN the violation is injected into the dev stack
    const r = await synth(inject);
    // THEN the synth fails with the rule id, the Terraform address and the construct path, and writes nothing
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`dev: \\[dev/[^\\]]+\\] ${rule} .*\\[aws_[a-z_]+\\.[A-Za-z0-9_-]+\\]\\. Fix: `),
    );
    expect(r.stderr).toMatch(/nothing was written/);
    expect(r.stdout).toBe("");
    expect(treeDigest(outdir)).toEqual(before);
  });
});
