/**
 * The flat metric names a load measurement records: one name per metric, its unit in the name
 * where it has one (see harness/stats/direction.ts for which way is better). Every mode records the
 * common ones; open models add latency from the scheduled time; keepalive adds reconnects.
 */
export const commonLoadMetrics = [
  'connect_p50_ms',
  'connect_p90_ms',
  'connect_p99_ms',
  'connect_max_ms',
  'total_p50_ms',
  'total_p90_ms',
  'total_p99_ms',
  'total_max_ms',
  'waiting_p50_ms',
  'waiting_p99_ms',
  'receiving_p50_ms',
  'receiving_p99_ms',
  'errors',
  'error_rate',
  'timeouts',
  'refused',
  'resets',
  'port_exhaustion',
  'http_errors',
  'rps',
  'completed',
  'connected',
  'requests',
  'dropped',
] as const;

/** Open models only: from each arrival's scheduled time to its last byte. */
export const latencyMetrics = ['latency_p50_ms', 'latency_p90_ms', 'latency_p99_ms', 'latency_max_ms'] as const;

export const keepaliveMetrics = ['reconnects'] as const;

export const loadMetricNames = [...commonLoadMetrics, ...latencyMetrics, ...keepaliveMetrics] as const;

export type CommonLoadMetric = (typeof commonLoadMetrics)[number];
export type LoadMetricName = (typeof loadMetricNames)[number];

/** Every measurement has the common metrics; the others only when its mode produces them. */
export type LoadMetrics = Record<CommonLoadMetric, number> & Partial<Record<LoadMetricName, number>>;
