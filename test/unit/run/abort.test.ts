import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { connect } from '../../../harness/kube/client.js';
import { Interrupted, poll, sleep } from '../../../harness/run/abort.js';
import { run } from '../../../harness/toolchain/exec.js';

/** Ctrl-C must reach every kind of wait a phase can be in: a program, a Kubernetes request, a sleep, a poll. */
const servers: Server[] = [];
afterAll(() => servers.forEach((server) => server.close()));

/** An API server that accepts requests and never answers. */
async function silentServer(): Promise<string> {
  const server = createServer(() => {});
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe('the run signal', () => {
  it('stops a spawned program and rejects with the reason', async () => {
    const controller = new AbortController();
    // Node itself as the long-running program: it is there wherever the tests run.
    const running = run(process.execPath, ['-e', 'setTimeout(() => {}, 600_000)'], { signal: controller.signal });
    setTimeout(() => controller.abort(new Interrupted('SIGINT')), 50);
    await expect(running).rejects.toThrow('interrupted by SIGINT');
  });

  it('aborts a Kubernetes request in flight', async () => {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: await silentServer(), skipTLSVerify: true }], users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x',
    });
    const controller = new AbortController();
    const request = connect(config, controller.signal).core.listNode();
    setTimeout(() => controller.abort(new Interrupted('SIGINT')), 50);
    await expect(request).rejects.toThrow();
    expect(controller.signal.aborted).toBe(true);
  });

  it('ends sleeps and polls', async () => {
    const controller = new AbortController();
    const sleeping = sleep(600_000, controller.signal);
    const polling = poll(async () => undefined, { timeoutMs: 600_000, intervalMs: 1_000, signal: controller.signal });
    controller.abort(new Interrupted('SIGTERM'));
    await expect(sleeping).rejects.toThrow('interrupted by SIGTERM');
    await expect(polling).rejects.toThrow('interrupted by SIGTERM');
  });

  it('a poll that finds nothing in time says so with undefined', async () => {
    expect(await poll(async () => undefined, { timeoutMs: 0, intervalMs: 1_000 })).toBeUndefined();
    expect(await poll(async () => 'found', { timeoutMs: 0, intervalMs: 1_000 })).toBe('found');
  });
});
