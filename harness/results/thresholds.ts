import { z } from 'zod';
import type { Threshold } from './results.js';
import { declaredVariants } from './scenario-info.js';

/**
 * Thresholds live in the scenario, in `spec.thresholds` (the scenario schema's shape):
 *
 *   thresholds:
 *     - { workload: web, metric: connect_p99_ms, expect: improved }       # variant: the last one
 *     - { workload: web, metric: errors, variant: tuned, expect: not-regressed }
 *
 * Two extensions are read as well, for scenarios that want absolute limits: `max` / `min` on the
 * median of the measured repetitions, and a per-workload map `workloads[].thresholds:
 * { <metric>: { max, min, expect } }`. Entries that fit neither are ignored with a warning: the
 * scenario was validated before the run, and a report must still come out of whatever was recorded.
 */
const ExpectSchema = z.enum(['improved', 'not-regressed', 'regressed']);

const LimitSchema = z.object({
  variant: z.string().optional(),
  expect: ExpectSchema.optional(),
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
  if (!isObject(definition)) return { thresholds, warnings };
  // The validated scenario keeps everything under `spec`; older or hand-made definitions may not.
  for (const [where, holder] of [['spec.', definition.spec], ['', definition]] as const) {
    if (!isObject(holder)) continue;
    readList(holder.thresholds, `${where}thresholds`, thresholds, warnings);
    readPerWorkload(holder.workloads, `${where}workloads`, thresholds, warnings);
  }
  // "The last variant" is resolved from the scenario, not from what was measured: a run that
  // stopped before the last variant names (and ids) its thresholds as a complete run does.
  const variants = declaredVariants(definition);
  for (const threshold of thresholds) {
    const last = variants.get(threshold.workload)?.at(-1);
    if (threshold.variant === undefined && last !== undefined) threshold.variant = last;
  }
  return { thresholds, warnings };
}

function readList(list: unknown, where: string, out: Threshold[], warnings: string[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, index) => {
    const parsed = ListedThresholdSchema.safeParse(entry);
    if (parsed.success) out.push(normalize(parsed.data));
    else warnings.push(`scenario ${where}[${index}] ignored: ${describeIssue(parsed.error)}`);
  });
}

function readPerWorkload(workloads: unknown, where: string, out: Threshold[], warnings: string[]): void {
  if (!Array.isArray(workloads)) return;
  workloads.forEach((entry, index) => {
    if (!isObject(entry) || !('thresholds' in entry)) return;
    const parsed = WorkloadWithThresholdsSchema.safeParse(entry);
    if (!parsed.success) {
      warnings.push(`scenario ${where}[${index}].thresholds ignored: ${describeIssue(parsed.error)}`);
      return;
    }
    const { name, thresholds: limits } = parsed.data;
    if (!limits) return;
    const entries = Array.isArray(limits) ? limits.map((l) => [l.metric, l] as const) : Object.entries(limits);
    for (const [metric, limit] of entries) out.push(normalize({ ...limit, workload: name, metric }));
  });
}

function normalize(raw: z.infer<typeof ListedThresholdSchema>): Threshold {
  const threshold: Threshold = { workload: raw.workload, metric: raw.metric };
  if (raw.variant !== undefined) threshold.variant = raw.variant;
  const expect = raw.expect ?? (raw.mustImprove ? 'improved' : undefined);
  if (expect !== undefined) threshold.expect = expect;
  if (raw.max !== undefined) threshold.max = raw.max;
  if (raw.min !== undefined) threshold.min = raw.min;
  return threshold;
}

/**
 * The baseline variant of each workload as the scenario defines it: the first of its variants, or
 * the first client variant when the load compares the load generator's own sysctls.
 */
export function baselinesFromScenario(definition: unknown): Map<string, string> {
  const baselines = new Map<string, string>();
  const spec = isObject(definition) && isObject(definition.spec) ? definition.spec : definition;
  if (!isObject(spec)) return baselines;
  for (const workload of Array.isArray(spec.workloads) ? spec.workloads : []) {
    const first = isObject(workload) && Array.isArray(workload.variants) ? workload.variants[0] : undefined;
    if (isObject(workload) && typeof workload.name === 'string' && isObject(first) && typeof first.name === 'string') {
      baselines.set(workload.name, first.name);
    }
  }
  for (const load of Array.isArray(spec.load) ? spec.load : []) {
    const first = isObject(load) && Array.isArray(load.clientVariants) ? load.clientVariants[0] : undefined;
    if (isObject(load) && typeof load.workload === 'string' && isObject(first) && typeof first.name === 'string') {
      baselines.set(load.workload, first.name);
    }
  }
  return baselines;
}

export function thresholdId(threshold: Threshold, variant: string | undefined): string {
  return `threshold/${threshold.workload}/${variant ?? threshold.variant ?? 'last'}/${threshold.metric}`;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
