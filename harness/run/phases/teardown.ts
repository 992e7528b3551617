import type { Phase } from '../state.js';

/** Releases what the run created (kind: its clusters; an existing cluster: its namespace), timed as a phase. */
export const teardownPhase: Phase = {
  name: (state) => state.provider.phaseNames.down,
  applies: (state) => !state.settings.keep,
  async run(state) {
    await state.run.cleanup();
  },
};
