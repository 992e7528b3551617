import type { Comparison } from '../stats/compare.js';
import type { MetricDirection } from '../stats/direction.js';
import type { ConfidenceInterval } from '../stats/bootstrap.js';
import type { AdmissionRecord, Environment, HostKernelRecord, IsolationRecord, PhaseRecord, Rollout, RolloutNote, RunStatus, Series, WorkloadKind } from './raw.js';

/**
 * `results.json`: everything a report shows, computed from the raw records and the scenario's
 * thresholds. Versioned: `schemaVersion` is the major (a reader written for 1 reads every 1.x
 * file), `schemaMinor` counts additions within it. Documented in docs/results.md, with what each
 * minor added.
 */
export const RESULTS_SCHEMA_VERSION = 1;
/**
 * 1: expectations[].status and phase, skipped expectations of a run that stopped early, `trends`,
 * run.scenario.definitionHash, outcome.exitCode 3 (was 2) for a run that could not be carried out.
 * 2: `hostKernel` (kind): the machine's whole /proc/sys, what differed, who changed it, whether put back.
 * 3: `rolloutNotes`; admission cases' `kubernetesVersion`; `environment.kubernetesVersions` (a
 * version-matrix run), and then expectation ids `admission/<workload>/<variant>/<pool>/<version>`.
 */
export const RESULTS_SCHEMA_MINOR = 3;

/** A results.json never holds 2 (wrong input never produces a run); 3: the run could not be carried out. */
export type ExitCodeValue = 0 | 1 | 3;

export interface Results {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  /** Absent in files written before minor 1. */
  schemaMinor: number;
  run: RunSummary;
  environment: Environment | null;
  loadGenerator: { name: string; version: string } | null;
  rollout: Rollout | null;
  /** What no kubelet allowlist changes (Pod Security, sysctls the kubelet sets itself); absent before minor 3. */
  rolloutNotes?: RolloutNote[];
  phases: Omit<PhaseRecord, 'type'>[];
  problems: Problem[];
  /** Lines of raw/results.jsonl that were skipped, and thresholds that could not be read. */
  warnings: string[];
  admission: AdmissionMatrix;
  performance: WorkloadPerformance[];
  isolation: IsolationProof[];
  /**
   * kind only (its nodes share this machine's kernel): every /proc/sys entry of the machine before
   * the first cluster and after the last, what differed, who changed it, and whether it was put
   * back (schema 1.2). null on an existing cluster, and for runs recorded before 1.2.
   */
  hostKernel: HostKernel | null;
  thresholds: ThresholdResult[];
  expectations: Expectation[];
  /** This run against earlier runs of the same scenario; null when no history was given. */
  trends: TrendReport | null;
  recommendation: Recommendation;
  outcome: Outcome;
}

export interface RunSummary {
  runId: string;
  /**
   * `description` is the scenario's own one-line purpose, when it has one. `definitionHash` tells
   * runs of the same scenario definition apart from runs of an edited one (trends compare only
   * runs with the same name and hash; see scenarioDefinitionHash).
   */
  scenario: { name: string; file: string; description?: string; definitionHash?: string };
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
  /** Where the kernel_* metrics were read, when they were: the pods, their nodes, and how. */
  kernel?: KernelProvenance;
}

/** The namespaces the kernel counters of a workload came from (raw records' `kernel`). */
export interface KernelProvenance {
  namespace: 'network' | 'ipc';
  /** Each pod read, once per variant: its node and the way in. */
  pods: Array<{ variant: string; pod: string; node: string; via: string }>;
  /** Repetitions whose counters could not be read, or only in part: why. */
  problems: string[];
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
  /** The metric's unit, when it was measured: `actual`, `max` and `min` are in it. */
  unit?: string;
  verdict: string | null;
  passed: boolean;
  /** `skipped`: the run stopped before the metric was measured (not a failure of the tuning). */
  status: ExpectationStatus;
  detail: string;
}

export type ExpectationCategory = 'admission' | 'isolation' | 'threshold' | 'trend' | 'run';

/** `skipped`: the run stopped before this could be judged; `detail` says why. Never a failure. */
export type ExpectationStatus = 'passed' | 'failed' | 'skipped';

export interface Expectation {
  id: string;
  category: ExpectationCategory;
  /** Stable across runs of a scenario (CI test history keys on it): it names no measured value. */
  name: string;
  /** true only for `status: passed`. */
  passed: boolean;
  status: ExpectationStatus;
  /** The raw `phase` whose work decided it (deploy, load, probes, ...), for per-test times. */
  phase?: string;
  detail: string;
}

/** How trends are judged; from the scenario's `spec.trends`, with defaults. */
export interface TrendSettings {
  /** How many earlier runs (of the same scenario name and definition hash) are compared. */
  window: number;
  /** Fewer comparable earlier runs than this: no judgement, only the chart. */
  minRuns: number;
  /** Band half-width in robust standard deviations (1.4826 × MAD); 3.5 is Iglewicz & Hoaglin's cut-off. */
  k: number;
  failOnRegression: boolean;
}

export interface TrendPoint {
  runId: string;
  startedAt: string | null;
  /** Short x-axis label: the date and time of the run. */
  label: string;
  median: number;
  ciLow: number;
  ciHigh: number;
  baselineMedian: number | null;
}

export type TrendStatus = 'regression' | 'improvement' | 'within' | 'insufficient-history';

export interface Trend {
  workload: string;
  variant: string;
  metric: string;
  label: string;
  unit: string;
  direction: MetricDirection;
  /** The earlier runs in the window, oldest first, then this run. */
  points: TrendPoint[];
  /** Median of the earlier runs' medians ± k robust standard deviations; null without enough history. */
  band: { center: number; low: number; high: number; mad: number } | null;
  status: TrendStatus;
  /** Why, in words, with the numbers. */
  detail: string;
}

export interface TrendReport {
  settings: TrendSettings;
  /** Earlier runs compared (same scenario name and definition hash, finished), oldest first. */
  compared: string[];
  /** Earlier runs in the history folder not compared, by why. */
  ignored: { otherScenario: number; otherDefinition: number; unfinished: number; noHash: number };
  trends: Trend[];
  /** Trends with status `regression`. */
  regressions: number;
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

export type HostKernel = Omit<HostKernelRecord, 'type'>;

export type { WorkloadKind };
