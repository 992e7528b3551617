import { toMeasurement, type LoadSummary } from '../load/summary.js';
import type { LoadOutcome } from '../provider/types.js';

export interface GeneratorSummary {
  /** Which generator, for people: "pod 1 (loadgen-web-tuned-3-1-x2v)". */
  name: string;
  node?: string;
  summary: LoadSummary;
}

/**
 * One measurement from the summaries of the load generators that ran it together (the pods of an
 * Indexed Job, one shard each): loadgen's histograms merge exactly, counts add, and percentiles
 * come from the merged histograms, never from an average of percentiles (harness/load/summary.ts).
 * Each generator's own view stays, with where it ran and whether it was the bottleneck.
 */
export function measureFromGenerators(parts: readonly GeneratorSummary[]): LoadOutcome {
  const ordered = [...parts].sort((a, b) => a.summary.shard.index - b.summary.shard.index);
  const [only] = ordered;
  if (!only) throw new Error('no load generator reported a summary');
  const measurement = ordered.length === 1 && only.summary.shard.count === 1 ? toMeasurement(only.summary) : toMeasurement(ordered.map((part) => part.summary));
  const generators = measurement.generator.shards.map((shard, index) => {
    const part = ordered[index];
    return {
      name: part?.name ?? `shard ${shard.index}`,
      ...(part?.node ? { node: part.node } : {}),
      saturated: shard.saturated,
      reasons: [...shard.saturationReasons, ...(shard.startLateMs > 1_000 ? [`started ${Math.round(shard.startLateMs)} ms after the barrier`] : [])],
      cpuPercent: shard.cpuPercent,
    };
  });
  return { ...measurement, generators };
}
