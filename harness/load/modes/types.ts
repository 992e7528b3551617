import { z } from 'zod';
import type { LoadMetricName } from '../metrics.js';

/**
 * A load mode: one file each (harness/load/modes/<mode>.ts, with its test), listed once in
 * ./index.ts. It says which scenario fields it takes (a zod object with its `mode` literal; the
 * scenario adds the common fields: workload, timeout, clientSysctls, clientVariants), how a
 * scenario entry becomes what loadgen runs, the bounds it checks before a container starts (the
 * same loadgen checks), loadgen's arguments for it, and the metrics it produces.
 */
export interface LoadMode<Entry extends { mode: string }, Spec extends { mode: Entry['mode']; target: string }> {
  readonly name: Entry['mode'];
  /** One line for docs and errors. */
  readonly title: string;
  /** The mode's own scenario fields, `mode` among them (a strict object). */
  readonly fields: z.ZodObject;
  /** A scenario entry → the load for one target, scaled by `scale` (reduced-size runs use < 1). */
  toSpec(entry: Entry, target: string, scale: number): Spec;
  /** Throws when the spec is out of bounds for one of `shards` load generators. */
  check(spec: Spec, limits: ResolvedLimits, shards: number): void;
  /** loadgen's arguments for the mode's own settings. */
  args(spec: Spec): string[];
  /** How long the load itself lasts (0 for a burst): with the timeouts, it bounds the run. */
  loadMs(spec: Spec): number;
  /** True when arrivals have scheduled times, so latency is measured from them. */
  openModel(spec: Spec): boolean;
  /** The metric names a measurement of this mode has (`openModel` as the summary says). */
  metrics(openModel: boolean): readonly LoadMetricName[];
}

export interface ResolvedLimits {
  connectTimeoutMs: number;
  timeoutMs: number;
  maxDurationMs: number;
  maxRequests: number;
  maxConcurrency: number;
  samples: number;
}

/** Upper bounds loadgen also enforces. */
export const MAX_RATE = 100_000;
export const MAX_STAGES = 100;

// One reader of durations for the scenario schema, these modes and the run (harness/scenario/duration.ts).
export { DurationSchema as Duration, durationMs, isDuration } from '../../scenario/duration.js';
import { durationMs, DurationSchema as Duration, isDuration } from '../../scenario/duration.js';

/** loadgen bounds every run to 600 s; a load (before its last request's timeout) must end before. */
export const MAX_LOAD_MS = 600_000;

/** A scenario duration that a load lasts: within loadgen's bound. */
export const LoadDuration = Duration.refine((text) => !isDuration(text) || durationMs(text) < MAX_LOAD_MS, 'must be below 10m: loadgen bounds every run to 600 s');

/** A Go duration for loadgen: whole milliseconds. */
export function goDuration(ms: number): string {
  return `${Math.round(ms)}ms`;
}

export function positiveInt(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value <= 0 || value > max) throw new Error(`${name} must be an integer in [1, ${max}] (got ${value})`);
  return value;
}

export function checkRate(name: string, value: number, allowZero = false): void {
  const ok = allowZero ? value >= 0 && value <= MAX_RATE : value > 0 && value <= MAX_RATE;
  if (!ok) throw new Error(`${name} must be in ${allowZero ? '[0' : '(0'}, ${MAX_RATE}] (got ${value})`);
}

/** The part of n things shard i of `count` takes: the first n % count take one more (as loadgen). */
export function shareOf(n: number, index: number, count: number): number {
  return Math.floor(n / count) + (index < n % count ? 1 : 0);
}

/** The most any one of `shards` load generators takes of n. */
export function largestShare(n: number, shards: number): number {
  return shareOf(n, 0, shards);
}

/** Arrivals of a constant rate over a duration, as loadgen counts them (Go's math.Round). */
export function constantArrivals(rate: number, durationMs: number): number {
  return Math.round(rate * (durationMs / 1000));
}

/** An open model's load fits --max-duration with a last request's timeout after it, and each shard's arrivals fit --max-requests. */
export function checkOpenLoad(loadMs: number, arrivals: number, limits: ResolvedLimits, shards: number): void {
  positiveInt('durationMs', Math.round(loadMs), limits.maxDurationMs);
  if (loadMs + limits.timeoutMs > limits.maxDurationMs) {
    throw new Error(`durationMs + timeoutMs (${loadMs + limits.timeoutMs}) exceeds maxDurationMs ${limits.maxDurationMs}`);
  }
  const mine = largestShare(arrivals, shards);
  if (mine > limits.maxRequests) {
    throw new Error(`rate x duration = ${mine} requests${shards > 1 ? ' per shard' : ''} exceeds maxRequests ${limits.maxRequests}`);
  }
}

/** Scales a count down for reduced-size runs, never below `floor`. */
export function scaled(value: number, scale: number, floor: number): number {
  return Math.max(floor, Math.round(value * scale));
}
