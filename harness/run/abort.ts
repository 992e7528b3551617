import { setTimeout as delay } from 'node:timers/promises';
import { EnvironmentError } from '../errors.js';

/**
 * Ctrl-C reaches every wait of a run through one AbortSignal: spawned programs are stopped (execa's
 * cancelSignal), Kubernetes requests are aborted (the client's fetch takes the signal), and sleeps
 * and polls end. The running phase then fails with `Interrupted`, and only after it has stopped
 * does the clean-up start.
 */
export class Interrupted extends EnvironmentError {
  constructor(readonly signalName: string) {
    super(`interrupted by ${signalName}`);
    this.name = 'Interrupted';
  }
}

/** The reason the signal was aborted with, as an Error (an AbortSignal may carry anything). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Interrupted(String(reason ?? 'abort'));
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** Sleeps, or rejects with the abort reason as soon as the signal fires. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw error;
  }
}

/**
 * Polls `check` until it returns a value (not undefined) or the time is up; each round waits
 * `intervalMs`. Returns undefined on timeout, so that the caller says what it was waiting for.
 */
export async function poll<T>(check: () => Promise<T | undefined>, options: { timeoutMs: number; intervalMs: number; signal?: AbortSignal }): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    throwIfAborted(options.signal);
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() + options.intervalMs > deadline) return undefined;
    await sleep(options.intervalMs, options.signal);
  }
}
