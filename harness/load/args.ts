/**
 * What a load phase asks of loadgen, and the argument array that says it. Bounds are checked here
 * as well as in loadgen, so that a scenario asking for too much fails before a container starts.
 */

export interface BurstLoad {
  mode: 'burst';
  /** http://IP:PORT/path of a server this harness created (a container or pod address). */
  target: string;
  /** Connections opened at once. */
  connections: number;
}

export interface RateLoad {
  mode: 'rate';
  target: string;
  /** New connections per second (open model: arrivals do not wait for earlier requests). */
  rate: number;
  durationMs: number;
}

export interface LoadLimits {
  connectTimeoutMs?: number;
  timeoutMs?: number;
  /** Hard bound on the whole run inside loadgen (default 120 s, at most 600 s). */
  maxDurationMs?: number;
  maxRequests?: number;
  maxConcurrency?: number;
  /** Raw connect times loadgen reports. */
  samples?: number;
}

export type LoadSpec = (BurstLoad | RateLoad) & LoadLimits;

export const loadDefaults = {
  connectTimeoutMs: 5_000,
  timeoutMs: 10_000,
  maxDurationMs: 120_000,
  maxRequests: 100_000,
  maxConcurrency: 5_000,
  samples: 2_000,
} as const;

export const loadCeilings = { maxDurationMs: 600_000, maxRequests: 1_000_000, maxConcurrency: 100_000 } as const;

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

function ms(value: number): string {
  return `${Math.round(value)}ms`;
}

function positiveInt(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value <= 0 || value > max) throw new Error(`${name} must be an integer in [1, ${max}] (got ${value})`);
  return value;
}

/** Resolved limits: defaults filled in and checked against the ceilings. */
export function resolveLimits(spec: LoadSpec): Required<LoadLimits> {
  const limits = { ...loadDefaults, ...definedOnly(spec) };
  positiveInt('maxDurationMs', limits.maxDurationMs, loadCeilings.maxDurationMs);
  positiveInt('maxRequests', limits.maxRequests, loadCeilings.maxRequests);
  positiveInt('maxConcurrency', limits.maxConcurrency, loadCeilings.maxConcurrency);
  positiveInt('connectTimeoutMs', limits.connectTimeoutMs, limits.maxDurationMs);
  positiveInt('timeoutMs', limits.timeoutMs, limits.maxDurationMs);
  if (!Number.isInteger(limits.samples) || limits.samples < 0 || limits.samples > 100_000) throw new Error('samples must be in [0, 100000]');
  if (spec.mode === 'burst') {
    positiveInt('connections', spec.connections, Math.min(limits.maxRequests, limits.maxConcurrency));
  } else {
    if (!(spec.rate > 0 && spec.rate <= 100_000)) throw new Error(`rate must be in (0, 100000] (got ${spec.rate})`);
    positiveInt('durationMs', spec.durationMs, limits.maxDurationMs);
    if (spec.durationMs + limits.timeoutMs > limits.maxDurationMs) {
      throw new Error(`durationMs + timeoutMs (${spec.durationMs + limits.timeoutMs}) exceeds maxDurationMs ${limits.maxDurationMs}`);
    }
    const total = spec.rate * (spec.durationMs / 1000);
    if (total > limits.maxRequests) throw new Error(`rate x duration = ${Math.round(total)} requests exceeds maxRequests ${limits.maxRequests}`);
  }
  return limits;
}

function definedOnly(spec: LoadSpec): Partial<Required<LoadLimits>> {
  const out: Partial<Required<LoadLimits>> = {};
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
  const args = ['--mode', spec.mode, '--target', spec.target];
  if (spec.mode === 'burst') args.push('--connections', String(spec.connections));
  else args.push('--rate', String(spec.rate), '--duration', ms(spec.durationMs));
  args.push(
    '--connect-timeout',
    ms(limits.connectTimeoutMs),
    '--timeout',
    ms(limits.timeoutMs),
    '--max-duration',
    ms(limits.maxDurationMs),
    '--max-requests',
    String(limits.maxRequests),
    '--max-concurrency',
    String(limits.maxConcurrency),
    '--samples',
    String(limits.samples),
  );
  return args;
}

/** How long the driver lets the container live: loadgen's own bound, its watchdog's grace, and start-up. */
export function containerDeadlineMs(spec: LoadSpec): number {
  return resolveLimits(spec).maxDurationMs + 45_000;
}
