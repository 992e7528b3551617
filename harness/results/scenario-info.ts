import { createHash } from 'node:crypto';
import type { TrendSettings } from './results.js';

/**
 * What the report reads from the scenario definition recorded in `run-started` (the validated
 * scenario object). Tolerant on purpose: a report must come out of whatever was recorded, by this
 * version of the harness or an older one.
 */

export const DEFAULT_TREND_SETTINGS: TrendSettings = { window: 10, minRuns: 5, k: 3.5, failOnRegression: false };

/** The parts of a scenario that shape its measurements; editing anything else keeps its history. */
const MEASURED_SPEC_FIELDS = ['kubernetesVersion', 'layout', 'pools', 'workloads', 'load', 'ipc'] as const;

/**
 * A short hash of what a scenario measures: its name, the spec fields above and the run's load
 * scale (a `--scale 0.2` run measures something else). Thresholds, trends, repetitions, isolation
 * proofs, procedures and the description are left out, so tightening a threshold or adding a proof
 * does not reset the scenario's trend history; changing a workload, a variant's sysctls or the
 * load does.
 */
export function scenarioDefinitionHash(name: string, definition: unknown, runOptions?: { scale?: number }): string | undefined {
  if (!isObject(definition) || !isObject(definition.spec)) return undefined;
  const spec = definition.spec;
  const measured: Record<string, unknown> = { name };
  for (const field of MEASURED_SPEC_FIELDS) if (spec[field] !== undefined) measured[field] = spec[field];
  if (runOptions?.scale !== undefined && runOptions.scale !== 1) measured.scale = runOptions.scale;
  return createHash('sha256').update(canonicalJson(measured)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every level, so that key order never changes a hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `spec.trends` with defaults; values out of range fall back to the default. */
export function trendSettingsFromScenario(definition: unknown): TrendSettings {
  const trends = isObject(definition) && isObject(definition.spec) && isObject(definition.spec.trends) ? definition.spec.trends : {};
  const window = typeof trends.window === 'number' && Number.isInteger(trends.window) && trends.window >= 2 ? trends.window : DEFAULT_TREND_SETTINGS.window;
  return {
    ...DEFAULT_TREND_SETTINGS,
    window,
    minRuns: Math.min(DEFAULT_TREND_SETTINGS.minRuns, window),
    failOnRegression: trends.failOnRegression === true,
  };
}

/**
 * The variants each workload declares, in order: its `variants`, or its load's `clientVariants`
 * when the load compares the load generator's own sysctls. Thresholds without a variant name the
 * last of these, whatever was measured.
 */
export function declaredVariants(definition: unknown): Map<string, string[]> {
  const variants = new Map<string, string[]>();
  const spec = isObject(definition) && isObject(definition.spec) ? definition.spec : definition;
  if (!isObject(spec)) return variants;
  const names = (list: unknown): string[] => (Array.isArray(list) ? list.flatMap((v) => (isObject(v) && typeof v.name === 'string' ? [v.name] : [])) : []);
  for (const workload of Array.isArray(spec.workloads) ? spec.workloads : []) {
    if (isObject(workload) && typeof workload.name === 'string') variants.set(workload.name, names(workload.variants));
  }
  for (const load of Array.isArray(spec.load) ? spec.load : []) {
    if (isObject(load) && typeof load.workload === 'string' && names(load.clientVariants).length > 0) variants.set(load.workload, names(load.clientVariants));
  }
  return variants;
}

export interface PlannedProof {
  check: string;
  sysctl: string;
  workload?: string;
}

/**
 * The isolation proofs and procedures the scenario asks for, named as the pipeline records them
 * (harness/run/isolation-phase.ts, procedures-phase.ts).
 */
export function plannedProofs(definition: unknown): PlannedProof[] {
  const spec = isObject(definition) && isObject(definition.spec) ? definition.spec : undefined;
  if (!spec) return [];
  const proofs: PlannedProof[] = (Array.isArray(spec.isolation) ? spec.isolation : []).flatMap((entry) => {
    if (!isObject(entry) || typeof entry.check !== 'string') return [];
    const sysctl = entry.check === 'host-proc-unchanged' ? '*' : typeof entry.sysctl === 'string' ? entry.sysctl.replaceAll('/', '.') : '';
    return [{ check: entry.check, sysctl, ...(typeof entry.workload === 'string' && entry.check !== 'host-proc-unchanged' ? { workload: entry.workload } : {}) }];
  });
  const workloads = Array.isArray(spec.workloads) ? spec.workloads.filter(isObject) : [];
  for (const procedure of Array.isArray(spec.procedures) ? spec.procedures.filter(isObject) : []) {
    const patterns = Array.isArray(procedure.allowedUnsafeSysctls) ? procedure.allowedUnsafeSysctls.filter((p): p is string => typeof p === 'string') : [];
    if (procedure.kind === 'illegal-allowlist') {
      proofs.push({ check: 'illegal-allowlist', sysctl: patterns.join(',') });
    } else if (procedure.kind === 'runbook' && typeof procedure.workload === 'string') {
      // The runbook deploys the named variant (or the workload's first) and is named after its sysctls.
      const workload = workloads.find((w) => w.name === procedure.workload);
      const variants = workload && Array.isArray(workload.variants) ? workload.variants.filter(isObject) : [];
      const variant = variants.find((v) => procedure.variant === undefined || v.name === procedure.variant);
      const sysctls = variant && isObject(variant.sysctls) ? Object.keys(variant.sysctls) : [];
      proofs.push({ check: 'runbook-replay', sysctl: sysctls.join(','), workload: procedure.workload });
    }
  }
  return proofs;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
