/**
 * Issue 25 item 6 at the edge: owning SSM-SessionManagerRunShell where other teams work (an adopted VPC, or a
 * document the console already created) is refused unless the environment file says so by the named opt-in.
 */
import { environmentSchema, SHARED_ACCOUNT_OPT_IN } from "../../loader/schema";
import { envDir, loadProblems, variant } from "../helpers/env-dir";
import { exampleInput } from "../helpers/examples";

const problemsOf = (files: Record<string, object>): string[] => loadProblems(envDir(files));

describe("GIVEN an environment that owns the account-wide session preferences", () => {
  test("WHEN it adopts a VPC without the opt-in THEN the file is refused, naming the field, the account and both ways out", () => {
    const staging = variant("staging", (e) => delete e.sessionPreferences);
    const problems = problemsOf({ "staging.yaml": staging });
    expect(problems).toEqual([
      expect.stringMatching(
        /\/staging\.yaml: sessionPreferences\.sharedAccount: is required: this environment adopts VPC "main", so other teams work in account 222222222222, and SSM-SessionManagerRunShell applies to every session in 222222222222\/eu-west-1 that names no document: .* Set sharedAccount: "take-over-every-session-in-the-account" .*, or document: none to leave the document to its owner \(missing from the block at line 1, column 1\)$/,
      ),
    ]);
  });

  test("WHEN it adopts the console's document (document: adopt) in a VPC it creates THEN the opt-in is required too", () => {
    const dev = variant("dev", (e) => (e.sessionPreferences = { ...e.sessionPreferences, document: "adopt" }));
    expect(problemsOf({ "dev.yaml": dev })).toEqual([
      expect.stringMatching(
        /\/dev\.yaml: sessionPreferences\.sharedAccount: is required: the document already exists in the account \(document: adopt\).* \(missing from the block at line \d+, column \d+\)$/,
      ),
    ]);
  });

  test("WHEN the opt-in is given by another name THEN it is refused with the one allowed value", () => {
    const staging = variant("staging", (e) => (e.sessionPreferences = { sharedAccount: "yes" }));
    expect(problemsOf({ "staging.yaml": staging })).toEqual([
      expect.stringMatching(
        /\/staging\.yaml(:\d+:\d+)?: sessionPreferences\.sharedAccount: "yes" is not allowed; allowed: "take-over-every-session-in-the-account"/,
      ),
    ]);
  });

  test("WHEN the opt-in is given while another environment owns the document (document: none) THEN it is refused as meaningless", () => {
    const staging = variant(
      "staging",
      (e) => (e.sessionPreferences = { document: "none", sharedAccount: SHARED_ACCOUNT_OPT_IN }),
    );
    expect(problemsOf({ "staging.yaml": staging })).toEqual([
      expect.stringMatching(
        /\/staging\.yaml(:\d+:\d+)?: sessionPreferences\.sharedAccount: "take-over-every-session-in-the-account" has no effect with document: none/,
      ),
    ]);
  });

  test("WHEN it leaves the document to its owner, or opts in, or creates its own VPC THEN the file loads", () => {
    const none = variant("staging", (e) => (e.sessionPreferences = { document: "none" }));
    expect(problemsOf({ "staging.yaml": none })).toEqual([]);
    expect(environmentSchema.parse(exampleInput("staging")).sessionPreferences.sharedAccount).toBe(
      SHARED_ACCOUNT_OPT_IN,
    );
    expect(environmentSchema.parse(exampleInput("dev")).sessionPreferences.sharedAccount).toBeUndefined();
  });
});
