/**
 * The three ways a command ends badly. Each carries the exit code of SPEC §7 and a message that is
 * one sentence of what went wrong plus the fix; `cli.ts` prints `message` (and `hint`, when set) to
 * stderr without a stack trace unless `--debug`.
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: number, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad flag, bad value, missing value without a terminal: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, 2, hint);
  }
}

/** A check failed, a write was refused, an install failed: exit 1. */
export class FailureError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, 1, hint);
  }
}

/** Ctrl+C at a prompt or during work: "Cancelled", exit 130; `hint` says what was left, if anything. */
export class CancelledError extends CliError {
  constructor(hint?: string) {
    super('Cancelled', 130, hint);
  }
}

/**
 * The command has already said everything (doctor's report ends with its count of failures) and
 * only needs to end with `exitCode`: nothing more is printed.
 */
export class ReportedFailure extends CliError {
  constructor(exitCode = 1) {
    super('', exitCode);
  }
}
