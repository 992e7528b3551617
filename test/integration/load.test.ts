import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wait, type StartedTestContainer } from 'testcontainers';
import { LoadDriver, type LoadResult } from '../../harness/load/driver.js';
import { removeRunContainers, runLabel, SysctlContainer } from '../../harness/load/container.js';
import { histogramOf, percentileMs } from '../../harness/load/histogram.js';
import { mergeLoadSummaries, toMeasurement } from '../../harness/load/summary.js';
import { dockerAnswers } from '../../harness/toolchain/docker.js';
import { run } from '../../harness/toolchain/exec.js';
import { loadgenImageRef, workloadImageRef } from '../../harness/toolchain/artefacts/workload-images.js';

/**
 * The effect sysctl-bench exists to show, on a real Docker engine: net-server accepts 200
 * connections a second from one loop; 1,500 connections arrive at once. With
 * net.core.somaxconn=16 the kernel's accept queue holds 16 of them and drops the other SYNs, so
 * clients wait for SYN retransmissions (1 s, then 3 s) or time out; with 4096 every connection is
 * queued at once. Only containers and a network this file creates are ever targeted.
 */

const runId = `it-load-${randomBytes(4).toString('hex')}`;
const network = `sysctl-bench-${runId}`;
const burst = 1500;
const acceptRate = 200;

let netServerImage = '';
let driver: LoadDriver;
const results = new Map<string, LoadResult>();

async function startNetServer(somaxconn: number, env: Record<string, string> = {}): Promise<{ container: StartedTestContainer; ip: string }> {
  const container = await new SysctlContainer(netServerImage, { sysctls: { 'net.core.somaxconn': String(somaxconn) }, stopTimeoutS: 2 })
    .withNetworkMode(network)
    .withEnvironment({ PORT: '8080', BACKLOG: '65535', ACCEPT_RATE: String(acceptRate), ...env })
    .withLabels({ [runLabel]: runId })
    .withWaitStrategy(Wait.forLogMessage(/"event":"start"/))
    .withStartupTimeout(60_000)
    .start();
  return { container, ip: container.getIpAddress(network) };
}

async function logsOf(container: StartedTestContainer): Promise<string> {
  const stream = await container.logs();
  let text = '';
  await new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer | string) => {
      text += String(chunk);
      if (text.includes('"event":"start"')) resolve();
    });
    stream.on('end', () => resolve());
    setTimeout(resolve, 5_000);
  });
  (stream as unknown as { destroy?: () => void }).destroy?.();
  return text;
}

async function burstAgainst(somaxconn: number): Promise<LoadResult> {
  const server = await startNetServer(somaxconn);
  try {
    const start = JSON.parse((await logsOf(server.container)).split('\n').find((l) => l.includes('"event":"start"')) ?? '{}') as Record<string, unknown>;
    // The server's own view of the sysctl, read inside its network namespace.
    expect(start['net.core.somaxconn']).toBe(String(somaxconn));
    return await driver.run(
      { mode: 'burst', target: `http://${server.ip}:8080/`, connections: burst, connectTimeoutMs: 5_000, timeoutMs: 15_000, maxDurationMs: 60_000 },
      { labels: { 'io.sysctl-bench.variant': `somaxconn-${somaxconn}` } },
    );
  } finally {
    await server.container.stop({ timeout: 2 });
  }
}

beforeAll(async () => {
  if (!(await dockerAnswers())) throw new Error('no Docker engine answers: run `sudo bash scripts/docker-up.sh` first');
  netServerImage = await workloadImageRef('net-server');
  driver = new LoadDriver({ runId, network, image: await loadgenImageRef() });
  await run('docker', ['network', 'create', '--label', `${runLabel}=${runId}`, network]);
});

afterAll(async () => {
  // Everything this file made, even when a test failed half way.
  await removeRunContainers(runId).catch(() => undefined);
  await run('docker', ['network', 'rm', network], { allowFailure: true });
  for (const [variant, r] of results) {
    const m = r.metrics;
    console.log(
      `[load.test] ${variant}: connected ${m.connected}/${m.requests}, completed ${m.completed}, errors ${m.errors} (timeouts ${m.timeouts}, refused ${m.refused}, resets ${m.resets}), ` +
        `connect p50 ${m.connect_p50_ms} ms p99 ${m.connect_p99_ms} ms max ${m.connect_max_ms} ms, total p90 ${m.total_p90_ms} ms p99 ${m.total_p99_ms} ms, ` +
        `${m.latency_p90_ms === undefined ? '' : `latency from schedule p90 ${m.latency_p90_ms} ms p99 ${m.latency_p99_ms} ms, `}rps ${m.rps}, ` +
        `generator CPU ${r.generator.cpuPercent}% saturated ${r.generator.saturated}`,
    );
  }
});

describe('net-server under a connection burst, net.core.somaxconn 16 vs 4096', () => {
  it('somaxconn=16 drops SYNs that somaxconn=4096 queues', async () => {
    const baseline = await burstAgainst(16);
    results.set('somaxconn=16', baseline);
    const tuned = await burstAgainst(4096);
    results.set('somaxconn=4096', tuned);

    expect(baseline.summary.requests).toBe(burst);
    expect(tuned.summary.requests).toBe(burst);
    // 4096: the whole burst fits in the accept queue; every connect succeeds at once.
    expect(tuned.metrics.connected).toBe(burst);
    expect(tuned.metrics.errors).toBe(0);
    // 16: the queue overflows, so SYNs are dropped and retransmitted (the kernel's initial RTO is
    // 1 s) or the connect times out: more errors, or a p99 connect at least one retransmission long.
    expect(baseline.metrics.errors > tuned.metrics.errors || baseline.metrics.connect_p99_ms > tuned.metrics.connect_p99_ms).toBe(true);
    expect(baseline.metrics.connect_p99_ms).toBeGreaterThan(900);
    expect(baseline.metrics.connect_p99_ms).toBeGreaterThan(tuned.metrics.connect_p99_ms);
    // The generator kept up: the difference is the server's kernel, not the client.
    expect(tuned.summary.dropped).toBe(0);
    // The driver removed its loadgen containers.
    const left = await run('docker', ['ps', '-aq', '--filter', `label=${runLabel}=${runId}`, '--filter', 'label=io.sysctl-bench.role=loadgen']);
    expect(left.stdout.trim()).toBe('');
  });

  it('keeps an open-model arrival rate and reports a per-second series', async () => {
    const server = await startNetServer(4096);
    try {
      const r = await driver.run({ mode: 'rate', target: `http://${server.ip}:8080/`, rate: 100, durationMs: 3_000, timeoutMs: 5_000, maxDurationMs: 30_000 });
      results.set('rate 100/s, somaxconn=4096', r);
      expect(r.summary.requests).toBe(300);
      expect(r.metrics.completed).toBe(300);
      expect(r.summary.dropped).toBe(0);
      expect(r.series.t.length).toBeGreaterThanOrEqual(3);
      expect(r.series.values.completed?.reduce((a, b) => a + b, 0)).toBe(300);
    } finally {
      await server.container.stop({ timeout: 2 });
    }
  });

  it('applies client sysctls: a narrow ip_local_port_range runs the load generator out of ports', async () => {
    const server = await startNetServer(4096);
    try {
      const r = await driver.run(
        { mode: 'burst', target: `http://${server.ip}:8080/`, connections: 300, connectTimeoutMs: 3_000, timeoutMs: 8_000, maxDurationMs: 30_000 },
        { sysctls: { 'net.ipv4.ip_local_port_range': '40000 40049' } },
      );
      results.set('burst 300, client ports 40000-40049', r);
      expect(r.clientSysctls['net.ipv4.ip_local_port_range']).toBe('40000 40049');
      expect(r.metrics.port_exhaustion).toBeGreaterThan(0);
      expect(r.metrics.connected).toBeLessThan(300);
    } finally {
      await server.container.stop({ timeout: 2 });
    }
  });
});

describe('load shapes a review asks for', () => {
  it('shows a server stall in latency from the scheduled time that service time hides', async () => {
    // net-server holds every request that arrives in the first 400 ms of each second. Two kept-alive
    // connections carry 100 arrivals a second: during a stall both are held, the arrivals of those
    // 400 ms queue for a free connection, and once it ends they are served in a millisecond or two.
    const stallMs = 400;
    const server = await startNetServer(4096, { KEEP_ALIVE: '1', STALL_EVERY_MS: '1000', STALL_MS: String(stallMs) });
    try {
      const r = await driver.run({ mode: 'keepalive', target: `http://${server.ip}:8080/`, connections: 2, rate: 100, durationMs: 3_000, timeoutMs: 5_000, maxDurationMs: 30_000 });
      results.set('keepalive 2 connections at 100/s, server stalls 400 ms a second', r);
      expect(r.summary.planned).toBe(300);
      expect(r.metrics.completed).toBe(300);
      expect(r.metrics.connected).toBe(2);
      expect(r.metrics.reconnects).toBe(0);
      // Service time: only the few requests that were on a connection when a stall began are slow.
      // Latency from the scheduled time: about 40 % of the arrivals waited, up to the whole stall.
      expect(r.metrics.latency_p90_ms).toBeGreaterThan(stallMs / 2);
      expect(r.metrics.latency_p90_ms).toBeGreaterThan(4 * r.metrics.total_p90_ms);
      expect(r.metrics.latency_p50_ms).toBeGreaterThanOrEqual(r.metrics.total_p50_ms);
      expect(r.series.values.latency_p99_ms?.some((v) => v > stallMs / 2)).toBe(true);
      // The queueing is the server's doing: the generator itself kept up.
      expect(r.generator.saturated).toBe(false);
    } finally {
      await server.container.stop({ timeout: 2 });
    }
  });

  it('merges two load generators exactly: the percentiles of the union of their samples', async () => {
    const server = await startNetServer(4096);
    try {
      const target = `http://${server.ip}:8080/`;
      // A ramp split over two loadgen containers that start together at one barrier.
      const startAtMs = Date.now() + 10_000;
      const spec = { mode: 'ramp' as const, target, startRate: 0, stages: [{ durationMs: 1_000, target: 100 }, { durationMs: 1_000, target: 100 }], samples: 1_000, maxDurationMs: 30_000, startAtMs };
      const [a, b] = await Promise.all([0, 1].map((index) => driver.run({ ...spec, shard: { index, count: 2 } })));
      const merged = mergeLoadSummaries([a!.summary, b!.summary]);
      const m = toMeasurement(merged);
      results.set('ramp 0 -> 100/s over 2 shards (merged)', { ...a!, ...m });
      expect(merged.planned).toBe(150);
      expect(merged.requests + merged.dropped).toBe(150);
      for (const shard of [a!, b!]) expect(shard.summary.started_at_unix_ms).toBeGreaterThanOrEqual(startAtMs);
      // Every connect time of both runs is in their samples: the histogram of their union is the merge.
      expect(a!.summary.samples.connect_ms).toHaveLength(a!.summary.connected);
      expect(b!.summary.samples.connect_ms).toHaveLength(b!.summary.connected);
      const union = histogramOf([...a!.summary.samples.connect_ms, ...b!.summary.samples.connect_ms].map((ms) => Math.round(ms * 1000)));
      expect(merged.histograms.connect).toEqual(union);
      for (const p of [50, 90, 99] as const) expect(m.metrics[`connect_p${p}_ms`]).toBe(percentileMs(union, p));
      expect(m.metrics.connect_max_ms).toBe(Math.max(a!.metrics.connect_max_ms, b!.metrics.connect_max_ms));
      expect(m.metrics.completed).toBe(a!.metrics.completed + b!.metrics.completed);
      expect(m.generator.shards.map((s) => s.index)).toEqual([0, 1]);
    } finally {
      await server.container.stop({ timeout: 2 });
    }
  });
});
