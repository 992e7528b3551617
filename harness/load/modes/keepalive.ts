import { z } from 'zod';
import { commonLoadMetrics, keepaliveMetrics, latencyMetrics } from '../metrics.js';
import { checkOpenLoad, checkRate, constantArrivals, LoadDuration, durationMs, goDuration, largestShare, positiveInt, scaled, type LoadMode } from './types.js';

/**
 * keepalive: N connections kept open, each sending one request after another for `duration`
 * (k6's constant-vus: a closed model). With `rate`, the same connections carry an open model
 * instead (as wrk2 does): arrivals are scheduled at the rate, each takes the next free connection,
 * and latency counts from its scheduled time, so a server stall that holds every connection shows
 * as the queueing it causes; the closed model would record only the few requests that were in
 * flight (coordinated omission). The server must keep connections open (net-server: keepAlive: 1);
 * when it closes them, loadgen reconnects and counts `reconnects`.
 */
export const KeepaliveFields = z.strictObject({
  mode: z.literal('keepalive'),
  connections: z.number().int().min(1).describe('Connections kept open (all load generators together).'),
  duration: LoadDuration.describe('How long the connections send requests.'),
  rate: z.number().positive().max(100_000).optional().describe(
    'Requests per second over those connections (an open model; latency from the scheduled time). Without it each connection sends its next request as soon as the last one is answered.',
  ),
}).describe('keepalive: N kept-alive connections looping requests (closed model), or carrying a fixed arrival rate.');

export type KeepaliveEntry = z.output<typeof KeepaliveFields>;

export interface KeepaliveLoad {
  mode: 'keepalive';
  target: string;
  /** Connections kept open, over all load generators. */
  connections: number;
  durationMs: number;
  /** Requests per second over all connections; absent: a closed loop. */
  rate?: number;
}

export const keepaliveMode = {
  name: 'keepalive',
  title: 'N kept-alive connections looping requests (closed model), or carrying a fixed arrival rate',
  fields: KeepaliveFields,
  toSpec: (entry, target, scale) => ({
    mode: 'keepalive',
    target,
    connections: scaled(entry.connections, scale, 1),
    durationMs: scaled(durationMs(entry.duration), scale, 2_000),
    ...(entry.rate === undefined ? {} : { rate: scaled(entry.rate, scale, 1) }),
  }),
  check: (spec, limits, shards) => {
    positiveInt('connections', spec.connections, Number.MAX_SAFE_INTEGER);
    const mine = largestShare(spec.connections, shards);
    if (mine > limits.maxConcurrency) throw new Error(`connections must be an integer in [1, ${limits.maxConcurrency}]${shards > 1 ? ' per load generator' : ''} (got ${mine})`);
    if (spec.rate !== undefined) {
      checkRate('rate', spec.rate);
      checkOpenLoad(spec.durationMs, constantArrivals(spec.rate, spec.durationMs), limits, shards);
    } else {
      positiveInt('durationMs', spec.durationMs, limits.maxDurationMs);
      if (spec.durationMs + limits.timeoutMs > limits.maxDurationMs) {
        throw new Error(`durationMs + timeoutMs (${spec.durationMs + limits.timeoutMs}) exceeds maxDurationMs ${limits.maxDurationMs}`);
      }
    }
  },
  args: (spec) => [
    '--connections', String(spec.connections), '--duration', goDuration(spec.durationMs),
    ...(spec.rate === undefined ? [] : ['--rate', String(spec.rate)]),
  ],
  loadMs: (spec) => spec.durationMs,
  openModel: (spec) => spec.rate !== undefined,
  metrics: (openModel) => [...commonLoadMetrics, ...(openModel ? latencyMetrics : []), ...keepaliveMetrics],
} satisfies LoadMode<KeepaliveEntry, KeepaliveLoad>;
