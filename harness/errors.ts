/**
 * A mistake in what the user gave us (a file, a flag, a field). The CLI prints it without a stack
 * trace and exits 2; `where` and `fix` are there so that the message always names the place and the cure.
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

/** The run could not be carried out (exit 2), for a reason outside the user's input: Docker down, a build failed. */
export class EnvironmentError extends Error {
  readonly fix: string | undefined;

  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EnvironmentError';
    this.fix = options.fix;
  }
}

/** Exit codes every command shares, so that CI can act on them. */
export const ExitCode = {
  ok: 0,
  expectationsFailed: 1,
  cannotRun: 2,
} as const;
