import { need, type Phase } from '../state.js';

/** Creates the plan's clusters, or connects to the one that exists; each registers its own removal. */
export const clusterPhase: Phase = {
  name: (state) => state.provider.phaseNames.up,
  applies: () => true,
  async run(state) {
    state.clusters = await state.provider.up(need(state.plan, 'the plan'), state.run);
    for (const cluster of state.clusters) {
      const pooled = cluster.nodes.filter((node) => node.pool !== undefined);
      state.run.say(`  ${cluster.name}: namespace ${cluster.namespace}; ${pooled.map((node) => `${node.name} [${node.pool ?? ''}]`).join(', ') || 'no node in any pool'}`);
    }
  },
};

/** Puts the images into the nodes when the provider does that (the nodes cannot pull them). */
export const imageLoadPhase: Phase = {
  name: () => 'image-load',
  applies: (state) => state.provider.loadsImages,
  async run(state) {
    await state.provider.loadImages(need(state.clusters, 'the clusters'), need(state.images, 'the images'), state.run);
  },
};
