import type { CompareOptions } from '../stats/compare.js';
import {
  admissionExpectations, evaluateThresholds, isolationExpectations, skippedProofs, thresholdExpectations, trendExpectations,
} from './expectations.js';
import { summarizePerformance } from './performance.js';
import { baselinesFromScenario } from './thresholds.js';
import { recommend } from './recommendation.js';
import { plannedProofs, scenarioDefinitionHash, trendSettingsFromScenario } from './scenario-info.js';
import { buildTrendReport } from './trends.js';
import {
  RESULTS_SCHEMA_MINOR, RESULTS_SCHEMA_VERSION, type Expectation, type Outcome, type Problem, type Results, type RunSummary, type Threshold, type TrendReport,
} from './results.js';
import type { AdmissionRecord, IsolationRecord, MeasurementRecord, PhaseRecord, RawRecord, RunFinished, RunStarted } from './raw.js';

export interface AggregateOptions extends CompareOptions {
  /** Warnings from reading the raw file or the thresholds, carried into the results. */
  warnings?: string[];
  /**
   * Earlier runs' results (any scenario: only those of this scenario and definition are compared),
   * for trends. Without it, `trends` is null.
   */
  history?: readonly Results[];
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
  const definition = started?.scenario.definition;
  const performance = summarizePerformance(measurements, admissions, options, baselinesFromScenario(definition));
  // A run that stopped early: what it never got to is skipped with this reason, not failed.
  const stopped = !finished ? 'the run did not finish' : finished.status !== 'completed' ? `the run ${finished.status}` : undefined;
  const thresholdResults = evaluateThresholds(thresholds, performance, stopped);
  const run = runSummary(started, finished);
  const trends: TrendReport | null = options.history && started
    ? buildTrendReport(options.history, {
      runId: run.runId, startedAt: run.startedAt, scenario: run.scenario.name, definitionHash: run.scenario.definitionHash, performance,
    }, trendSettingsFromScenario(definition))
    : null;
  const expectations: Expectation[] = [
    ...admissionExpectations(cases),
    ...isolationExpectations(isolation),
    ...(stopped ? skippedProofs(plannedProofs(definition), isolation, stopped) : []),
    ...thresholdExpectations(thresholdResults),
    ...trendExpectations(trends),
  ];

  const measuredSomething = measurements.some((m) => !m.warmup);
  const cannotRun = cannotRunReason(started, finished, measuredSomething, problems, phases);
  if (!cannotRun && finished && finished.status !== 'completed') {
    // Stopped after measuring: what was measured is judged, and the stop itself is a failure.
    expectations.push({
      id: 'run/completed',
      category: 'run',
      name: 'the run completed',
      passed: false,
      status: 'failed',
      detail: `the run ${finished.status}${finished.reason ? `: ${finished.reason}` : ''} after measurements were taken`,
    });
  }
  const outcome = decideOutcome(expectations, cannotRun, trends);

  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    schemaMinor: RESULTS_SCHEMA_MINOR,
    run,
    environment: started?.environment ?? null,
    loadGenerator: started?.loadGenerator ?? null,
    rollout: started?.rollout ?? null,
    rolloutNotes: started?.rolloutNotes ?? [],
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
    hostKernel: hostKernelOf(records),
    thresholds: thresholdResults,
    expectations,
    trends,
    recommendation: recommend(performance, cases, isolation, outcome, trends),
    outcome,
  };
}

function runSummary(started: RunStarted | undefined, finished: RunFinished | undefined): RunSummary {
  const startedAt = started?.startedAt ?? null;
  const finishedAt = finished?.finishedAt ?? null;
  const durationMs = startedAt && finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : null;
  const hash = started ? scenarioDefinitionHash(started.scenario.name, started.scenario.definition, started.runOptions) : undefined;
  return {
    runId: started?.runId ?? 'unknown',
    scenario: {
      name: started?.scenario.name ?? 'unknown',
      file: started?.scenario.file ?? 'unknown',
      ...descriptionOf(started?.scenario.definition),
      ...(hash ? { definitionHash: hash } : {}),
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
 * Exit 3 when there is nothing to judge: no run-started record, no run-finished record (killed),
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

function decideOutcome(expectations: Expectation[], cannotRun: string | null, trends: TrendReport | null): Outcome {
  const failed = expectations.filter((e) => e.status === 'failed').map((e) => e.id);
  const skipped = expectations.filter((e) => e.status === 'skipped').length;
  const judged = expectations.length - skipped;
  const notes = [
    skipped ? `${skipped} skipped` : '',
    // A regression the scenario does not fail on is still news: it goes into the reason.
    trends && trends.regressions && !trends.settings.failOnRegression
      ? `${trends.regressions} metric${trends.regressions === 1 ? '' : 's'} regressed against earlier runs (reported, not failing: spec.trends.failOnRegression is off)`
      : '',
  ].filter(Boolean);
  const tail = notes.length ? `; ${notes.join('; ')}` : '';
  if (cannotRun) return { exitCode: 3, status: 'cannot-run', reason: cannotRun, failed };
  if (failed.length) {
    return { exitCode: 1, status: 'failed', reason: `${failed.length} of ${judged} expectations failed: ${failed.join(', ')}${tail}`, failed };
  }
  return { exitCode: 0, status: 'passed', reason: `all ${judged} expectations held${tail}`, failed };
}

/** The run's last word on this machine's kernel (kind), without its record type. */
function hostKernelOf(records: readonly RawRecord[]): Results['hostKernel'] {
  const record = records.findLast((r) => r.type === 'host-kernel');
  if (record?.type !== 'host-kernel') return null;
  const { type: _, ...hostKernel } = record;
  return hostKernel;
}
