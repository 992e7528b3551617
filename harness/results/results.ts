import type { Comparison, MetricDirection } from '../stats/index.js';
import type { ConfidenceInterval } from '../stats/bootstrap.js';
import type { AdmissionRecord, Environment, IsolationRecord, PhaseRecord, Rollout, RunStatus, Series, WorkloadKind } from './raw.js';

/**
 * `results.json`: everything a report shows, computed from the raw records and the scenario's
 * thresholds. Versioned: a field's meaning never changes within a schemaVersion. Documented in
 * docs/results.md.
 */
export const RESULTS_SCHEMA_VERSION = 1;

export type ExitCodeValue = 0 | 1 | 2;

export interface Results {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  run: RunSummary;
  environment: Environment | null;
  loadGenerator: { name: string; version: string } | null;
  rollout: Rollout | null;
  phases: Omit<PhaseRecord, 'type'>[];
  problems: Problem[];
  /** Lines of raw/results.jsonl that were skipped, and thresholds that could not be read. */
  warnings: string[];
  admission: AdmissionMatrix;
  performance: WorkloadPerformance[];
  isolation: IsolationProof[];
  thresholds: ThresholdResult[];
  expectations: Expectation[];
  recommendation: Recommendation;
  outcome: Outcome;
}

export interface RunSummary {
  runId: string;
  /** `description` is the scenario's own one-line purpose, when it has one. */
  scenario: { name: string; file: string; description?: string };
  startedAt: string | null;
  finishedAt: string | null;
  /** `unfinished`: no run-finished record (the run was killed or is still going). */
  status: RunStatus | 'unfinished';
  durationMs: number | null;
}

export interface Problem {
  kind: 'error' | 'note';
  at: string;
  phase?: string;
  message: string;
  fix?: string;
}

export type AdmissionCase = Omit<AdmissionRecord, 'type'>;

export interface AdmissionMatrix {
  cases: AdmissionCase[];
  total: number;
  matched: number;
  mismatched: number;
}

export interface VariantInfo {
  variant: string;
  /** The sysctls this variant sets (from its admission records); empty for the baseline. */
  sysctls: Record<string, string>;
  repetitions: number;
  warmups: number;
  /** Measured repetitions in which the load generator itself was the bottleneck. */
  saturatedRepetitions: number;
  droppedIterations: number;
  maxGeneratorCpuPercent: number | null;
}

export interface SampleStats {
  /** One value per measured (non-warm-up) repetition, in repetition order. */
  values: number[];
  repetitions: number[];
  n: number;
  median: number;
  ci: ConfidenceInterval;
}

export interface MetricComparison extends Omit<Comparison, 'baseline' | 'tuned'> {
  metric: string;
  label: string;
  unit: string;
  direction: MetricDirection;
  baselineVariant: string;
  variant: string;
  baseline: SampleStats;
  tuned: SampleStats;
}

export interface Distribution {
  metric: string;
  variant: string;
  /** Number of raw samples pooled over the measured repetitions. */
  n: number;
  /** Repetitions that recorded samples of this metric. */
  repetitions: number;
  /**
   * Per percentile: `value` over all pooled samples; `ciLow`/`ciHigh`, the bootstrap 95% interval of
   * the median across repetitions of each repetition's own percentile (repetitions are the
   * independent units; connections within one are not).
   */
  points: { p: number; value: number; ciLow: number; ciHigh: number }[];
}

export interface SeriesRun {
  variant: string;
  repetition: number;
  series: Series;
}

export interface WorkloadPerformance {
  workload: string;
  kind: 'load' | 'ipc';
  baselineVariant: string;
  variants: VariantInfo[];
  comparisons: MetricComparison[];
  distributions: Distribution[];
  series: SeriesRun[];
}

export type IsolationProof = Omit<IsolationRecord, 'type'>;

/**
 * What the scenario expects of a metric: a verdict against the baseline (`expect`), and/or limits on
 * the median of the measured repetitions (`max`, `min`).
 */
export interface Threshold {
  workload: string;
  metric: string;
  /** The variant compared with the baseline; the workload's last variant when absent. */
  variant?: string;
  expect?: 'improved' | 'not-regressed' | 'regressed';
  max?: number;
  min?: number;
}

export interface ThresholdResult extends Threshold {
  id: string;
  /** The variant the threshold was evaluated on, once resolved. */
  evaluatedVariant: string | null;
  actual: number | null;
  verdict: string | null;
  passed: boolean;
  detail: string;
}

export type ExpectationCategory = 'admission' | 'isolation' | 'threshold' | 'run';

export interface Expectation {
  id: string;
  category: ExpectationCategory;
  name: string;
  passed: boolean;
  detail: string;
}

export interface RecommendationItem {
  workload: string;
  variant: string;
  sysctls: Record<string, string>;
  /** A few words for the verdict paragraph. */
  headline: string;
  /** The full evidence: medians, intervals, p-values, pools. */
  because: string;
}

export interface Recommendation {
  rollOut: RecommendationItem[];
  doNotRollOut: RecommendationItem[];
  /** One paragraph, verdict first, for people who never saw the scenario. */
  summary: string;
}

export interface Outcome {
  exitCode: ExitCodeValue;
  status: 'passed' | 'failed' | 'cannot-run';
  reason: string;
  /** Ids of the expectations that failed. */
  failed: string[];
}

export type { WorkloadKind };
