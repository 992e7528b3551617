import { EnvironmentError, UserError } from '../errors.js';
import { Interrupted } from './abort.js';
import { afterFailure } from './failure.js';
import type { RunContext } from './run-context.js';
import type { Phase, RunState } from './state.js';

export type RunStatus = 'completed' | 'failed' | 'interrupted';

export interface PhasesOutcome {
  status: RunStatus;
  reason?: string;
}

/**
 * Runs the phases that apply, in order, each timed and recorded. A failure stops the list; so does
 * the run's signal (Ctrl-C), which aborts the running phase's programs, requests and waits. Only
 * once that phase has stopped does the clean-up run, so nothing is deleted under work still going on.
 */
export async function runPhaseList(phases: readonly Phase[], state: RunState, context: RunContext): Promise<PhasesOutcome> {
  let outcome: PhasesOutcome = { status: 'completed' };
  try {
    for (const phase of phases) {
      if (context.signal.aborted) throw context.signal.reason instanceof Error ? context.signal.reason : new Interrupted('abort');
      if (!phase.applies(state)) continue;
      await context.phase(phase.name(state), () => phase.run(state));
    }
  } catch (error) {
    const interrupted = context.signal.aborted;
    const reason = interrupted && context.signal.reason instanceof Error
      ? context.signal.reason.message
      : error instanceof UserError ? `${error.where ? `${error.where}: ` : ''}${error.message}` : error instanceof Error ? error.message : String(error);
    outcome = { status: interrupted ? 'interrupted' : 'failed', reason };
    await context.record({
      type: 'error', at: new Date().toISOString(), message: reason,
      ...((error instanceof EnvironmentError || error instanceof UserError) && error.fix ? { fix: error.fix } : {}),
    }).catch(() => undefined);
    context.say(`✖ ${reason.split('\n')[0]}`);
    // Ctrl-C is the user stopping the run, not a failure to look into: everything goes.
    if (!interrupted) await afterFailure(state, reason.split('\n')[0] ?? reason).catch(() => undefined);
  } finally {
    await context.cleanup();
  }
  return outcome;
}
