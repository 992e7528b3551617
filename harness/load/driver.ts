import { randomUUID } from 'node:crypto';
import { loadgenImageRef } from '../toolchain/artefacts/workload-images.js';
import { containerDeadlineMs, loadgenArgs, type LoadSpec } from './args.js';
import { invocationLabel, removeContainer, removeLabelled, removeRunContainers, roleLabel, runLabel, SysctlContainer, waitForExit } from './container.js';
import { parseLoadSummary, toMeasurement, type LoadMeasurement, type LoadSummary } from './summary.js';

/**
 * The load phase: loadgen runs as a container on the Docker network the targets are on (the kind
 * network, `kind`, for pods; a test's own network for plain containers), optionally with its own
 * sysctls (e.g. net.ipv4.ip_local_port_range on the client side), bounded in time three ways:
 * loadgen's --max-duration and watchdog, the driver's deadline (then the container is killed),
 * and the container's StopTimeout. The container is removed whatever happens.
 */

export interface LoadDriverOptions {
  /** Labels every container `io.sysctl-bench.run=<runId>`, so that leftovers can be found. */
  runId: string;
  /** Docker network the load generator joins; default `kind`. */
  network?: string;
  /** loadgen image; default: the one built from images/loadgen (built first when missing). */
  image?: string;
}

export interface LoadRunOptions {
  /** Sysctls of the load generator's own network namespace (client side). */
  sysctls?: Record<string, string>;
  /** Extra labels, e.g. workload and variant, for finding the container while it runs. */
  labels?: Record<string, string>;
  /** Ctrl-C: the container is killed and removed, and the run rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface LoadResult extends LoadMeasurement {
  summary: LoadSummary;
  args: string[];
  image: string;
  network: string;
  clientSysctls: Record<string, string>;
  /** loadgen's stderr (warnings; empty on a clean run). */
  stderr: string;
  exitCode: number;
}

export class LoadError extends Error {
  readonly stdout: string;
  readonly stderr: string;
  constructor(message: string, output: { stdout: string; stderr: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoadError';
    this.stdout = output.stdout;
    this.stderr = output.stderr;
  }
}

export class LoadDriver {
  readonly runId: string;
  readonly network: string;
  private readonly image: string | undefined;

  constructor(options: LoadDriverOptions) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(options.runId)) throw new Error(`runId ${JSON.stringify(options.runId)}: letters, digits, '_', '.', '-' only`);
    this.runId = options.runId;
    this.network = options.network ?? 'kind';
    this.image = options.image;
  }

  /** Runs one load measurement and returns its parsed, mapped result. */
  async run(spec: LoadSpec, options: LoadRunOptions = {}): Promise<LoadResult> {
    const args = loadgenArgs(spec);
    const deadlineMs = containerDeadlineMs(spec);
    const image = this.image ?? (await loadgenImageRef());
    const sysctls = { ...(options.sysctls ?? {}) };
    const invocation = randomUUID();
    const container = new SysctlContainer(image, { sysctls, stopTimeoutS: 5 })
      .withCommand(args)
      .withNetworkMode(this.network)
      .withLabels({ ...(options.labels ?? {}), [runLabel]: this.runId, [roleLabel]: 'loadgen', [invocationLabel]: invocation })
      .withStartupTimeout(60_000);

    let containerId: string | undefined;
    try {
      options.signal?.throwIfAborted();
      const started = await container.start();
      containerId = started.getId();
      const exited = await waitForExit(containerId, deadlineMs, options.signal);
      const output = { stdout: exited.stdout, stderr: exited.stderr };
      if (exited.killed) throw new LoadError(`loadgen did not stop within ${deadlineMs} ms and was killed`, output);
      // 0: the run happened; 3: loadgen's watchdog ended it but still printed what it had.
      if (exited.exitCode !== 0 && exited.exitCode !== 3) {
        throw new LoadError(`loadgen exited ${exited.exitCode}: ${exited.stderr.trim().split('\n').slice(-5).join(' | ')}`, output);
      }
      let summary: LoadSummary;
      try {
        summary = parseLoadSummary(exited.stdout);
      } catch (error) {
        throw new LoadError((error as Error).message, output, { cause: error });
      }
      return {
        ...toMeasurement(summary),
        summary,
        args,
        image,
        network: this.network,
        clientSysctls: sysctls,
        stderr: exited.stderr,
        exitCode: exited.exitCode,
      };
    } finally {
      // A start that failed half way leaves a container whose id we never got: find it by label.
      if (containerId) await removeContainer(containerId);
      else await removeLabelled(invocationLabel, invocation);
    }
  }

  /** Removes any container of this run that is still there (after a crash or an interrupt). */
  cleanup(): Promise<number> {
    return removeRunContainers(this.runId);
  }
}

/** One load measurement without keeping a driver around. */
export function runLoad(spec: LoadSpec, options: LoadDriverOptions & LoadRunOptions): Promise<LoadResult> {
  return new LoadDriver(options).run(spec, options);
}
