import type { Phase } from '../state.js';

/** What runs killed earlier left (clusters, containers, namespaces): removed before this run adds its own. */
export const leftoversPhase: Phase = {
  name: () => 'leftovers',
  applies: () => true,
  async run(state) {
    const removed = await state.provider.removeLeftovers(state.run);
    if (removed.length > 0) state.run.say(`  removed ${removed.length} leftovers: ${removed.join(', ')}`);
  },
};
