import { GenericContainer, getContainerRuntimeClient } from 'testcontainers';

/**
 * Containers the load phase starts through testcontainers, with what testcontainers has no option
 * for: kernel sysctls (HostConfig.Sysctls) and a container-level stop timeout (StopTimeout).
 * testcontainers' Ryuk reaper is an image pulled from a registry, which these machines cannot
 * reach, so it is disabled and every container carries `io.sysctl-bench.run=<runId>` instead:
 * the driver removes its own, and `removeRunContainers` finds any that were left.
 */

import { runLabel } from './labels.js';

export { invocationLabel, roleLabel, runLabel } from './labels.js';

/** Must be set before testcontainers first looks for its reaper. */
export function disableReaper(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
}

export class SysctlContainer extends GenericContainer {
  private readonly sysctls: Record<string, string>;
  private readonly stopTimeoutS: number | undefined;

  constructor(image: string, options: { sysctls?: Record<string, string>; stopTimeoutS?: number } = {}) {
    super(image);
    disableReaper();
    this.sysctls = { ...(options.sysctls ?? {}) };
    this.stopTimeoutS = options.stopTimeoutS;
    // Our own labels do the cleanup; testcontainers must not try to start its reaper.
    this.withAutoCleanup(false);
  }

  protected override async beforeContainerCreated(): Promise<void> {
    if (Object.keys(this.sysctls).length > 0) this.hostConfig.Sysctls = { ...this.sysctls };
    if (this.stopTimeoutS !== undefined) this.createOpts.StopTimeout = this.stopTimeoutS;
  }
}

/** Splits Docker's multiplexed log stream (8-byte frame headers: stream id, 3 zero bytes, big-endian length). */
export function demuxDockerLogs(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  const looksFramed = buffer.length >= 8 && (buffer[0] === 1 || buffer[0] === 2) && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
  if (!looksFramed) return { stdout: buffer.toString('utf8'), stderr: '' };
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const frame = buffer.subarray(offset + 8, offset + 8 + size);
    if (stream === 2) err.push(frame);
    else out.push(frame);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export interface ExitedContainer {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the deadline passed and the container was killed. */
  killed: boolean;
}

/**
 * Waits for a container to exit, killing it when the deadline passes, then reads its output.
 * Does not remove it: the caller does, in a finally.
 */
export async function waitForExit(containerId: string, deadlineMs: number, signal?: AbortSignal): Promise<ExitedContainer> {
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(containerId);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let killed = false;
  const deadline = new Promise<'deadline' | 'aborted'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
    onAbort = () => resolve('aborted');
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([container.wait() as Promise<{ StatusCode: number }>, deadline]);
    if (outcome === 'deadline' || outcome === 'aborted') {
      killed = true;
      await container.kill().catch(() => undefined);
    }
    // Interrupted: the container is stopped; the caller removes it and the run stops here.
    if (outcome === 'aborted' && signal) throw signal.reason instanceof Error ? signal.reason : new Error('interrupted');
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
  const inspect = await container.inspect();
  const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const { stdout, stderr } = demuxDockerLogs(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)));
  return { exitCode: inspect.State.ExitCode ?? -1, stdout, stderr, killed };
}

/** Force-removes a container; absent is fine. */
export async function removeContainer(containerId: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  await client.container
    .getById(containerId)
    .remove({ force: true, v: true })
    .catch((error: { statusCode?: number }) => {
      if (error?.statusCode !== 404) throw error;
    });
}

/** Removes every container carrying label=value; returns how many. */
export async function removeLabelled(label: string, value: string): Promise<number> {
  const client = await getContainerRuntimeClient();
  const found = await client.container.dockerode.listContainers({ all: true, filters: { label: [`${label}=${value}`] } });
  for (const info of found) await removeContainer(info.Id);
  return found.length;
}

/** Removes every container labelled with this run id (leftovers of a crash); returns how many. */
export function removeRunContainers(runId: string): Promise<number> {
  return removeLabelled(runLabel, runId);
}
