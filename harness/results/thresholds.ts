import { z } from 'zod';
import type { Threshold } from './results.js';

/**
 * Thresholds live in the scenario. Two spellings are read, so that a scenario can keep them next
 * to the workload they concern or in one list:
 *
 *   thresholds: [{ workload: net-backlog, metric: connect_p99_ms, max: 1500 }]
 *   workloads: [{ name: net-backlog, thresholds: { connect_p99_ms: { max: 1500, mustImprove: true } } }]
 *
 * Anything else is ignored with a warning: the scenario was validated before the run, and a report
 * must still be produced from whatever was recorded.
 */
const LimitSchema = z.object({
  variant: z.string().optional(),
  max: z.number().optional(),
  min: z.number().optional(),
  mustImprove: z.boolean().optional(),
});

const ListedThresholdSchema = LimitSchema.extend({ workload: z.string(), metric: z.string() });

const WorkloadWithThresholdsSchema = z.object({
  name: z.string(),
  thresholds: z.union([
    z.record(z.string(), LimitSchema),
    z.array(LimitSchema.extend({ metric: z.string() })),
  ]).optional(),
});

export interface ThresholdsRead {
  thresholds: Threshold[];
  warnings: string[];
}

export function thresholdsFromScenario(definition: unknown): ThresholdsRead {
  const thresholds: Threshold[] = [];
  const warnings: string[] = [];
  if (typeof definition !== 'object' || definition === null) return { thresholds, warnings };
  const scenario = definition as { thresholds?: unknown; workloads?: unknown };

  if (Array.isArray(scenario.thresholds)) {
    scenario.thresholds.forEach((entry, index) => {
      const parsed = ListedThresholdSchema.safeParse(entry);
      if (parsed.success) thresholds.push(normalize(parsed.data));
      else warnings.push(`scenario thresholds[${index}] ignored: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    });
  }

  if (Array.isArray(scenario.workloads)) {
    scenario.workloads.forEach((entry, index) => {
      const parsed = WorkloadWithThresholdsSchema.safeParse(entry);
      if (!parsed.success) {
        if (typeof entry === 'object' && entry !== null && 'thresholds' in entry) {
          warnings.push(`scenario workloads[${index}].thresholds ignored: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        }
        return;
      }
      const { name, thresholds: limits } = parsed.data;
      if (!limits) return;
      const entries = Array.isArray(limits) ? limits.map((l) => [l.metric, l] as const) : Object.entries(limits);
      for (const [metric, limit] of entries) thresholds.push(normalize({ ...limit, workload: name, metric }));
    });
  }
  return { thresholds, warnings };
}

function normalize(raw: z.infer<typeof ListedThresholdSchema>): Threshold {
  const threshold: Threshold = { workload: raw.workload, metric: raw.metric, variant: raw.variant ?? 'tuned' };
  if (raw.max !== undefined) threshold.max = raw.max;
  if (raw.min !== undefined) threshold.min = raw.min;
  if (raw.mustImprove !== undefined) threshold.mustImprove = raw.mustImprove;
  return threshold;
}

export function thresholdId(threshold: Threshold): string {
  return `threshold/${threshold.workload}/${threshold.variant}/${threshold.metric}`;
}
