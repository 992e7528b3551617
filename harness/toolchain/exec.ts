import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa, type Options } from 'execa';
import { EnvironmentError } from '../errors.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Appends the command's output here instead of returning it; builds are long and their logs are the diagnosis. */
  logFile?: string;
  input?: string | Buffer;
  timeoutMs?: number;
  /** Return the result even when the command exits non-zero. */
  allowFailure?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with an argument array (never through a shell) and fails with the tail of its output. */
export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const execaOptions: Options = {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    reject: false,
    timeout: options.timeoutMs,
    input: options.input,
    stripFinalNewline: true,
    encoding: 'utf8',
  };
  let sink: ReturnType<typeof createWriteStream> | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    sink = createWriteStream(options.logFile, { flags: 'a' });
    sink.write(`\n$ ${file} ${args.join(' ')}\n`);
  }
  const child = execa(file, args, { ...execaOptions, all: true, buffer: true });
  if (sink) child.all?.pipe(sink, { end: false });
  const result = await child;
  sink?.end();
  const out: RunResult = {
    exitCode: result.exitCode ?? (result.failed ? 1 : 0),
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
  };
  if (out.exitCode !== 0 && !options.allowFailure) {
    const tail = (String(result.all ?? '') || out.stderr || out.stdout).split('\n').slice(-15).join('\n');
    const reason = result.timedOut ? `timed out after ${options.timeoutMs} ms` : `exited ${out.exitCode}`;
    throw new EnvironmentError(`${file} ${args.join(' ')} ${reason}\n${tail}`, {
      fix: options.logFile ? `see the full log: ${options.logFile}` : undefined,
    });
  }
  return out;
}

/** True when a program is on PATH. */
export async function onPath(program: string): Promise<boolean> {
  const found = await run('sh', ['-c', 'command -v "$1"', 'sh', program], { allowFailure: true });
  return found.exitCode === 0;
}
