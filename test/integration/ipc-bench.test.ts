import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeContainer, removeRunContainers, runLabel, SysctlContainer, waitForExit } from '../../harness/load/container.js';
import { ipcBenchArgs, ipcMetrics, parseIpcResult, type IpcResult, type IpcSpec } from '../../harness/load/ipc.js';
import { dockerAnswers } from '../../harness/toolchain/docker.js';
import { workloadImageRef } from '../../harness/toolchain/artefacts/workload-images.js';

/**
 * ipc-bench in a container of its own IPC namespace, under this machine's defaults
 * (kernel.msgmax=8192, kernel.sem="32000 1024000000 500 32000") and under the tuning the seed
 * article's operators apply. Docker sets IPC-namespace sysctls with --sysctl, as a pod's
 * securityContext.sysctls does. No network: the containers run with network mode none.
 */

const runId = `it-ipc-${randomBytes(4).toString('hex')}`;
const tuned = { 'kernel.msgmax': '65536', 'kernel.msgmnb': '65536', 'kernel.sem': '32000 1024000000 1000 32000' };
let image = '';
const seen: string[] = [];

async function ipcBench(spec: IpcSpec, sysctls: Record<string, string> = {}): Promise<IpcResult> {
  const container = await new SysctlContainer(image, { sysctls, stopTimeoutS: 2 })
    .withCommand(ipcBenchArgs(spec))
    .withNetworkMode('none')
    .withLabels({ [runLabel]: runId })
    .start();
  try {
    const exited = await waitForExit(container.getId(), 60_000);
    expect(exited.exitCode, exited.stderr).toBe(0);
    const result = parseIpcResult(exited.stdout);
    seen.push(`${Object.keys(sysctls).length ? 'tuned' : 'default'} ${spec.test}: ${JSON.stringify(ipcMetrics(result))}`);
    return result;
  } finally {
    await removeContainer(container.getId());
  }
}

beforeAll(async () => {
  if (!(await dockerAnswers())) throw new Error('no Docker engine answers: run `sudo bash scripts/docker-up.sh` first');
  image = await workloadImageRef('ipc-bench');
});

afterAll(async () => {
  await removeRunContainers(runId).catch(() => undefined);
  for (const line of seen) console.log(`[ipc-bench.test] ${line}`);
});

describe('ipc-bench: message queues', () => {
  const spec: IpcSpec = { test: 'msg', sizes: [4096, 16384], seconds: 1 };

  it('fails 16 KiB messages with EINVAL under kernel.msgmax=8192', async () => {
    const result = await ipcBench(spec);
    if (result.test !== 'msg') throw new Error('expected msg');
    expect(result.limits['kernel.msgmax']).toBe(8192);
    const [small, large] = result.cases;
    expect(small?.ops).toBeGreaterThan(0);
    expect(small?.errors.EINVAL).toBe(0);
    expect(large?.ops).toBe(0);
    expect(large?.errors.EINVAL).toBeGreaterThan(0);
    // kernel.msgmnb=16384 holds four 4 KiB messages.
    expect(small?.queue_fill.messages).toBe(4);
  });

  it('passes them once kernel.msgmax=65536, and the queue holds more under kernel.msgmnb=65536', async () => {
    const result = await ipcBench(spec, tuned);
    if (result.test !== 'msg') throw new Error('expected msg');
    expect(result.limits['kernel.msgmax']).toBe(65536);
    for (const c of result.cases) {
      expect(c.ops).toBeGreaterThan(0);
      expect(c.errors).toEqual({ EINVAL: 0, E2BIG: 0, ENOSPC: 0, EAGAIN: 0, other: 0 });
    }
    expect(result.cases[0]?.queue_fill.messages).toBe(16);
    expect(result.cases[1]?.queue_fill.messages).toBe(4);
  });
});

describe('ipc-bench: semaphores', () => {
  const spec: IpcSpec = { test: 'sem', nsops: [100, 1000], seconds: 1 };

  it('fails semop with 1000 operations with E2BIG under SEMOPM=500', async () => {
    const result = await ipcBench(spec);
    if (result.test !== 'sem') throw new Error('expected sem');
    expect(result.limits.semopm).toBe(500);
    expect(result.cases[0]?.ops).toBeGreaterThan(0);
    expect(result.cases[1]?.ops).toBe(0);
    expect(result.cases[1]?.errors.E2BIG).toBeGreaterThan(0);
    // A set of SEMMSL semaphores is allowed, one more is not.
    expect(result.sets.map((s) => s.ok)).toEqual([true, false]);
    expect(result.sets[1]?.errors.EINVAL).toBe(1);
  });

  it('passes it once SEMOPM=1000', async () => {
    const result = await ipcBench(spec, tuned);
    if (result.test !== 'sem') throw new Error('expected sem');
    expect(result.limits['kernel.sem']).toBe('32000 1024000000 1000 32000');
    for (const c of result.cases) {
      expect(c.ops).toBeGreaterThan(0);
      expect(c.errors.E2BIG).toBe(0);
    }
    expect(ipcMetrics(result).sem_e2big).toBe(0);
  });
});
