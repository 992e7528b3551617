// A CLI entry with only `validate` registered, mirroring harness/cli.ts's error handling. The CLI
// tests use bin/sysctl-bench when every command module it imports exists, and this otherwise,
// so that the validate tests do not depend on the progress of other commands.
import { Command } from 'commander';
import { registerValidate } from '../../../harness/commands/validate.js';
import { UserError } from '../../../harness/errors.js';

const program = new Command().name('sysctl-bench').exitOverride();
registerValidate(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof UserError) {
    process.stderr.write(`error: ${error.describe()}\n`);
    process.exitCode = 2;
  } else if (typeof error === 'object' && error !== null && 'exitCode' in error) {
    process.exitCode = (error as { exitCode: number }).exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  }
}
