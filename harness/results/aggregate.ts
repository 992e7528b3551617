import type { CompareOptions } from '../stats/compare.js';
import { admissionExpectations, evaluateThresholds, isolationExpectations, thresholdExpectations } from './expectations.js';
import { summarizePerformance } from './performance.js';
import { baselinesFromScenario } from './thresholds.js';
import { recommend } from './recommendation.js';
import { RESULTS_SCHEMA_VERSION, type Expectation, type Outcome, type Problem, type Results, type RunSummary, type Threshold } from './results.js';
import type { AdmissionRecord, IsolationRecord, MeasurementRecord, PhaseRecord, RawRecord, RunFinished, RunStarted } from './raw.js';

export interface AggregateOptions extends CompareOptions {
  /** Warnings from reading the raw file or the thresholds, carried into the results. */
  warnings?: string[];
}

/**
 * Computes `results.json` from the raw records and the scenario's thresholds. Pure and
 * deterministic: the same records always give the same results (bootstrap seeds are derived from
 * metric names), so a report rebuilt later matches the one written at the end of the run.
 */
export function aggregate(records: readonly RawRecord[], thresholds: readonly Threshold[], options: AggregateOptions = {}): Results {
  const started = records.find((r): r is RunStarted => r.type === 'run-started');
  const finished = records.findLast((r): r is RunFinished => r.type === 'run-finished');
  const phases = records.filter((r): r is PhaseRecord => r.type === 'phase').map(({ type: _, ...p }) => p);
  const admissions = records.filter((r): r is AdmissionRecord => r.type === 'admission');
  const measurements = records.filter((r): r is MeasurementRecord => r.type === 'measurement');
  const isolation = records.filter((r): r is IsolationRecord => r.type === 'isolation').map(({ type: _, ...p }) => p);
  const problems: Problem[] = records.flatMap((r) => (r.type === 'error' || r.type === 'note')
    ? [{ kind: r.type, at: r.at, message: r.message, ...(r.phase ? { phase: r.phase } : {}), ...(r.type === 'error' && r.fix ? { fix: r.fix } : {}) }]
    : []);

  const cases = admissions.map(({ type: _, ...a }) => a);
  const performance = summarizePerformance(measurements, admissions, options, baselinesFromScenario(started?.scenario.definition));
  const thresholdResults = evaluateThresholds(thresholds, performance);
  const expectations: Expectation[] = [
    ...admissionExpectations(cases),
    ...isolationExpectations(isolation),
    ...thresholdExpectations(thresholdResults),
  ];

  const run = runSummary(started, finished);
  const measuredSomething = measurements.some((m) => !m.warmup);
  const cannotRun = cannotRunReason(started, finished, measuredSomething, problems, phases);
  if (!cannotRun && finished && finished.status !== 'completed') {
    // Stopped after measuring: what was measured is judged, and the stop itself is a failure.
    expectations.push({
      id: 'run/completed',
      category: 'run',
      name: 'the run completed',
      passed: false,
      detail: `the run ${finished.status}${finished.reason ? `: ${finished.reason}` : ''} after measurements were taken`,
    });
  }
  const outcome = decideOutcome(expectations, cannotRun);

  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    run,
    environment: started?.environment ?? null,
    loadGenerator: started?.loadGenerator ?? null,
    rollout: started?.rollout ?? null,
    phases,
    problems,
    warnings: options.warnings ?? [],
    admission: {
      cases,
      total: cases.length,
      matched: cases.filter((c) => c.match).length,
      mismatched: cases.filter((c) => !c.match).length,
    },
    performance,
    isolation,
    thresholds: thresholdResults,
    expectations,
    recommendation: recommend(performance, cases, isolation, outcome),
    outcome,
  };
}

function runSummary(started: RunStarted | undefined, finished: RunFinished | undefined): RunSummary {
  const startedAt = started?.startedAt ?? null;
  const finishedAt = finished?.finishedAt ?? null;
  const durationMs = startedAt && finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : null;
  return {
    runId: started?.runId ?? 'unknown',
    scenario: {
      name: started?.scenario.name ?? 'unknown',
      file: started?.scenario.file ?? 'unknown',
      ...descriptionOf(started?.scenario.definition),
    },
    startedAt,
    finishedAt,
    status: finished?.status ?? 'unfinished',
    durationMs: durationMs !== null && Number.isFinite(durationMs) ? durationMs : null,
  };
}

function descriptionOf(definition: unknown): { description?: string } {
  if (typeof definition !== 'object' || definition === null) return {};
  const { metadata, description } = definition as { metadata?: { description?: unknown }; description?: unknown };
  const text = metadata?.description ?? description;
  return typeof text === 'string' && text.trim() ? { description: text.trim() } : {};
}

/**
 * Exit 2 when there is nothing to judge: no run-started record, no run-finished record (killed),
 * or a failed/interrupted run that stopped before its first measured repetition.
 */
function cannotRunReason(
  started: RunStarted | undefined,
  finished: RunFinished | undefined,
  measuredSomething: boolean,
  problems: Problem[],
  phases: Omit<PhaseRecord, 'type'>[],
): string | null {
  const lastError = problems.findLast((p) => p.kind === 'error');
  const failedPhase = phases.findLast((p) => !p.ok);
  const cause = lastError
    ? `${lastError.phase ? `${lastError.phase}: ` : ''}${lastError.message}`
    : failedPhase ? `phase ${failedPhase.name} failed${failedPhase.detail ? `: ${failedPhase.detail}` : ''}` : null;
  // The pipeline records run-started after its first phases: a run can die before writing it.
  if (!started) return `the raw results hold no run-started record${cause ? `; ${cause}` : ''}`;
  if (!finished) {
    const last = phases.at(-1);
    return `the run did not finish (no run-finished record${last ? `; last recorded phase: ${last.name}` : ''})${cause ? `; ${cause}` : ''}`;
  }
  if (finished.status !== 'completed' && !measuredSomething) {
    return `the run ${finished.status} before any measurement${finished.reason ? `: ${finished.reason}` : cause ? `: ${cause}` : ''}`;
  }
  return null;
}

function decideOutcome(expectations: Expectation[], cannotRun: string | null): Outcome {
  const failed = expectations.filter((e) => !e.passed).map((e) => e.id);
  if (cannotRun) return { exitCode: 2, status: 'cannot-run', reason: cannotRun, failed };
  if (failed.length) {
    return { exitCode: 1, status: 'failed', reason: `${failed.length} of ${expectations.length} expectations failed: ${failed.join(', ')}`, failed };
  }
  return { exitCode: 0, status: 'passed', reason: `all ${expectations.length} expectations held`, failed };
}
