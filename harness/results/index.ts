export * from './raw.js';
export { RawResultsWriter } from './raw-writer.js';
export { parseRawResults, readRawResults, type RawReadResult } from './raw-reader.js';
export { aggregate, type AggregateOptions } from './aggregate.js';
export { thresholdsFromScenario, baselinesFromScenario } from './thresholds.js';
export * from './results.js';
