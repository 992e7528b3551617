import { ownImages } from '../../scenario/own-images.js';
import type { Phase } from '../state.js';

/** What the provider needs on this machine (kind: Docker, kind and the images, built when missing), and the image references. */
export const toolchainPhase: Phase = {
  name: () => 'toolchain',
  applies: () => true,
  async run(state) {
    await state.provider.prepare(state.run);
    const own = ownImages(state.scenario);
    state.images = { ...await state.provider.images(state.run), ...(own.length > 0 ? { own } : {}) };
  },
};
