import { checkModeSpec, modeArgs, modeLoadMs, type ModeSpec, type ResolvedLimits } from './modes/index.js';
import { goDuration } from './modes/types.js';

/**
 * What a load phase asks of loadgen, and the argument array that says it. Bounds are checked here
 * as well as in loadgen, so that a scenario asking for too much fails before a container starts.
 * The mode-specific part lives in harness/load/modes/<mode>.ts.
 */

export type { BurstLoad, KeepaliveLoad, RampLoad, RateLoad } from './modes/index.js';

export interface LoadLimits {
  connectTimeoutMs?: number;
  timeoutMs?: number;
  /**
   * Hard bound on the whole run inside loadgen, from the start barrier: at most 600 s; by default
   * 120 s, or the load's duration + timeoutMs + 30 s when that is longer.
   */
  maxDurationMs?: number;
  /** Hard bound on the requests of each load generator. */
  maxRequests?: number;
  maxConcurrency?: number;
  /** Raw connect times loadgen reports. */
  samples?: number;
}

/**
 * One load split over several load generators (containers, or the pods of an Indexed Job): each
 * takes its share of the connections or arrivals, and all start at one barrier time.
 */
export interface LoadDistribution {
  /**
   * `{ index, count }`: this generator is shard `index` of `count` (`--shard I/N`).
   * `{ count }`: the index comes from `$JOB_COMPLETION_INDEX` (`--shard-count N`): every pod of an
   * Indexed Job gets the same arguments.
   */
  shard?: { index: number; count: number } | { count: number };
  /** Unix time in ms at which every shard starts (`--start-at`); at most 300 s ahead when loadgen starts. */
  startAtMs?: number;
}

export type LoadSpec = ModeSpec & LoadLimits & LoadDistribution;

export const loadDefaults = {
  connectTimeoutMs: 5_000,
  timeoutMs: 10_000,
  maxDurationMs: 120_000,
  maxRequests: 100_000,
  maxConcurrency: 5_000,
  samples: 2_000,
} as const;

export const loadCeilings = { maxDurationMs: 600_000, maxRequests: 1_000_000, maxConcurrency: 100_000, shards: 1000 } as const;

/** Only plain http URLs to an explicit host and port: the TS side passes only addresses it created. */
export function checkTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new Error(`load target ${JSON.stringify(target)} is not a URL`);
  }
  if (url.protocol !== 'http:') throw new Error(`load target ${target}: only http:// is supported`);
  if (!url.hostname) throw new Error(`load target ${target}: no host`);
  if (url.username || url.password) throw new Error(`load target ${target}: credentials are not allowed`);
  return url;
}

function positiveInt(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value <= 0 || value > max) throw new Error(`${name} must be an integer in [1, ${max}] (got ${value})`);
  return value;
}

/** How many load generators share the spec (1 when it is not split). */
export function shardCount(spec: LoadDistribution): number {
  return spec.shard?.count ?? 1;
}

/** Resolved limits: defaults filled in and checked against the ceilings, and the mode's own bounds for one shard. */
export function resolveLimits(spec: LoadSpec): ResolvedLimits {
  const limits = { ...loadDefaults, ...definedOnly(spec) };
  // A load longer than the default bound gets a bound that fits it (up to the ceiling), so a long
  // ramp in a scenario needs no limit of its own.
  if (spec.maxDurationMs === undefined) {
    limits.maxDurationMs = Math.min(loadCeilings.maxDurationMs, Math.max(loadDefaults.maxDurationMs, modeLoadMs(spec) + limits.timeoutMs + 30_000));
  }
  positiveInt('maxDurationMs', limits.maxDurationMs, loadCeilings.maxDurationMs);
  positiveInt('maxRequests', limits.maxRequests, loadCeilings.maxRequests);
  positiveInt('maxConcurrency', limits.maxConcurrency, loadCeilings.maxConcurrency);
  positiveInt('connectTimeoutMs', limits.connectTimeoutMs, limits.maxDurationMs);
  positiveInt('timeoutMs', limits.timeoutMs, limits.maxDurationMs);
  if (!Number.isInteger(limits.samples) || limits.samples < 0 || limits.samples > 100_000) throw new Error('samples must be in [0, 100000]');
  checkDistribution(spec);
  checkModeSpec(spec, limits, shardCount(spec));
  return limits;
}

function checkDistribution(spec: LoadDistribution): void {
  if (spec.shard) {
    positiveInt('shard.count', spec.shard.count, loadCeilings.shards);
    if ('index' in spec.shard && !(Number.isInteger(spec.shard.index) && spec.shard.index >= 0 && spec.shard.index < spec.shard.count)) {
      throw new Error(`shard.index must be an integer in [0, ${spec.shard.count}) (got ${spec.shard.index})`);
    }
  }
  if (spec.startAtMs !== undefined && !(Number.isInteger(spec.startAtMs) && spec.startAtMs > 0)) {
    throw new Error(`startAtMs must be a unix time in whole milliseconds (got ${spec.startAtMs})`);
  }
}

function definedOnly(spec: LoadSpec): Partial<ResolvedLimits> {
  const out: Partial<ResolvedLimits> = {};
  for (const key of Object.keys(loadDefaults) as (keyof LoadLimits)[]) {
    const value = spec[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** loadgen's argument array for a spec (never a shell string). */
export function loadgenArgs(spec: LoadSpec): string[] {
  checkTarget(spec.target);
  const limits = resolveLimits(spec);
  const args = ['--mode', spec.mode, '--target', spec.target, ...modeArgs(spec)];
  args.push(
    '--connect-timeout',
    goDuration(limits.connectTimeoutMs),
    '--timeout',
    goDuration(limits.timeoutMs),
    '--max-duration',
    goDuration(limits.maxDurationMs),
    '--max-requests',
    String(limits.maxRequests),
    '--max-concurrency',
    String(limits.maxConcurrency),
    '--samples',
    String(limits.samples),
  );
  if (spec.shard) {
    if ('index' in spec.shard) args.push('--shard', `${spec.shard.index}/${spec.shard.count}`);
    else args.push('--shard-count', String(spec.shard.count));
  }
  if (spec.startAtMs !== undefined) args.push('--start-at', String(spec.startAtMs));
  return args;
}

/** How long the load itself lasts, in ms (0 for a burst). */
export function loadDurationMs(spec: LoadSpec): number {
  return modeLoadMs(spec);
}

/**
 * How long the driver lets a load generator live: the wait for the start barrier, loadgen's own
 * bound, its watchdog's grace, and start-up.
 */
export function containerDeadlineMs(spec: LoadSpec, now = Date.now()): number {
  const wait = spec.startAtMs === undefined ? 0 : Math.max(0, spec.startAtMs - now);
  return wait + resolveLimits(spec).maxDurationMs + 45_000;
}
