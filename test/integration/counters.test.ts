import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wait, type StartedTestContainer } from 'testcontainers';
import { networkMetrics } from '../../harness/counters/catalogue.js';
import { counterDeltas, parseProcNet } from '../../harness/counters/parse.js';
import { readNetworkCounters } from '../../harness/counters/read.js';
import { LoadDriver } from '../../harness/load/driver.js';
import { removeRunContainers, runLabel, SysctlContainer } from '../../harness/load/container.js';
import { DockerExecNode } from '../../harness/provider/kind/docker-node.js';
import { dockerAnswers } from '../../harness/toolchain/docker.js';
import { run } from '../../harness/toolchain/exec.js';
import { loadgenImageRef, workloadImageRef } from '../../harness/toolchain/artefacts/workload-images.js';

/**
 * Kernel counters of a container's own network namespace, read the way a run reads a pod's: through
 * a "node" that sees the container's processes (here a privileged container in the machine's PID
 * namespace, as the node agent on an existing cluster is), finding the container's process by its
 * id and reading /proc/<pid>/net/netstat. A burst against a server whose accept queue holds 16
 * connections must show as accept-queue overflows there, and not in this machine's own namespace.
 */

const runId = `it-counters-${randomBytes(4).toString('hex')}`;
const network = `sysctl-bench-${runId}`;
const agentName = `sysctl-bench-${runId}-agent`;
let netServerImage = '';
let driver: LoadDriver;
let server: StartedTestContainer | undefined;

function hostCounters(): Map<string, bigint> {
  return new Map([...parseProcNet(readFileSync('/proc/net/netstat', 'utf8')), ...parseProcNet(readFileSync('/proc/net/snmp', 'utf8'))]);
}

beforeAll(async () => {
  if (!(await dockerAnswers())) throw new Error('no Docker engine answers: run `sudo bash scripts/docker-up.sh` first');
  netServerImage = await workloadImageRef('net-server');
  driver = new LoadDriver({ runId, network, image: await loadgenImageRef() });
  await run('docker', ['network', 'create', '--label', `${runLabel}=${runId}`, network]);
  server = await new SysctlContainer(netServerImage, { sysctls: { 'net.core.somaxconn': '16' }, stopTimeoutS: 2 })
    .withNetworkMode(network)
    .withEnvironment({ PORT: '8080', BACKLOG: '65535', ACCEPT_RATE: '200' })
    .withLabels({ [runLabel]: runId })
    .withWaitStrategy(Wait.forLogMessage(/"event":"start"/))
    .withStartupTimeout(60_000)
    .start();
  // The "node": sees every process of the machine, as a host-PID node agent pod does.
  await run('docker', ['run', '-d', '--name', agentName, '--label', `${runLabel}=${runId}`, '--privileged', '--pid=host', '--network=none', '--entrypoint', 'sleep', netServerImage, '600']);
});

afterAll(async () => {
  await server?.stop({ timeout: 2 }).catch(() => undefined);
  await run('docker', ['rm', '-f', agentName], { allowFailure: true });
  await removeRunContainers(runId).catch(() => undefined);
  await run('docker', ['network', 'rm', network], { allowFailure: true });
});

describe('kernel counters from a container\'s own network namespace', () => {
  it('count the accept-queue overflows of a burst in the server\'s namespace, not in the machine\'s', async () => {
    if (!server) throw new Error('no server');
    const node = new DockerExecNode(agentName);
    const pod = { pod: 'net-server', containerId: `docker://${server.getId()}` };
    const before = await readNetworkCounters(node, pod);
    const hostBefore = hostCounters();
    const load = await driver.run({ mode: 'burst', target: `http://${server.getIpAddress(network)}:8080/`, connections: 1500, connectTimeoutMs: 5_000, timeoutMs: 15_000, maxDurationMs: 60_000 });
    const hostAfter = hostCounters();
    // The hint is the PID found before: the second reading checks it instead of searching.
    const after = await readNetworkCounters(node, pod, before.pid);
    expect(after.pid).toBe(before.pid);

    const pod_ = networkMetrics(counterDeltas(before.counters, after.counters));
    const host = networkMetrics(counterDeltas(hostBefore, hostAfter));
    console.log(`[counters.test] server namespace: ${JSON.stringify(pod_)}; machine: overflows ${host.kernel_listen_overflows}, accepted ${host.kernel_connections_accepted}; loadgen: connected ${load.metrics.connected}, errors ${load.metrics.errors}, connect p99 ${load.metrics.connect_p99_ms} ms`);

    // The queue of 16 overflowed: the server's namespace counted it, and SYN-ACKs or SYNs were retransmitted.
    expect(pod_.kernel_listen_overflows).toBeGreaterThan(50);
    expect(pod_.kernel_listen_drops).toBeGreaterThanOrEqual(pod_.kernel_listen_overflows ?? 0);
    // Every request answered was a connection the server's namespace completed (a passive open).
    // Not every connection the client saw complete: with the queue full the kernel drops the
    // handshake's last ACK (or answers with a SYN cookie it cannot queue), the client believes it
    // is connected and waits for an answer that never comes.
    expect(load.metrics.completed).toBeGreaterThan(0);
    expect(pod_.kernel_connections_accepted).toBeGreaterThanOrEqual(load.metrics.completed);
    // The machine's own namespace did not move with them: the reading is the container's.
    expect(host.kernel_listen_overflows).toBeLessThan((pod_.kernel_listen_overflows ?? 0) / 10);
    expect(host.kernel_connections_accepted).toBeLessThan((pod_.kernel_connections_accepted ?? 0) / 10);
  });

  it('says so when no process of the container runs on the node', async () => {
    const node = new DockerExecNode(agentName);
    await expect(readNetworkCounters(node, { pod: 'gone', containerId: `docker://${'0'.repeat(64)}` })).rejects.toThrow(/no process of container 0{64} on this node/);
  });
});
