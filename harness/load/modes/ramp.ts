import { z } from 'zod';
import { commonLoadMetrics, latencyMetrics } from '../metrics.js';
import { checkOpenLoad, checkRate, Duration, durationMs, goDuration, isDuration, MAX_LOAD_MS, MAX_STAGES, type LoadMode } from './types.js';

/**
 * ramp: an open model whose arrival rate follows stages (k6's ramping-arrival-rate). The rate
 * starts at `startRate` and moves linearly to each stage's `target` over the stage's `duration`;
 * arrival i is due when the integral of the rate reaches i. New connection per arrival, dropped
 * (never delayed) at --max-concurrency, latency from the scheduled time, as in rate.
 */
const StageFields = z.strictObject({
  duration: Duration.describe('How long the rate takes to move to target.'),
  target: z.number().min(0).max(100_000).describe('Arrivals per second at the end of the stage.'),
});

export const RampFields = z.strictObject({
  mode: z.literal('ramp'),
  startRate: z.number().min(0).max(100_000).default(0).describe('Arrivals per second at the start (default 0).'),
  stages: z.array(StageFields).min(1).max(MAX_STAGES)
    .refine((stages) => stages.reduce((sum, stage) => sum + (isDuration(stage.duration) ? durationMs(stage.duration) : 0), 0) < MAX_LOAD_MS, 'the stages must last less than 10m together: loadgen bounds every run to 600 s')
    .describe('The rate moves linearly to each stage\'s target over its duration.'),
}).describe('ramp: a ramping arrival rate of new connections in stages (open model).');

export type RampEntry = z.output<typeof RampFields>;

export interface RampStage {
  durationMs: number;
  /** Arrivals per second at the end of the stage (all load generators together). */
  target: number;
}

export interface RampLoad {
  mode: 'ramp';
  target: string;
  /** Arrivals per second at the start. */
  startRate: number;
  stages: RampStage[];
}

/** How many arrivals a ramp has: every whole i ≥ 0 below the integral of the rate (as loadgen counts). */
export function rampArrivals(spec: Pick<RampLoad, 'startRate' | 'stages'>): number {
  let rate = spec.startRate;
  let total = 0;
  for (const stage of spec.stages) {
    total += ((rate + stage.target) / 2) * (stage.durationMs / 1000);
    rate = stage.target;
  }
  return total <= 1e-9 ? 0 : Math.ceil(total - 1e-9);
}

function rampMs(spec: RampLoad): number {
  return spec.stages.reduce((sum, stage) => sum + stage.durationMs, 0);
}

/** Rates scale down, but a stage that has arrivals keeps at least 1/s; durations keep at least 500 ms. */
function scaleRate(rate: number, scale: number): number {
  return rate === 0 ? 0 : Math.max(1, Math.round(rate * scale));
}

export const rampMode = {
  name: 'ramp',
  title: 'a ramping arrival rate of new connections in stages (open model)',
  fields: RampFields,
  toSpec: (entry, target, scale) => ({
    mode: 'ramp',
    target,
    startRate: scaleRate(entry.startRate, scale),
    stages: entry.stages.map((stage) => ({ durationMs: Math.max(500, Math.round(durationMs(stage.duration) * scale)), target: scaleRate(stage.target, scale) })),
  }),
  check: (spec, limits, shards) => {
    if (spec.stages.length === 0 || spec.stages.length > MAX_STAGES) throw new Error(`stages: between 1 and ${MAX_STAGES} (got ${spec.stages.length})`);
    checkRate('startRate', spec.startRate, true);
    spec.stages.forEach((stage, i) => {
      checkRate(`stages[${i}].target`, stage.target, true);
      if (!Number.isInteger(stage.durationMs) || stage.durationMs <= 0) throw new Error(`stages[${i}].durationMs must be a positive whole number of ms (got ${stage.durationMs})`);
    });
    const arrivals = rampArrivals(spec);
    if (arrivals === 0) throw new Error('stages: the rate is 0 throughout; no arrival would be sent');
    checkOpenLoad(rampMs(spec), arrivals, limits, shards);
  },
  args: (spec) => [
    '--start-rate', String(spec.startRate),
    '--stages', spec.stages.map((stage) => `${goDuration(stage.durationMs)}:${stage.target}`).join(','),
  ],
  loadMs: rampMs,
  openModel: () => true,
  metrics: () => [...commonLoadMetrics, ...latencyMetrics],
} satisfies LoadMode<RampEntry, RampLoad>;
