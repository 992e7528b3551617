import { kernelMetricNames } from '../counters/catalogue.js';
import { ipcMetrics, type IpcResult } from '../load/ipc.js';
import { isOpenModel, modeMetrics } from '../load/modes/index.js';
import { loadSpecFor, type LoadEntry } from './limits.js';

/**
 * The metrics a measurement of a workload will record, taken from the code that records them: a
 * load's are what its mode says it produces for the spec the run builds (harness/load/modes), an
 * ipc run's what ipcMetrics makes of ipc-bench's result (named by the sizes and operation counts
 * asked for). Beside those, every repetition records the kernel counters of the measured pods'
 * namespaces (harness/counters/catalogue.ts: the network ones for a load, the IPC ones for ipc).
 * A threshold may only name one of these: a metric no load produces would never be measured, and
 * the threshold would be judged on nothing.
 */
export function loadMetricNamesFor(entry: LoadEntry): readonly string[] {
  return [...clientMetricNamesFor(entry), ...kernelMetricNames('network')];
}

function clientMetricNamesFor(entry: LoadEntry): readonly string[] {
  try {
    return modeMetrics(entry.mode, isOpenModel(loadSpecFor(entry, 'http://127.0.0.1:8080/', 1)));
  } catch {
    // An entry the schema refuses on its own: every metric its mode can produce.
    return [...new Set([...modeMetrics(entry.mode, false), ...modeMetrics(entry.mode, true)])];
  }
}

const zeroErrors = { EINVAL: 0, E2BIG: 0, ENOSPC: 0, EAGAIN: 0, other: 0 };
const zeroCase = { ops: 0, attempts: 0, seconds: 0, ops_per_s: 0, errors: zeroErrors, stopped_early: false };

/** The metrics an ipc run records for the message sizes or semop counts it is given. */
export function ipcMetricNames(test: 'msg' | 'sem', values: readonly number[]): string[] {
  const limits = { 'kernel.msgmax': null, 'kernel.msgmnb': null, 'kernel.msgmni': null, 'kernel.sem': null };
  const result: IpcResult = test === 'msg'
    ? { test, seconds: 0, limits, cases: values.map((size) => ({ size, ...zeroCase, queue_fill: { messages: 0, bytes: 0, stopped_by: '' } })) }
    : { test, seconds: 0, limits, cases: values.map((nsops) => ({ nsops, nsems: 1, ...zeroCase })), sets: [] };
  return [...Object.keys(ipcMetrics(result)), ...kernelMetricNames('ipc')];
}
