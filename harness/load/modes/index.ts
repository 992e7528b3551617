import { z } from 'zod';
import type { LoadMetricName } from '../metrics.js';
import { burstMode, type BurstEntry, type BurstLoad } from './burst.js';
import { keepaliveMode, type KeepaliveEntry, type KeepaliveLoad } from './keepalive.js';
import { rampMode, type RampEntry, type RampLoad } from './ramp.js';
import { rateMode, type RateEntry, type RateLoad } from './rate.js';
import type { ResolvedLimits } from './types.js';

/**
 * The load modes. Adding one: a file beside these (its fields, spec, checks, arguments, metrics)
 * with its test, its Go side in images/loadgen/mode_<name>.go, and one entry in each list below;
 * the compiler finds the switch that lacks it.
 */
export const loadModes = { burst: burstMode, rate: rateMode, ramp: rampMode, keepalive: keepaliveMode } as const;

export type LoadModeName = keyof typeof loadModes;
export const LOAD_MODE_NAMES = Object.keys(loadModes) as LoadModeName[];

/** What loadgen runs, by mode. */
export type ModeSpec = BurstLoad | RateLoad | RampLoad | KeepaliveLoad;
/** A scenario's load entry, by mode (its own fields only). */
export type ModeEntry = BurstEntry | RateEntry | RampEntry | KeepaliveEntry;

/**
 * The scenario's `load[]` entry: the common fields plus one mode's, a discriminated union on
 * `mode` (harness/scenario/schema.ts passes its common fields).
 */
export function loadEntrySchema<Common extends z.core.$ZodLooseShape>(common: z.ZodObject<Common, z.core.$strict>) {
  return z.discriminatedUnion('mode', [
    common.extend(burstMode.fields.shape),
    common.extend(rateMode.fields.shape),
    common.extend(rampMode.fields.shape),
    common.extend(keepaliveMode.fields.shape),
  ]);
}

function unreachable(value: never): never {
  throw new Error(`unknown load mode: ${JSON.stringify(value)}`);
}

/** A scenario entry → the load against one target, scaled for reduced-size runs. */
export function specFromEntry(entry: ModeEntry, target: string, scale: number): ModeSpec {
  switch (entry.mode) {
    case 'burst': return burstMode.toSpec(entry, target, scale);
    case 'rate': return rateMode.toSpec(entry, target, scale);
    case 'ramp': return rampMode.toSpec(entry, target, scale);
    case 'keepalive': return keepaliveMode.toSpec(entry, target, scale);
    default: return unreachable(entry);
  }
}

export function checkModeSpec(spec: ModeSpec, limits: ResolvedLimits, shards: number): void {
  switch (spec.mode) {
    case 'burst': return burstMode.check(spec, limits, shards);
    case 'rate': return rateMode.check(spec, limits, shards);
    case 'ramp': return rampMode.check(spec, limits, shards);
    case 'keepalive': return keepaliveMode.check(spec, limits, shards);
    default: return unreachable(spec);
  }
}

export function modeArgs(spec: ModeSpec): string[] {
  switch (spec.mode) {
    case 'burst': return burstMode.args(spec);
    case 'rate': return rateMode.args(spec);
    case 'ramp': return rampMode.args(spec);
    case 'keepalive': return keepaliveMode.args(spec);
    default: return unreachable(spec);
  }
}

/** How long the load itself lasts, in ms (0 for a burst). */
export function modeLoadMs(spec: ModeSpec): number {
  switch (spec.mode) {
    case 'burst': return burstMode.loadMs();
    case 'rate': return rateMode.loadMs(spec);
    case 'ramp': return rampMode.loadMs(spec);
    case 'keepalive': return keepaliveMode.loadMs(spec);
    default: return unreachable(spec);
  }
}

export function isOpenModel(spec: ModeSpec): boolean {
  switch (spec.mode) {
    case 'burst': return burstMode.openModel();
    case 'rate': return rateMode.openModel();
    case 'ramp': return rampMode.openModel();
    case 'keepalive': return keepaliveMode.openModel(spec);
    default: return unreachable(spec);
  }
}

/** The metrics a measurement of `mode` has. */
export function modeMetrics(mode: LoadModeName, openModel: boolean): readonly LoadMetricName[] {
  return loadModes[mode].metrics(openModel);
}

export { burstMode, keepaliveMode, rampMode, rateMode };
export type { BurstLoad, KeepaliveLoad, RampLoad, RateLoad };
export { rampArrivals, type RampStage } from './ramp.js';
export { durationMs, type LoadMode, type ResolvedLimits } from './types.js';
