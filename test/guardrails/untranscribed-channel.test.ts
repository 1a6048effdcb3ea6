/**
 * BL-SES-003: granting a session channel Session Manager keeps no transcript of (port forwarding, SSH) is a warning,
 * and an error in an environment marked protected unless suppressed with a reason.
 */
import { Testing } from "../../modules/core/cdktf";
import { suppressedFindings } from "../../modules/guardrails";
import type { EnvironmentInput } from "../../loader/schema";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { annotations, check, raw } from "../helpers/guardrails";
import { exampleConfig } from "../helpers/synth";

function synthesized(name: string, patch?: (i: EnvironmentInput) => void) {
  const stack = new EnvironmentStack(Testing.app(), name, { config: exampleConfig(name, patch) });
  Testing.synth(stack);
  return { found: annotations(stack).filter((a) => a.rule === "BL-SES-003"), suppressed: suppressedFindings(stack) };
}

/** The example dev.yaml accepts the finding by name; these tests start without that suppression. */
const unsuppressed = (i: EnvironmentInput) => {
  i.guardrails = { suppressions: [] };
};

test("the example dev.yaml suppresses BL-SES-003 for its database tunnel with a reason", () => {
  const { found, suppressed } = synthesized("dev");
  expect(found).toEqual([]);
  expect(suppressed.map((s) => [s.rule, s.path])).toEqual([["BL-SES-003", "AccessGroups/db-tunnel/Roles/developer"]]);
});

const protect = (i: EnvironmentInput) => {
  unsuppressed(i);
  (i as Record<string, unknown>).protected = true;
  (i as Record<string, unknown>).owners = ["@example-org/platform-leads"];
};

describe("BL-SES-003 a session channel without a transcript", () => {
  test("GIVEN dev's port-forwarding group (unprotected) THEN a warning names the role policy and the target's document", () => {
    const { found } = synthesized("dev", unsuppressed);
    expect(found.map((f) => [f.level, f.path])).toEqual([["warning", "dev/AccessGroups/db-tunnel/Roles/developer"]]);
    expect(found[0].message).toMatch(
      /allows sessions without a transcript: port forwarding \(bastionless-dev-db-tunnel-/,
    );
  });

  test("GIVEN the same group in a protected environment THEN it is an error that fails the synth", () => {
    const { found } = synthesized("dev", protect);
    expect(found.map((f) => f.level)).toEqual(["error"]);
    expect(found[0].message).toContain("in a protected environment");
  });

  test("GIVEN a protected environment that suppresses it with a reason THEN it passes and the reason is listed", () => {
    const { found, suppressed } = synthesized("dev", (i) => {
      protect(i);
      i.guardrails = {
        suppressions: [
          {
            rule: "BL-SES-003",
            path: "AccessGroups/db-tunnel",
            reason: "database tunnel; queries are audited by the database",
          },
        ],
      };
    });
    expect(found).toEqual([]);
    expect(suppressed.map((s) => [s.rule, s.reason])).toEqual([
      ["BL-SES-003", "database tunnel; queries are audited by the database"],
    ]);
  });

  test("GIVEN SSH granted in protected prod THEN an error names SSH; GIVEN shell only THEN nothing", () => {
    const ssh = synthesized("prod", (i) => {
      protect(i);
      i.accessGroups![0].capabilities = { shell: true, ssh: true };
    });
    expect(ssh.found.map((f) => f.level)).toEqual(["error"]);
    expect(ssh.found[0].message).toContain("SSH (AWS-StartSSHSession)");
    expect(synthesized("prod", protect).found).toEqual([]);
  });

  test("GIVEN a hand-written policy allowing every document but denying the tunnels THEN nothing; without the deny THEN a warning", () => {
    const policy = (deny: boolean) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "ssm:StartSession", Resource: "arn:aws:ssm:*:*:document/*" },
          ...(deny
            ? [
                {
                  Effect: "Deny",
                  Action: "ssm:StartSession",
                  Resource: [
                    "arn:aws:ssm:*:*:document/AWS-StartSSHSession",
                    "arn:aws:ssm:*:*:document/AWS-StartPortForwarding*",
                  ],
                },
              ]
            : []),
        ],
      });
    const run = (deny: boolean) =>
      check((s) => raw(s, "aws_iam_group_policy", "p", { name: "p", group: "g", policy: policy(deny) })).filter(
        (f) => f.rule === "BL-SES-003",
      );
    expect(run(true)).toEqual([]);
    expect(run(false).map((f) => f.level)).toEqual(["warning"]);
    expect(run(false)[0].message).toContain(
      "SSH (AWS-StartSSHSession), port forwarding (AWS-StartPortForwardingSession), port forwarding (AWS-StartPortForwardingSessionToRemoteHost)",
    );
  });
});
