/**
 * The failures an operator can act on. The program prints their message as is (never a stack trace) and exits with
 * their code; anything else is reported as an unexpected error in one line.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** 1: the request cannot be done (no match, denied, offline); 2: bad usage or input. */
    public readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Bad command-line input: exit code 2, like commander's own usage errors. */
export const usageError = (message: string) => new CliError(message, 2);
