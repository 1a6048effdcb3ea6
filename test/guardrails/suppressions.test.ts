import { Construct, Testing } from "../../modules/core/cdktf";
import { enableGuardrails, suppress, suppressedFindings } from "../../modules/guardrails";
import { SessionPreferences } from "../../modules/session-preferences";
import { annotations, check, openIngress, raw } from "../helpers/guardrails";
import { testStack } from "../helpers/synth";

describe("guardrail suppressions", () => {
  test("a suppression on the resource (or any ancestor) silences that rule only, and is listed with its reason", () => {
    // GIVEN an open ingress rule inside a construct that suppresses BL-NET-001
    const reported = check((stack) => {
      const scope = new Construct(stack, "PublicListener");
      openIngress(scope);
      suppress(scope, "BL-NET-001", "Public HTTPS listener by design, reviewed in SEC-123");
    });
    // THEN no error, and the summary lists it with address, path and reason
    expect(reported.filter((r) => r.level === "error")).toEqual([]);
    expect(reported.suppressed).toEqual([
      {
        rule: "BL-NET-001",
        address: expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.PublicListener_in_[0-9A-F]{8}$/),
        path: "PublicListener/in",
        reason: "Public HTTPS listener by design, reviewed in SEC-123",
      },
    ]);
  });

  test("a suppression for another rule does not hide the finding, and is itself reported as unused", () => {
    const reported = check((stack) => {
      const r = openIngress(stack);
      suppress(r, "BL-NET-002", "No SSH here, suppressing just in case");
    });
    expect(reported.filter((r) => r.level === "error").map((r) => r.rule)).toEqual(["BL-NET-001"]);
    expect(reported.filter((r) => r.level === "warning").map((r) => r.message)).toEqual([
      expect.stringMatching(
        /guardrail suppression BL-NET-002 is unused: no BL-NET-002 finding at or below this construct/,
      ),
    ]);
  });

  test("a reason is required: missing or too short throws at the call site", () => {
    expect(() => check((stack) => suppress(openIngress(stack), "BL-NET-001", "ok"))).toThrow(
      /give a reason of at least 10 characters/,
    );
    expect(() => check((stack) => suppress(openIngress(stack), "NET-1", "a perfectly fine reason"))).toThrow(
      /"NET-1" is not a rule id/,
    );
  });

  test("path suppressions (from an environment file) resolve relative to the stack; a path that matches nothing warns", () => {
    const reported = check(
      (stack) => {
        const scope = new Construct(stack, "Listener");
        openIngress(scope);
      },
      {
        suppressions: [
          { rule: "BL-NET-001", path: "Listener", reason: "Public listener, approved in SEC-9" },
          { rule: "BL-NET-001", path: "Nowhere/At/All", reason: "Typo in the path should be noticed" },
        ],
      },
    );
    expect(reported.filter((r) => r.level === "error")).toEqual([]);
    expect(reported.suppressed.map((s) => s.path)).toEqual(["Listener/in"]);
    expect(reported.filter((r) => r.level === "warning").map((r) => r.message)).toEqual([
      expect.stringMatching(
        /guardrail suppression BL-NET-001 at "Nowhere\/At\/All" matches no construct of this stack/,
      ),
    ]);
  });

  test("GIVEN a stack synthesized twice THEN the second synth lists each suppressed finding once and warns of no used suppression as unused", () => {
    const stack = testStack();
    openIngress(new Construct(stack, "Listener"));
    suppress(openIngress(new Construct(stack, "Other")), "BL-NET-001", "Second listener, approved in SEC-10");
    enableGuardrails(stack, {
      suppressions: [{ rule: "BL-NET-001", path: "Listener", reason: "Public listener, approved in SEC-9" }],
    });
    Testing.synth(stack);
    Testing.synth(stack);
    expect(suppressedFindings(stack).map((f) => f.path)).toEqual(["Listener/in", "Other/in"]);
    expect(annotations(stack)).toEqual([]);
  });

  test("the preferences waivers are the named opt-ins: each becomes a suppression with the written reason", () => {
    const reason = "Sandbox account, no customer data; KMS adds cost here";
    const reported = check((stack) => {
      new SessionPreferences(stack, "Prefs", {
        s3: { bucketName: "logs", keyPrefix: "x" },
        waiveKmsEncryption: reason,
      });
    });
    expect(reported.filter((r) => r.level === "error")).toEqual([]);
    expect(reported.suppressed).toEqual([
      expect.objectContaining({ rule: "BL-SES-002", path: "Prefs/Resource", reason }),
    ]);
  });

  test("without the waiver the same document fails", () => {
    // (SessionPreferences refuses a missing key itself; a raw document shows what the guardrail would say)
    const reported = check((stack) =>
      raw(stack, "aws_ssm_document", "d", {
        name: "SSM-SessionManagerRunShell",
        document_type: "Session",
        content: JSON.stringify({
          schemaVersion: "1.0",
          sessionType: "Standard_Stream",
          inputs: { s3BucketName: "logs", s3EncryptionEnabled: true, kmsKeyId: "" },
        }),
      }),
    );
    expect(reported.filter((r) => r.level === "error").map((r) => r.rule)).toEqual(["BL-SES-002"]);
  });
});
