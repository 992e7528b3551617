import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa, type Options } from 'execa';
import { EnvironmentError } from '../errors.js';
import { findOnPath, goCommand, notInstalledMessage } from './host-programs.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Appends the command's output here instead of returning it; builds are long and their logs are the diagnosis. */
  logFile?: string;
  input?: string | Buffer;
  /** Default: an hour. Nothing sysctl-bench spawns may run unbounded (a `docker` that never answers must not hang a run). */
  timeoutMs?: number;
  /** Return the result even when the command exits non-zero. */
  allowFailure?: boolean;
  /** Stops the program (SIGTERM, then SIGKILL after 5 s) when the run is interrupted; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program with an argument array (never through a shell) and fails with the tail of its
 * output. A program that is not there fails with what to install (from scripts/host-programs.txt),
 * never with a bare "exited 1": on a fresh machine that is the first thing a user meets.
 */
/** Longest any spawned program may run unless its caller says otherwise; the Kubernetes compile sets its own 90 min. */
export const defaultTimeoutMs = 60 * 60_000;

export async function run(requested: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  // `go` may be installed by scripts/install-go.sh in /usr/local/go without being on this PATH.
  const file = requested === 'go' ? (goCommand() ?? 'go') : requested;
  if (options.cwd !== undefined && !existsSync(options.cwd)) {
    throw new Error(`${file} ${args.join(' ')}: its working directory ${options.cwd} does not exist`);
  }
  const execaOptions: Options = {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    reject: false,
    timeout: options.timeoutMs ?? defaultTimeoutMs,
    // A program that ignores SIGTERM at its deadline is killed 5 s later.
    forceKillAfterDelay: 5_000,
    input: options.input,
    stripFinalNewline: true,
    encoding: 'utf8',
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  };
  let sink: ReturnType<typeof createWriteStream> | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    sink = createWriteStream(options.logFile, { flags: 'a' });
    // Timestamps: the log is where a slow build's time is read back from, step by step.
    sink.write(`\n[${new Date().toISOString()}] $ ${file} ${args.join(' ')}\n`);
  }
  const child = execa(file, args, { ...execaOptions, all: true, buffer: true });
  if (sink) child.all?.pipe(sink, { end: false });
  const result = await child;
  if (result.code === 'ENOENT' && result.exitCode === undefined) {
    const missing = notInstalledMessage(requested);
    sink?.end(`${missing}\n`);
    // As a shell would say it (127), for callers that look at the exit code themselves.
    if (options.allowFailure) return { exitCode: 127, stdout: '', stderr: missing };
    throw new EnvironmentError(missing);
  }
  sink?.end(`[${new Date().toISOString()}] exit ${result.exitCode ?? (result.timedOut ? 'timeout' : 'failed')}\n`);
  if (result.isCanceled && options.signal?.aborted) {
    throw options.signal.reason instanceof Error ? options.signal.reason : new EnvironmentError(`${file} was stopped: the run was interrupted`);
  }
  const out: RunResult = {
    exitCode: result.exitCode ?? (result.failed ? 1 : 0),
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
  };
  if (out.exitCode !== 0 && !options.allowFailure) {
    const tail = (String(result.all ?? '') || out.stderr || out.stdout).split('\n').slice(-15).join('\n');
    const reason = result.timedOut ? `timed out after ${options.timeoutMs ?? defaultTimeoutMs} ms` : `exited ${out.exitCode}`;
    throw new EnvironmentError(`${file} ${args.join(' ')} ${reason}\n${tail}`, {
      fix: options.logFile ? `see the full log: ${options.logFile}` : undefined,
    });
  }
  return out;
}

/** True when a program is on PATH (`go` also when scripts/install-go.sh put it in /usr/local/go). */
export async function onPath(program: string): Promise<boolean> {
  if (program === 'go') return goCommand() !== undefined;
  return findOnPath(program) !== undefined;
}
