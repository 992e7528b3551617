import type { ResolvedLimits } from '../../../../harness/load/modes/index.js';

export const target = 'http://172.18.0.5:8080/';

export const limits: ResolvedLimits = {
  connectTimeoutMs: 5_000, timeoutMs: 10_000, maxDurationMs: 120_000, maxRequests: 100_000, maxConcurrency: 5_000, samples: 2_000,
};
