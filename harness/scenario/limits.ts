import { loadDefaults, loadgenArgs, type LoadSpec } from '../load/args.js';
import { specFromEntry, type ModeEntry } from '../load/modes/index.js';
import { MAX_LOAD_MS } from '../load/modes/types.js';
import { durationMs, isDuration, parseDuration } from './duration.js';

/**
 * Upper bounds on every number in a scenario: what one 2-core CI machine can run in a nightly job
 * (90 minutes), and what the load generator and ipc-bench accept. The schema refuses a scenario
 * past them, so `plan` says no before any cluster starts; docs/scenario.md lists them.
 */
export const SCENARIO_LIMITS = {
  /** Pools: each is a kind worker node, a container running a kubelet. */
  pools: 6,
  workloads: 16,
  variantsPerWorkload: 8,
  /** Objects created: workloads x variants x pools they run on. */
  deployments: 48,
  replicas: 10,
  /** A/B repetitions per variant, and warm-up runs before them. */
  repetitions: 50,
  warmup: 10,
  /** Entries in the lists of a spec. */
  loadEntries: 16,
  ipcEntries: 16,
  isolationChecks: 32,
  admissionExpectations: 64,
  thresholds: 64,
  procedures: 8,
  /** Patterns in one --allowed-unsafe-sysctls, sysctls in one variant, settings of one workload. */
  patterns: 64,
  sysctlsPerVariant: 64,
  settingsPerWorkload: 32,
  /** Characters in a sysctl value (the kernel reads at most a page) and in a setting's value. */
  valueLength: 4096,
  descriptionLength: 4096,
  /** Load: simultaneous connections and connections per run (loadgen's defaults; its modes check the rest). */
  connections: loadDefaults.maxConcurrency,
  requestsPerRun: loadDefaults.maxRequests,
  /** The run waits this much past the connect timeout for a response. */
  responseGraceMs: 5_000,
  /** ipc-bench: seconds per run, values per list, message size, operations per semop. */
  ipcSeconds: 60,
  ipcListLength: 32,
  ipcMessageBytes: 16 * 1024 * 1024,
  ipcSemops: 65_536,
} as const;

/** The response timeout the run uses when a load entry gives none. */
export const DEFAULT_LOAD_TIMEOUT = '10s';

/** A scenario load entry: one mode's fields (harness/load/modes) and the common timeout. */
export type LoadEntry = ModeEntry & { readonly timeout?: string | undefined };

/**
 * What the run hands the load driver for a scenario's load entry: the mode's own spec
 * (specFromEntry) and the connect and response timeouts. harness/run/measure-phase.ts runs this
 * very function, so the schema checks exactly the load the run will start.
 */
export function loadSpecFor(entry: LoadEntry, target: string, scale: number): LoadSpec {
  // A burst ends when its connections have; its duration is never handed to loadgen, so loadgen's
  // own bound would never refuse a "99999h" that promises what no run does. Refused here, where
  // the schema and the run both ask.
  if (entry.mode === 'burst' && isDuration(entry.duration) && durationMs(entry.duration) >= MAX_LOAD_MS) {
    throw new LoadFieldError('duration', `must be below 10m (got ${entry.duration}): loadgen bounds every run to 600 s, and a burst ends when its connections have finished or failed`);
  }
  const connectTimeoutMs = durationMs(entry.timeout ?? DEFAULT_LOAD_TIMEOUT);
  return { ...specFromEntry(entry, target, scale), connectTimeoutMs, timeoutMs: connectTimeoutMs + SCENARIO_LIMITS.responseGraceMs };
}

/** A load field past a bound the run enforces itself (not loadgen), naming the field. */
export class LoadFieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'LoadFieldError';
  }
}

/** The smallest --scale the check tries (the floors of each mode then apply). */
const SMALLEST_SCALE = 0.001;

/**
 * What is wrong with a load entry, as the load generator's own checks find it when the run starts
 * it (loadgenArgs: the target, the limits, the mode's bounds), at full scale and at the smallest
 * --scale. An entry whose fields do not parse has its own problems already.
 */
export function loadProblems(entry: LoadEntry): { path: (string | number)[]; message: string }[] {
  if (entry.timeout !== undefined && parseDuration(entry.timeout) === undefined) return [];
  for (const scale of [1, SMALLEST_SCALE]) {
    try {
      loadgenArgs(loadSpecFor(entry, 'http://127.0.0.1:8080/', scale));
    } catch (error) {
      if (error instanceof LoadFieldError) return [{ path: [error.field], message: error.message }];
      // A TypeError is a field that did not parse (reported by the schema), not a bound.
      if (!(error instanceof Error) || error instanceof TypeError) return [];
      const at = scale === 1 ? '' : ` at --scale ${scale}`;
      return [{ path: [], message: `the load generator would refuse this load${at}: ${error.message}` }];
    }
  }
  return [];
}
