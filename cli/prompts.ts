/**
 * The interactive questions: which instance when several match, and the reason for a session. @inquirer/prompts is
 * loaded only when a question is asked in a terminal, so the other paths (and every non-interactive run) never load it.
 */
import { describeInstance, type Instance } from "./instances";
import { MAX_REASON_LENGTH, validateReason } from "./reason";

export async function pickInstance(message: string, instances: readonly Instance[]): Promise<Instance> {
  const { select } = await import("@inquirer/prompts");
  return select({
    message,
    choices: instances.map((i) => ({
      name: describeInstance(i),
      value: i,
      description: Object.entries(i.tags)
        .filter(([k]) => k !== "Name")
        .map(([k, v]) => `${k}=${v}`)
        .join(" "),
    })),
    pageSize: 15,
  });
}

export async function askReason(message: string): Promise<string> {
  const { input } = await import("@inquirer/prompts");
  const answer = await input({
    message: `${message} (1-${MAX_REASON_LENGTH} characters)`,
    validate: (text) => {
      try {
        validateReason(text, "reason");
        return true;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  return validateReason(answer, "reason");
}
