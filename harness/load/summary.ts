import { z } from 'zod';
import type { Series } from '../results/raw.js';
import {
  EMPTY_HISTOGRAM, HistogramLayoutSchema, HistogramSchema, mergeHistograms, percentileMs, type Histogram,
} from './histogram.js';
import { loadMetricNames, type LoadMetricName, type LoadMetrics } from './metrics.js';
import { LOAD_MODE_NAMES, modeMetrics, type LoadModeName } from './modes/index.js';

/**
 * The JSON summary loadgen prints on stdout (images/loadgen/summary.go), how the summaries of
 * several load generators of one measurement merge, and how that becomes flat metrics for the raw
 * results. Unknown fields are kept out; a missing required one fails the parse, so a loadgen that
 * changed its output is noticed rather than read as zeros.
 */

const n = z.number().int().nonnegative();

const DistSchema = z.object({
  count: n,
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
  version: z.literal(2),
  config: z.object({
    mode: z.enum(LOAD_MODE_NAMES as [LoadModeName, ...LoadModeName[]]),
    target: z.string(),
    connections: z.number().int().optional(),
    rate: z.number().optional(),
    start_rate: z.number().optional(),
    stages: z.array(z.object({ duration_s: z.number(), target: z.number() })).optional(),
    duration_s: z.number().optional(),
    connect_timeout_s: z.number(),
    timeout_s: z.number(),
    max_duration_s: z.number(),
    max_requests: z.number().int(),
    max_concurrency: z.number().int(),
    samples: z.number().int(),
    shard_index: n,
    shard_count: z.number().int().positive(),
    start_at_unix_ms: z.number().int().optional(),
  }),
  shard: z.object({ index: n, count: z.number().int().positive(), start_at_unix_ms: z.number().int().optional(), start_late_ms: z.number().nonnegative() }),
  open_model: z.boolean(),
  started_at: z.string(),
  started_at_unix_ms: n,
  duration_s: z.number().nonnegative(),
  planned: n,
  requests: n,
  completed: n,
  connected: n,
  reconnects: n,
  errors: n,
  errors_by_class: z.object({
    refused: n,
    timeout: n,
    reset: n,
    http: n,
    /** EADDRNOTAVAIL: the client ran out of local ports (its net.ipv4.ip_local_port_range). */
    ports: n,
    other: n,
  }),
  errors_by_phase: z.object({ connect: n, response: n }),
  dropped: n,
  connect_ms: DistSchema,
  total_ms: DistSchema,
  waiting_ms: DistSchema,
  receiving_ms: DistSchema,
  latency_ms: DistSchema,
  histograms: z.object({
    layout: HistogramLayoutSchema,
    connect_us: HistogramSchema,
    total_us: HistogramSchema,
    waiting_us: HistogramSchema,
    receiving_us: HistogramSchema,
    latency_us: HistogramSchema,
  }),
  rps: z.number().nonnegative(),
  series: z.array(
    z.object({
      t: n,
      completed: n,
      errors: n,
      p99_total_ms: z.number().nonnegative(),
      p99_latency_ms: z.number().nonnegative().optional(),
      total_us: HistogramSchema,
      latency_us: HistogramSchema.optional(),
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
  stopped_by: z.string(),
  saturated: z.boolean(),
  saturation_reasons: z.array(z.string()),
  nofile: n.optional(),
  watchdog_fired: z.boolean(),
});

export type LoadSummary = z.output<typeof LoadSummarySchema>;

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

/** One load generator's own view of itself, kept visible after a merge. */
export interface ShardReport {
  index: number;
  count: number;
  requests: number;
  /** Percent of one core. */
  cpuPercent: number;
  droppedIterations: number;
  saturated: boolean;
  saturationReasons: string[];
  /** How long after the start barrier it really started. */
  startLateMs: number;
  watchdogFired: boolean;
}

/** The summaries of one measurement's load generators as one: counts add, histograms merge exactly. */
export interface MergedLoad {
  mode: LoadModeName;
  openModel: boolean;
  shards: ShardReport[];
  planned: number;
  requests: number;
  completed: number;
  connected: number;
  reconnects: number;
  errors: number;
  dropped: number;
  errorsByClass: Record<ErrorClass, number>;
  errorsByPhase: { connect: number; response: number };
  histograms: { connect: Histogram; total: Histogram; waiting: Histogram; receiving: Histogram; latency: Histogram };
  /** Requests completed per second: the shards ran side by side, so their rates add. */
  rps: number;
  /** Per second since the (common) start, by the second in which requests ended. */
  series: { t: number; completed: number; errors: number; total: Histogram; latency?: Histogram }[];
  /** Each shard's connect-time sample, in shard order. */
  connectSamplesMs: number[];
}

/**
 * Merges the summaries of the shards of one load (loadgen --shard I/N, one per container or pod).
 * Refuses what is not one load: different modes or targets, a missing or repeated shard, shards
 * that were given different start barriers. `allShards: false` lets a subset through (one pod's
 * own view).
 */
export function mergeLoadSummaries(summaries: readonly LoadSummary[], options: { allShards?: boolean } = {}): MergedLoad {
  const first = summaries[0];
  if (!first) throw new Error('no load summary to merge');
  // One shard read on its own (allShards: false) is that shard's measurement, not the load's.
  const count = options.allShards === false ? first.shard.count : summaries.length;
  const indices = new Set<number>();
  for (const s of summaries) {
    if (s.config.mode !== first.config.mode || s.config.target !== first.config.target || s.open_model !== first.open_model) {
      throw new Error(`load summaries of different loads cannot be merged: ${first.config.mode} on ${first.config.target} and ${s.config.mode} on ${s.config.target}`);
    }
    if (s.shard.count !== count) throw new Error(`shard ${s.shard.index} is one of ${s.shard.count}, but ${count} summaries were given: a load generator's summary is missing or extra`);
    if (indices.has(s.shard.index)) throw new Error(`shard ${s.shard.index} of ${count} appears twice`);
    indices.add(s.shard.index);
    if (s.shard.start_at_unix_ms !== first.shard.start_at_unix_ms) {
      throw new Error(`shards ${first.shard.index} and ${s.shard.index} had different start barriers (${first.shard.start_at_unix_ms ?? 'none'} and ${s.shard.start_at_unix_ms ?? 'none'})`);
    }
  }
  const ordered = [...summaries].sort((a, b) => a.shard.index - b.shard.index);
  const sum = (pick: (s: LoadSummary) => number) => ordered.reduce((total, s) => total + pick(s), 0);
  const merge = (pick: (s: LoadSummary) => Histogram) => mergeHistograms(ordered.map(pick));

  const byT = new Map<number, { completed: number; errors: number; total: Histogram[]; latency: Histogram[] }>();
  for (const s of ordered) {
    for (const row of s.series) {
      const slot = byT.get(row.t) ?? { completed: 0, errors: 0, total: [], latency: [] };
      slot.completed += row.completed;
      slot.errors += row.errors;
      slot.total.push(row.total_us);
      if (row.latency_us) slot.latency.push(row.latency_us);
      byT.set(row.t, slot);
    }
  }
  const lastT = Math.max(-1, ...byT.keys());
  const series: MergedLoad['series'] = [];
  for (let t = 0; t <= lastT; t += 1) {
    const slot = byT.get(t);
    const row: MergedLoad['series'][number] = { t, completed: slot?.completed ?? 0, errors: slot?.errors ?? 0, total: mergeHistograms(slot?.total ?? []) };
    if (first.open_model) row.latency = mergeHistograms(slot?.latency ?? []);
    series.push(row);
  }

  return {
    mode: first.config.mode,
    openModel: first.open_model,
    shards: ordered.map((s) => ({
      index: s.shard.index,
      count: s.shard.count,
      requests: s.requests,
      cpuPercent: Math.round(s.cpu.cores_used * 1000) / 10,
      droppedIterations: s.dropped,
      saturated: s.saturated,
      saturationReasons: s.saturation_reasons,
      startLateMs: s.shard.start_late_ms,
      watchdogFired: s.watchdog_fired,
    })),
    planned: sum((s) => s.planned),
    requests: sum((s) => s.requests),
    completed: sum((s) => s.completed),
    connected: sum((s) => s.connected),
    reconnects: sum((s) => s.reconnects),
    errors: sum((s) => s.errors),
    dropped: sum((s) => s.dropped),
    errorsByClass: Object.fromEntries(ErrorClasses.map((k) => [k, sum((s) => s.errors_by_class[k])])) as Record<ErrorClass, number>,
    errorsByPhase: { connect: sum((s) => s.errors_by_phase.connect), response: sum((s) => s.errors_by_phase.response) },
    histograms: {
      connect: merge((s) => s.histograms.connect_us),
      total: merge((s) => s.histograms.total_us),
      waiting: merge((s) => s.histograms.waiting_us),
      receiving: merge((s) => s.histograms.receiving_us),
      latency: first.open_model ? merge((s) => s.histograms.latency_us) : EMPTY_HISTOGRAM,
    },
    rps: Math.round(sum((s) => s.rps) * 1000) / 1000,
    series,
    connectSamplesMs: ordered.flatMap((s) => s.samples.connect_ms),
  };
}

/** How many raw connect times a measurement keeps (loadgen already samples uniformly to its --samples). */
export const MAX_CONNECT_SAMPLES = 2000;

export interface LoadMeasurement {
  metrics: LoadMetrics;
  samples: { connect_ms: number[] };
  series: Series;
  generator: {
    /** The busiest load generator's CPU, percent of one core. */
    cpuPercent: number;
    droppedIterations: number;
    /** True when any load generator was saturated. */
    saturated: boolean;
    /** Each load generator's own saturation. */
    shards: ShardReport[];
  };
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

/** Every metric a merged load can give; a measurement keeps those of its mode. */
function allMetrics(m: MergedLoad): Record<LoadMetricName, number> {
  const h = m.histograms;
  const maxMs = (x: Histogram) => x.maxUs / 1000;
  return {
    connect_p50_ms: percentileMs(h.connect, 50),
    connect_p90_ms: percentileMs(h.connect, 90),
    connect_p99_ms: percentileMs(h.connect, 99),
    connect_max_ms: maxMs(h.connect),
    total_p50_ms: percentileMs(h.total, 50),
    total_p90_ms: percentileMs(h.total, 90),
    total_p99_ms: percentileMs(h.total, 99),
    total_max_ms: maxMs(h.total),
    waiting_p50_ms: percentileMs(h.waiting, 50),
    waiting_p99_ms: percentileMs(h.waiting, 99),
    receiving_p50_ms: percentileMs(h.receiving, 50),
    receiving_p99_ms: percentileMs(h.receiving, 99),
    errors: m.errors,
    error_rate: m.requests > 0 ? m.errors / m.requests : 0,
    timeouts: m.errorsByClass.timeout,
    refused: m.errorsByClass.refused,
    resets: m.errorsByClass.reset,
    port_exhaustion: m.errorsByClass.ports,
    http_errors: m.errorsByClass.http,
    rps: m.rps,
    completed: m.completed,
    connected: m.connected,
    requests: m.requests,
    dropped: m.dropped,
    latency_p50_ms: percentileMs(h.latency, 50),
    latency_p90_ms: percentileMs(h.latency, 90),
    latency_p99_ms: percentileMs(h.latency, 99),
    latency_max_ms: maxMs(h.latency),
    reconnects: m.reconnects,
  };
}

/**
 * Maps the summaries of a load's shards (all of them), or one summary on its own, into what a
 * raw `measurement` record holds. Percentiles come from the (merged) histograms: over successful connects and requests; a
 * run in which nothing connected has zeros there, and `connected`/`errors` tell the story.
 */
export function toMeasurement(input: LoadSummary | readonly LoadSummary[] | MergedLoad, maxSamples = MAX_CONNECT_SAMPLES): LoadMeasurement {
  const merged = isMerged(input)
    ? input
    : Array.isArray(input) ? mergeLoadSummaries(input) : mergeLoadSummaries([input as LoadSummary], { allShards: false });
  const every = allMetrics(merged);
  const metrics = Object.fromEntries(modeMetrics(merged.mode, merged.openModel).map((name) => [name, every[name]])) as LoadMetrics;

  const values: Series['values'] = {
    completed: merged.series.map((row) => row.completed),
    errors: merged.series.map((row) => row.errors),
    total_p99_ms: merged.series.map((row) => percentileMs(row.total, 99)),
  };
  if (merged.openModel) values.latency_p99_ms = merged.series.map((row) => percentileMs(row.latency ?? EMPTY_HISTOGRAM, 99));
  return {
    metrics,
    samples: { connect_ms: capSamples(merged.connectSamplesMs, maxSamples) },
    series: { t: merged.series.map((row) => row.t), values },
    generator: {
      cpuPercent: Math.max(...merged.shards.map((s) => s.cpuPercent)),
      droppedIterations: merged.dropped,
      saturated: merged.shards.some((s) => s.saturated),
      shards: merged.shards,
    },
  };
}

function isMerged(input: LoadSummary | readonly LoadSummary[] | MergedLoad): input is MergedLoad {
  return !Array.isArray(input) && 'shards' in input;
}

export { loadMetricNames };
export type { LoadMetricName, LoadMetrics };
