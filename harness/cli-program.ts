import { Command } from 'commander';
import { EnvironmentError, EXIT_CODES_HELP, ExitCode, UserError } from './errors.js';
import { registerValidate } from './commands/validate.js';
import { registerDoctor } from './commands/doctor.js';
import { registerRun } from './commands/run.js';
import { registerReport } from './commands/report.js';
import { registerPlan } from './commands/plan.js';
import { registerImages } from './commands/images.js';
import { registerClean } from './commands/clean.js';
import { buildInfo, formatBuildInfo } from './version.js';
// Messages quote input (file names, values): printed with its control characters made visible.
import { forTerminal } from './text/terminal.js';

// `sysctl-bench ... | head` closes the pipe early: that is the reader being done, not an error.
// A run in progress (it listens for SIGTERM) is stopped as by SIGTERM instead, so that it still
// removes its clusters and puts the host kernel back; exiting here would leave them behind.
let readerGone = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (readerGone && error.code === 'ERR_STREAM_DESTROYED') return;
  if (error.code !== 'EPIPE') throw error;
  if (process.listenerCount('SIGTERM') === 0) process.exit(process.exitCode ?? 0);
  if (!readerGone) {
    readerGone = true;
    process.emit('SIGTERM', 'SIGTERM');
  }
});

const program = new Command()
  .name('sysctl-bench')
  .description('Prove Linux kernel tuning (pod sysctls) for Kubernetes on real kind clusters, and report it.')
  .showHelpAfterError()
  .option('-V, --version', 'print the version and git commit of sysctl-bench')
  .on('option:version', () => {
    process.stdout.write(`sysctl-bench ${formatBuildInfo(buildInfo())}\n`);
    process.exit(ExitCode.ok);
  })
  .addHelpText('after', `\n${EXIT_CODES_HELP}\n  (validate: 0 every workload admitted, 1 some would be rejected, 2 the input is wrong; see its --help)`)
  .exitOverride();

registerValidate(program);
registerDoctor(program);
registerPlan(program);
registerRun(program);
registerReport(program);
registerImages(program);
registerClean(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}

function reportFailure(error: unknown): number {
  if (isCommanderExit(error)) return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
  if (error instanceof UserError) {
    process.stderr.write(forTerminal(`error: ${error.describe()}\n`));
    return ExitCode.badInput;
  }
  if (error instanceof EnvironmentError) {
    process.stderr.write(forTerminal(`cannot run: ${error.message}${error.fix ? `\n  fix: ${error.fix}` : ''}\n`));
    return ExitCode.cannotRun;
  }
  // A bug of ours, not the user's: keep the stack so that it can be reported. Not the user's input
  // (2); the run could not be carried out (3).
  process.stderr.write(forTerminal(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
  return ExitCode.cannotRun;
}

function isCommanderExit(error: unknown): error is { exitCode: number; code: string } {
  return typeof error === 'object' && error !== null && 'code' in error && 'exitCode' in error
    && String((error as { code: unknown }).code).startsWith('commander.');
}
