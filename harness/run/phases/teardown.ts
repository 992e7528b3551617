import { afterFailure, failedSoFar } from '../failure.js';
import type { Phase } from '../state.js';

/**
 * Releases what the run created (kind: its clusters; an existing cluster: its namespace), timed as
 * a phase. A run whose proofs or expectations failed so far first has its clusters' logs exported,
 * and with --retain keeps them.
 */
export const teardownPhase: Phase = {
  name: (state) => state.provider.phaseNames.down,
  applies: (state) => !state.settings.keep,
  async run(state) {
    const failed = await failedSoFar(state.run.runDir);
    if (failed.length > 0) await afterFailure(state, `${failed.length} expectation(s) failed: ${failed.slice(0, 3).join(', ')}${failed.length > 3 ? ', ...' : ''}`);
    await state.run.cleanup();
  },
};
