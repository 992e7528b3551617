import { z } from 'zod';
import { commonLoadMetrics } from '../metrics.js';
import { Duration, largestShare, positiveInt, scaled, type LoadMode } from './types.js';

/**
 * burst: N new connections opened at once, one GET each (Connection: close). loadgen parks every
 * connection's goroutine at a gate and opens it at the start barrier, so a burst split over several
 * load generators still arrives together. What the accept queue (somaxconn, tcp_max_syn_backlog)
 * and the client's ports (ip_local_port_range) see.
 */
export const BurstFields = z.strictObject({
  mode: z.literal('burst'),
  connections: z.number().int().min(1).describe('Connections opened at once (all load generators together).'),
  duration: Duration.describe('Upper bound kept for compatibility: the burst ends when every connection has finished or failed.'),
}).describe('burst: N simultaneous new connections, one request each.');

export type BurstEntry = z.output<typeof BurstFields>;

export interface BurstLoad {
  mode: 'burst';
  /** http://IP:PORT/path of a server this harness created (a container or pod address). */
  target: string;
  /** Connections opened at once, over all load generators. */
  connections: number;
}

export const burstMode = {
  name: 'burst',
  title: 'N simultaneous new connections, one request each',
  fields: BurstFields,
  toSpec: (entry, target, scale) => ({ mode: 'burst', target, connections: scaled(entry.connections, scale, 10) }),
  check: (spec, limits, shards) => {
    positiveInt('connections', spec.connections, Number.MAX_SAFE_INTEGER);
    const mine = largestShare(spec.connections, shards);
    const max = Math.min(limits.maxRequests, limits.maxConcurrency);
    if (mine > max) {
      throw new Error(`connections must be an integer in [1, ${max}]${shards > 1 ? ' per load generator' : ''} (got ${mine})`);
    }
  },
  args: (spec) => ['--connections', String(spec.connections)],
  loadMs: () => 0,
  openModel: () => false,
  metrics: () => commonLoadMetrics,
} satisfies LoadMode<BurstEntry, BurstLoad>;
