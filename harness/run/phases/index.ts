import type { Phase } from '../state.js';
import { clusterPhase, imageLoadPhase } from './cluster.js';
import { deployPhase } from './deploy.js';
import { kernelAfterPhase, kernelBeforePhase } from './kernel.js';
import { leftoversPhase } from './leftovers.js';
import { loadPhase } from './load.js';
import { planPhase } from './plan.js';
import { probesPhase } from './probes.js';
import { proceduresPhase } from './procedures.js';
import { teardownPhase } from './teardown.js';
import { toolchainPhase } from './toolchain.js';

/**
 * A run, phase by phase: scenario -> plan -> clusters -> workloads -> load -> proofs -> release.
 * Each phase says whether the scenario has work for it; the runner runs the ones that do, in
 * this order, stopping at the first failure or at Ctrl-C, and cleans up after the running phase
 * has stopped.
 */
export const runPhases: readonly Phase[] = [
  kernelBeforePhase('host'),
  toolchainPhase,
  planPhase,
  leftoversPhase,
  clusterPhase,
  imageLoadPhase,
  kernelBeforePhase('nodes'),
  deployPhase,
  loadPhase,
  probesPhase,
  proceduresPhase,
  kernelAfterPhase('nodes'),
  teardownPhase,
  kernelAfterPhase('host'),
];
