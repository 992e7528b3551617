export { checkTarget, containerDeadlineMs, loadCeilings, loadDefaults, loadDurationMs, loadgenArgs, resolveLimits, shardCount } from './args.js';
export type { BurstLoad, KeepaliveLoad, LoadDistribution, LoadLimits, LoadSpec, RampLoad, RateLoad } from './args.js';
export { demuxDockerLogs, disableReaper, removeRunContainers, roleLabel, runLabel, SysctlContainer, waitForExit } from './container.js';
export { LoadDriver, LoadError, runLoad } from './driver.js';
export type { LoadDriverOptions, LoadResult, LoadRunOptions } from './driver.js';
export {
  bucketBounds, bucketIndex, EMPTY_HISTOGRAM, HISTOGRAM_LAYOUT, histogramOf, HistogramSchema, meanMs, mergeHistograms, percentileMs, percentileUs,
} from './histogram.js';
export type { Histogram } from './histogram.js';
export { ipcBenchArgs, ipcMetrics, IpcResultSchema, parseIpcResult } from './ipc.js';
export type { IpcResult, IpcSpec, MsgResult, SemResult } from './ipc.js';
export { commonLoadMetrics, keepaliveMetrics, latencyMetrics } from './metrics.js';
export type { CommonLoadMetric, LoadMetrics } from './metrics.js';
export { isOpenModel, LOAD_MODE_NAMES, loadEntrySchema, loadModes, modeMetrics, specFromEntry } from './modes/index.js';
export type { LoadModeName, ModeEntry, ModeSpec } from './modes/index.js';
export {
  capSamples, ErrorClasses, loadMetricNames, LoadSummarySchema, MAX_CONNECT_SAMPLES, mergeLoadSummaries, parseLoadSummary, toMeasurement,
} from './summary.js';
export type { LoadMeasurement, LoadMetricName, LoadSummary, MergedLoad, ShardReport } from './summary.js';
