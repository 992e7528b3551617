/**
 * A mistake in what the user gave us (a file, a flag, a field). The CLI prints it without a stack
 * trace and exits 2 (ExitCode.badInput); `where` and `fix` are there so that the message always names the place and the cure.
 */
export class UserError extends Error {
  readonly where: string | undefined;
  readonly fix: string | undefined;

  constructor(message: string, options: { where?: string; fix?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.where = options.where;
    this.fix = options.fix;
  }

  /** One line for people: `where: message (fix: ...)`. */
  describe(): string {
    const place = this.where ? `${this.where}: ` : '';
    const cure = this.fix ? `\n  fix: ${this.fix}` : '';
    return `${place}${this.message}${cure}`;
  }
}

/** The run could not be carried out (exit 3), for a reason outside the user's input: Docker down, a build failed. */
export class EnvironmentError extends Error {
  readonly fix: string | undefined;

  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EnvironmentError';
    this.fix = options.fix;
  }
}

/**
 * Exit codes every command shares, so that CI can act on them: 0 everything held, 1 an expectation
 * failed (a prediction, a proof, a threshold, a regression the scenario fails on; for `validate`, a
 * workload would be rejected), 2 the input or the flags are wrong (a UserError, a commander error),
 * 3 the environment could not run it (an EnvironmentError: Docker down, a build failed; or a bug).
 */
export const ExitCode = {
  ok: 0,
  expectationsFailed: 1,
  badInput: 2,
  cannotRun: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The table above in words, for `--help` of every command that exits with it. */
export const EXIT_CODES_HELP = `Exit codes:
  0  every expectation held
  1  an expectation failed (admission prediction, isolation proof, threshold, or a regression
     the scenario fails on); the reports list which
  2  the input or the flags are wrong (the message names the file, the field and the fix)
  3  the environment could not run it (Docker not running, a build or the cluster failed)`;
