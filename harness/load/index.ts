export { checkTarget, containerDeadlineMs, loadCeilings, loadDefaults, loadgenArgs, resolveLimits } from './args.js';
export type { BurstLoad, LoadLimits, LoadSpec, RateLoad } from './args.js';
export { demuxDockerLogs, disableReaper, removeRunContainers, roleLabel, runLabel, SysctlContainer, waitForExit } from './container.js';
export { LoadDriver, LoadError, runLoad } from './driver.js';
export type { LoadDriverOptions, LoadResult, LoadRunOptions } from './driver.js';
export { ipcBenchArgs, ipcMetrics, IpcResultSchema, parseIpcResult } from './ipc.js';
export type { IpcResult, IpcSpec, MsgResult, SemResult } from './ipc.js';
export { capSamples, loadMetricNames, LoadSummarySchema, MAX_CONNECT_SAMPLES, parseLoadSummary, toMeasurement } from './summary.js';
export type { LoadMeasurement, LoadMetricName, LoadSummary } from './summary.js';
