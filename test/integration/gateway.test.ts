import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wait, type StartedTestContainer } from 'testcontainers';
import { networkMetrics } from '../../harness/counters/catalogue.js';
import { counterDeltas } from '../../harness/counters/parse.js';
import { readNetworkCounters } from '../../harness/counters/read.js';
import { LoadDriver, type LoadResult } from '../../harness/load/driver.js';
import { removeRunContainers, runLabel, SysctlContainer } from '../../harness/load/container.js';
import { DockerExecNode } from '../../harness/provider/kind/docker-node.js';
import { dockerAnswers } from '../../harness/toolchain/docker.js';
import { run } from '../../harness/toolchain/exec.js';
import { loadgenImageRef, workloadImageRef } from '../../harness/toolchain/artefacts/workload-images.js';

/**
 * The connection-churn proof's mechanism on a real Docker engine: the gateway calls a keep-alive
 * backend on a new connection per request and closes first, so its TIME-WAIT sockets hold its
 * local ports. With 300 ports and 150 calls a second, tcp_tw_reuse=0 runs out (502s) and the
 * kernel reuses no TIME-WAIT socket; with tcp_tw_reuse=1 it reuses them and every call succeeds.
 * The counters are the gateway's own namespace's, read through a host-PID "node" container.
 */

const runId = `it-gateway-${randomBytes(4).toString('hex')}`;
const network = `sysctl-bench-${runId}`;
const agentName = `sysctl-bench-${runId}-agent`;
const ports = '40000 40299';
let driver: LoadDriver;
let backend: StartedTestContainer | undefined;
let gatewayImage = '';
const seen: string[] = [];

beforeAll(async () => {
  if (!(await dockerAnswers())) throw new Error('no Docker engine answers: run `sudo bash scripts/docker-up.sh` first');
  const netServer = await workloadImageRef('net-server');
  gatewayImage = await workloadImageRef('gateway');
  driver = new LoadDriver({ runId, network, image: await loadgenImageRef() });
  await run('docker', ['network', 'create', '--label', `${runLabel}=${runId}`, network]);
  backend = await new SysctlContainer(netServer, { sysctls: {}, stopTimeoutS: 2 })
    .withNetworkMode(network)
    .withEnvironment({ PORT: '8080', BACKLOG: '4096', KEEP_ALIVE: '1' })
    .withLabels({ [runLabel]: runId })
    .withWaitStrategy(Wait.forLogMessage(/"event":"start"/))
    .start();
  await run('docker', ['run', '-d', '--name', agentName, '--label', `${runLabel}=${runId}`, '--privileged', '--pid=host', '--network=none', '--entrypoint', 'sleep', netServer, '600']);
});

afterAll(async () => {
  await backend?.stop({ timeout: 2 }).catch(() => undefined);
  await run('docker', ['rm', '-f', agentName], { allowFailure: true });
  await removeRunContainers(runId).catch(() => undefined);
  await run('docker', ['network', 'rm', network], { allowFailure: true });
  for (const line of seen) console.log(`[gateway.test] ${line}`);
});

async function churn(twReuse: '0' | '1'): Promise<{ load: LoadResult; kernel: Record<string, number> }> {
  if (!backend) throw new Error('no backend');
  const gateway = await new SysctlContainer(gatewayImage, { sysctls: { 'net.ipv4.ip_local_port_range': ports, 'net.ipv4.tcp_tw_reuse': twReuse }, stopTimeoutS: 2 })
    .withNetworkMode(network)
    .withEnvironment({ UPSTREAM: `${backend.getIpAddress(network)}:8080` })
    .withLabels({ [runLabel]: runId })
    .withWaitStrategy(Wait.forLogMessage(/"event":"start"/))
    .start();
  try {
    const node = new DockerExecNode(agentName);
    const pod = { pod: `gateway tw_reuse=${twReuse}`, containerId: `docker://${gateway.getId()}` };
    const before = await readNetworkCounters(node, pod);
    const load = await driver.run({ mode: 'rate', target: `http://${gateway.getIpAddress(network)}:8080/`, rate: 150, durationMs: 6_000, connectTimeoutMs: 3_000, timeoutMs: 8_000, maxDurationMs: 60_000 });
    const after = await readNetworkCounters(node, pod, before.pid);
    const kernel = networkMetrics(counterDeltas(before.counters, after.counters));
    seen.push(`tw_reuse=${twReuse}: requests ${load.metrics.requests}, completed ${load.metrics.completed}, errors ${load.metrics.errors} (http ${load.metrics.http_errors}), `
      + `kernel: opened ${kernel.kernel_connections_opened}, TIME-WAIT entered ${kernel.kernel_time_wait_entered}, reused ${kernel.kernel_time_wait_reused}`);
    return { load, kernel };
  } finally {
    await gateway.stop({ timeout: 2 });
  }
}

describe('gateway: a new upstream connection per call, closed first', () => {
  it('runs out of ports without tcp_tw_reuse and reuses TIME-WAIT sockets with it', async () => {
    const baseline = await churn('0');
    const tuned = await churn('1');
    // 900 calls through 300 ports: without reuse the calls past the 300th find no port.
    expect(baseline.load.metrics.requests).toBe(900);
    expect(baseline.load.metrics.http_errors).toBeGreaterThan(300);
    expect(baseline.kernel.kernel_connections_opened).toBeLessThanOrEqual(300);
    expect(baseline.kernel.kernel_time_wait_reused).toBe(0);
    // With reuse, every call gets a port: the kernel took over TIME-WAIT sockets to do it.
    expect(tuned.load.metrics.errors).toBe(0);
    expect(tuned.kernel.kernel_connections_opened).toBe(900);
    expect(tuned.kernel.kernel_time_wait_reused).toBeGreaterThan(300);
    // Each call's connection entered TIME-WAIT on the gateway's side: it closed first.
    expect(tuned.kernel.kernel_time_wait_entered).toBeGreaterThanOrEqual(tuned.kernel.kernel_connections_opened ?? 0);
  });
});
