import { KERNEL_COUNTERS } from '../counters/catalogue.js';

/**
 * Which way is better for each metric. Verdicts depend on it: a lower connect p99 is an
 * improvement, a lower request rate is a regression. Exact names first, then suffix rules; a
 * metric that matches neither is `neutral` and never gets an improved/regressed verdict.
 */
export type MetricDirection = 'lower-is-better' | 'higher-is-better' | 'neutral';

export interface MetricInfo {
  direction: MetricDirection;
  unit: string;
  /** What the metric is, for readers who never saw the load generator. */
  label: string;
}

const EXACT: Record<string, MetricInfo> = {
  connect_p50_ms: { direction: 'lower-is-better', unit: 'ms', label: 'TCP connect time, median' },
  connect_p90_ms: { direction: 'lower-is-better', unit: 'ms', label: 'TCP connect time, 90th percentile' },
  connect_p99_ms: { direction: 'lower-is-better', unit: 'ms', label: 'TCP connect time, 99th percentile' },
  connect_max_ms: { direction: 'lower-is-better', unit: 'ms', label: 'TCP connect time, slowest' },
  http_req_p50_ms: { direction: 'lower-is-better', unit: 'ms', label: 'HTTP request time, median' },
  http_req_p90_ms: { direction: 'lower-is-better', unit: 'ms', label: 'HTTP request time, 90th percentile' },
  http_req_p99_ms: { direction: 'lower-is-better', unit: 'ms', label: 'HTTP request time, 99th percentile' },
  errors: { direction: 'lower-is-better', unit: 'count', label: 'Failed requests or connects' },
  error_rate: { direction: 'lower-is-better', unit: 'ratio', label: 'Share of requests that failed' },
  timeouts: { direction: 'lower-is-better', unit: 'count', label: 'Timed-out connects or requests' },
  einval: { direction: 'lower-is-better', unit: 'count', label: 'Calls that failed with EINVAL' },
  e2big: { direction: 'lower-is-better', unit: 'count', label: 'Calls that failed with E2BIG' },
  eagain: { direction: 'lower-is-better', unit: 'count', label: 'Calls that failed with EAGAIN' },
  enospc: { direction: 'lower-is-better', unit: 'count', label: 'Calls that failed with ENOSPC' },
  total_p50_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Connect plus request time, median' },
  total_p90_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Connect plus request time, 90th percentile' },
  total_p99_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Connect plus request time, 99th percentile' },
  total_max_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Connect plus request time, slowest' },
  waiting_p50_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Time to first byte, median' },
  waiting_p99_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Time to first byte, 99th percentile' },
  receiving_p50_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Time receiving the response, median' },
  receiving_p99_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Time receiving the response, 99th percentile' },
  latency_p50_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Latency from the scheduled start, median' },
  latency_p90_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Latency from the scheduled start, 90th percentile' },
  latency_p99_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Latency from the scheduled start, 99th percentile' },
  latency_max_ms: { direction: 'lower-is-better', unit: 'ms', label: 'Latency from the scheduled start, slowest' },
  http_errors: { direction: 'lower-is-better', unit: 'count', label: 'Requests answered with an HTTP error' },
  reconnects: { direction: 'lower-is-better', unit: 'count', label: 'Connections opened again' },
  refused: { direction: 'lower-is-better', unit: 'count', label: 'Connections refused' },
  resets: { direction: 'lower-is-better', unit: 'count', label: 'Connections reset' },
  port_exhaustion: { direction: 'lower-is-better', unit: 'count', label: 'Connects that found no free local port' },
  dropped: { direction: 'lower-is-better', unit: 'count', label: 'Arrivals the load generator could not start' },
  rps: { direction: 'higher-is-better', unit: 'req/s', label: 'Requests per second' },
  requests: { direction: 'neutral', unit: 'count', label: 'Requests started' },
  // Raw per-connection samples (a measurement's `samples`), drawn as distributions.
  connect_ms: { direction: 'lower-is-better', unit: 'ms', label: 'TCP connect time, every connection' },
  sem_sets_refused: { direction: 'lower-is-better', unit: 'count', label: 'Semaphore sets the kernel refused' },
  connected: { direction: 'higher-is-better', unit: 'count', label: 'Connections established' },
  completed: { direction: 'higher-is-better', unit: 'count', label: 'Operations completed' },
  msg_ops_per_s: { direction: 'higher-is-better', unit: 'ops/s', label: 'SysV message queue operations per second' },
  sem_ops_per_s: { direction: 'higher-is-better', unit: 'ops/s', label: 'SysV semaphore operations per second' },
};

const SUFFIXES: { suffix: string; info: Omit<MetricInfo, 'label'> }[] = [
  { suffix: '_ms', info: { direction: 'lower-is-better', unit: 'ms' } },
  { suffix: '_seconds', info: { direction: 'lower-is-better', unit: 's' } },
  { suffix: '_errors', info: { direction: 'lower-is-better', unit: 'count' } },
  { suffix: '_failures', info: { direction: 'lower-is-better', unit: 'count' } },
  { suffix: '_error_rate', info: { direction: 'lower-is-better', unit: 'ratio' } },
  { suffix: '_einval', info: { direction: 'lower-is-better', unit: 'count' } },
  { suffix: '_e2big', info: { direction: 'lower-is-better', unit: 'count' } },
  { suffix: '_enospc', info: { direction: 'lower-is-better', unit: 'count' } },
  { suffix: '_eagain', info: { direction: 'lower-is-better', unit: 'count' } },
  { suffix: '_refused', info: { direction: 'lower-is-better', unit: 'count' } },
  { suffix: '_failed_cases', info: { direction: 'lower-is-better', unit: 'count' } },
  { suffix: '_ops_per_s', info: { direction: 'higher-is-better', unit: 'ops/s' } },
  { suffix: '_per_s', info: { direction: 'higher-is-better', unit: '/s' } },
  { suffix: '_rps', info: { direction: 'higher-is-better', unit: 'req/s' } },
  { suffix: '_bytes_per_s', info: { direction: 'higher-is-better', unit: 'B/s' } },
];

/** The kernel counters' own entries (harness/counters/catalogue.ts): a count per repetition. */
const KERNEL: Record<string, MetricInfo> = Object.fromEntries(KERNEL_COUNTERS.map((counter) => [
  counter.metric, { direction: counter.direction, unit: 'count', label: counter.label },
]));

/**
 * ipc-bench's metrics (harness/load/ipc.ts) are named after the test and the case:
 * `msg_16384_errors`, `sem_1000_ops_per_s`, `msg_einval`. Their labels say the same in words.
 */
const IPC_TEST: Record<string, { what: string; per: (n: string) => string; all: string }> = {
  msg: { what: 'Message queue', per: (n) => `${n}-byte messages`, all: 'all message sizes' },
  sem: { what: 'Semaphore', per: (n) => `${n} operations per call`, all: 'all call sizes' },
};
const IPC_MEASURE: Record<string, string> = {
  ops_per_s: 'operations per second',
  errors: 'calls that failed',
  einval: 'calls that failed with EINVAL',
  e2big: 'calls that failed with E2BIG',
  enospc: 'calls that failed with ENOSPC',
  eagain: 'calls that failed with EAGAIN',
  failed_cases: 'cases with no successful call',
  queue_messages: 'messages one queue held',
};

function ipcLabel(metric: string): string | undefined {
  const match = /^(msg|sem)_(?:(\d+)_)?([a-z0-9_]+)$/.exec(metric);
  const test = match ? IPC_TEST[match[1] as string] : undefined;
  const measure = match ? IPC_MEASURE[match[3] as string] : undefined;
  if (!match || !test || !measure) return undefined;
  return `${test.what}: ${measure}, ${match[2] ? test.per(match[2]) : test.all}`;
}

/** Direction, unit and the one name a metric goes by in every report. */
export function metricInfo(metric: string): MetricInfo {
  // hasOwn: a metric named from data (`constructor`) must not find Object.prototype's members.
  const exact = Object.hasOwn(EXACT, metric) ? EXACT[metric] : Object.hasOwn(KERNEL, metric) ? KERNEL[metric] : undefined;
  if (exact) return exact;
  const label = ipcLabel(metric) ?? metric.replaceAll('_', ' ');
  const rule = SUFFIXES.find(({ suffix }) => metric.endsWith(suffix));
  if (rule) return { ...rule.info, label };
  return { direction: 'neutral', unit: metric.endsWith('_queue_messages') ? 'count' : '', label };
}

export function metricDirection(metric: string): MetricDirection {
  return metricInfo(metric).direction;
}

/** True when `candidate` is worse than `reference` for this metric's direction. */
export function isWorse(direction: MetricDirection, candidate: number, reference: number): boolean {
  if (direction === 'lower-is-better') return candidate > reference;
  if (direction === 'higher-is-better') return candidate < reference;
  return false;
}
