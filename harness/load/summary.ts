import { z } from 'zod';
import type { Series } from '../results/raw.js';

/**
 * The JSON summary loadgen prints on stdout (images/loadgen/main.go, `summary`), and how it becomes
 * flat metrics for the raw results. Unknown fields are kept out; a missing required one fails the
 * parse, so a loadgen that changed its output is noticed rather than read as zeros.
 */

const DistSchema = z.object({
  count: z.number().int().nonnegative(),
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});

export const ErrorClasses = ['refused', 'timeout', 'reset', 'http', 'ports', 'other'] as const;
export type ErrorClass = (typeof ErrorClasses)[number];

export const LoadSummarySchema = z.object({
  version: z.literal(1),
  config: z.object({
    mode: z.enum(['burst', 'rate']),
    target: z.string(),
    connections: z.number().int().optional(),
    rate: z.number().optional(),
    duration_s: z.number().optional(),
    connect_timeout_s: z.number(),
    timeout_s: z.number(),
    max_duration_s: z.number(),
    max_requests: z.number().int(),
    max_concurrency: z.number().int(),
    samples: z.number().int(),
  }),
  started_at: z.string(),
  duration_s: z.number().nonnegative(),
  requests: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  connected: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  errors_by_class: z.object({
    refused: z.number().int().nonnegative(),
    timeout: z.number().int().nonnegative(),
    reset: z.number().int().nonnegative(),
    http: z.number().int().nonnegative(),
    /** EADDRNOTAVAIL: the client ran out of local ports (its net.ipv4.ip_local_port_range). */
    ports: z.number().int().nonnegative(),
    other: z.number().int().nonnegative(),
  }),
  errors_by_phase: z.object({ connect: z.number().int().nonnegative(), response: z.number().int().nonnegative() }),
  dropped: z.number().int().nonnegative(),
  connect_ms: DistSchema,
  total_ms: DistSchema,
  rps: z.number().nonnegative(),
  series: z.array(
    z.object({
      t: z.number().int().nonnegative(),
      completed: z.number().int().nonnegative(),
      errors: z.number().int().nonnegative(),
      p99_total_ms: z.number().nonnegative(),
    }),
  ),
  samples: z.object({ connect_ms: z.array(z.number()) }),
  cpu: z.object({
    user_s: z.number(),
    sys_s: z.number(),
    wall_s: z.number(),
    cores_used: z.number(),
    gomaxprocs: z.number().int(),
    utilization: z.number(),
  }),
  schedule_lag_max_ms: z.number(),
  saturated: z.boolean(),
  saturation_reasons: z.array(z.string()),
  nofile: z.number().int().nonnegative().optional(),
  watchdog_fired: z.boolean(),
});

export type LoadSummary = z.infer<typeof LoadSummarySchema>;

/**
 * Finds and parses the summary in loadgen's stdout: the last line that is a JSON object (the
 * container's stdout holds nothing else, but a stray line must not hide the summary).
 */
export function parseLoadSummary(stdout: string): LoadSummary {
  const lines = stdout.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('{'));
  const last = lines.at(-1);
  if (last === undefined) throw new Error(`loadgen printed no JSON summary (stdout: ${JSON.stringify(stdout.slice(0, 300))})`);
  let json: unknown;
  try {
    json = JSON.parse(last);
  } catch (error) {
    throw new Error(`loadgen's summary is not JSON: ${(error as Error).message}`);
  }
  const parsed = LoadSummarySchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`loadgen's summary does not match the expected shape: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** The flat metric names a load measurement records (see harness/stats/direction.ts for their direction). */
export const loadMetricNames = [
  'connect_p50_ms',
  'connect_p90_ms',
  'connect_p99_ms',
  'connect_max_ms',
  'total_p50_ms',
  'total_p99_ms',
  'errors',
  'error_rate',
  'timeouts',
  'refused',
  'resets',
  'port_exhaustion',
  'rps',
  'completed',
  'connected',
  'requests',
  'dropped',
] as const;
export type LoadMetricName = (typeof loadMetricNames)[number];

/** How many raw connect times a measurement keeps (loadgen already samples uniformly to its --samples). */
export const MAX_CONNECT_SAMPLES = 2000;

export interface LoadMeasurement {
  metrics: Record<LoadMetricName, number>;
  samples: { connect_ms: number[] };
  series: Series;
  generator: { cpuPercent: number; droppedIterations: number; saturated: boolean };
}

/** Evenly spaced picks, so that a capped sample still spans the whole run in order. */
export function capSamples(values: readonly number[], max = MAX_CONNECT_SAMPLES): number[] {
  if (values.length <= max) return [...values];
  if (max <= 0) return [];
  const out: number[] = [];
  const step = values.length / max;
  for (let i = 0; i < max; i += 1) out.push(values[Math.floor(i * step)] as number);
  return out;
}

/**
 * Maps a summary into what a raw `measurement` record holds. Percentiles are over successful
 * connects/requests; a run in which nothing connected has no percentiles, so they are NaN-free
 * zeros there and `connected`/`errors` tell the story.
 */
export function toMeasurement(summary: LoadSummary, maxSamples = MAX_CONNECT_SAMPLES): LoadMeasurement {
  const requests = summary.requests;
  const metrics: Record<LoadMetricName, number> = {
    connect_p50_ms: summary.connect_ms.p50,
    connect_p90_ms: summary.connect_ms.p90,
    connect_p99_ms: summary.connect_ms.p99,
    connect_max_ms: summary.connect_ms.max,
    total_p50_ms: summary.total_ms.p50,
    total_p99_ms: summary.total_ms.p99,
    errors: summary.errors,
    error_rate: requests > 0 ? summary.errors / requests : 0,
    timeouts: summary.errors_by_class.timeout,
    refused: summary.errors_by_class.refused,
    resets: summary.errors_by_class.reset,
    port_exhaustion: summary.errors_by_class.ports,
    rps: summary.rps,
    completed: summary.completed,
    connected: summary.connected,
    requests,
    dropped: summary.dropped,
  };
  const series: Series = {
    t: summary.series.map((row) => row.t),
    values: {
      completed: summary.series.map((row) => row.completed),
      errors: summary.series.map((row) => row.errors),
      total_p99_ms: summary.series.map((row) => row.p99_total_ms),
    },
  };
  return {
    metrics,
    samples: { connect_ms: capSamples(summary.samples.connect_ms, maxSamples) },
    series,
    generator: {
      cpuPercent: Math.round(summary.cpu.cores_used * 1000) / 10,
      droppedIterations: summary.dropped,
      saturated: summary.saturated,
    },
  };
}
