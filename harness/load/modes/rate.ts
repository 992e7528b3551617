import { z } from 'zod';
import { commonLoadMetrics, latencyMetrics } from '../metrics.js';
import { checkOpenLoad, checkRate, constantArrivals, LoadDuration, durationMs, goDuration, scaled, type LoadMode } from './types.js';

/**
 * rate: an open model at a constant arrival rate (k6's constant-arrival-rate): R new connections a
 * second for D, whatever the server does. An arrival that finds --max-concurrency requests in
 * flight is dropped and counted (the generator's saturation), never delayed. Latency is measured
 * from each arrival's scheduled time as well as from its real start.
 */
export const RateFields = z.strictObject({
  mode: z.literal('rate'),
  rate: z.number().positive().max(100_000).describe('New connections per second (all load generators together).'),
  duration: LoadDuration.describe('How long the arrival rate is kept.'),
}).describe('rate: a constant arrival rate of new connections (open model).');

export type RateEntry = z.output<typeof RateFields>;

export interface RateLoad {
  mode: 'rate';
  target: string;
  /** New connections per second (open model: arrivals do not wait for earlier requests). */
  rate: number;
  durationMs: number;
}

export const rateMode = {
  name: 'rate',
  title: 'a constant arrival rate of new connections (open model)',
  fields: RateFields,
  toSpec: (entry, target, scale) => ({
    mode: 'rate', target, rate: scaled(entry.rate, scale, 1), durationMs: scaled(durationMs(entry.duration), scale, 2_000),
  }),
  check: (spec, limits, shards) => {
    checkRate('rate', spec.rate);
    checkOpenLoad(spec.durationMs, constantArrivals(spec.rate, spec.durationMs), limits, shards);
  },
  args: (spec) => ['--rate', String(spec.rate), '--duration', goDuration(spec.durationMs)],
  loadMs: (spec) => spec.durationMs,
  openModel: () => true,
  metrics: () => [...commonLoadMetrics, ...latencyMetrics],
} satisfies LoadMode<RateEntry, RateLoad>;
