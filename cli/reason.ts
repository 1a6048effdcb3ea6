import { usageError } from "./errors";

/** StartSession's `Reason`: 1 to 256 characters on one line (pattern `^.{1,256}$` in the Systems Manager API). */
export const MAX_REASON_LENGTH = 256;

/** The reason as StartSession accepts it, or a usage error saying what is wrong and what is allowed. */
export function validateReason(reason: string, source = "--reason"): string {
  const text = reason.trim();
  if (text.length === 0)
    throw usageError(`${source}: is empty; give 1 to ${MAX_REASON_LENGTH} characters saying why you connect`);
  if (/[\n\r\u0085\u2028\u2029]/.test(text))
    throw usageError(
      `${source}: has a line break; Session Manager accepts one line of 1 to ${MAX_REASON_LENGTH} characters`,
    );
  if (text.length > MAX_REASON_LENGTH)
    throw usageError(
      `${source}: is ${text.length} characters; Session Manager accepts at most ${MAX_REASON_LENGTH} (StartSession Reason)`,
    );
  return text;
}
