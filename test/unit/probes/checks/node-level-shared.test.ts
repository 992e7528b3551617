import { describe, expect, it } from 'vitest';
import { nodeLevelShared } from '../../../../harness/probes/checks/node-level-shared.js';
import { fakeContext } from './fake-context.js';

describe('node-level-shared', () => {
  it('passes when host, node and pod share one value, a node change shows in the pod, and the pod cannot write', async () => {
    const world = { shared: true, values: { host: '60', node: '60', tuned: '60', neighbour: '60' }, writes: [] as string[] };
    const outcome = await nodeLevelShared.run(fakeContext(world, 'vm.swappiness'));
    expect(outcome.passed).toBe(true);
    expect(world.values.node).toBe('60');
  });

  it('fails when an ordinary pod may write it', async () => {
    const world = { shared: true, podWritable: true, values: { host: '60', node: '60', tuned: '60', neighbour: '60' }, writes: [] as string[] };
    const outcome = await nodeLevelShared.run(fakeContext(world, 'vm.swappiness'));
    expect(outcome.passed).toBe(false);
    expect(outcome.detail).toMatch(/succeeded \(it should not\)/);
  });

  it('leaves the host out where the nodes do not share its kernel', async () => {
    const world = { shared: true, values: { host: '10', node: '60', tuned: '60', neighbour: '60' }, writes: [] as string[] };
    const outcome = await nodeLevelShared.run(fakeContext(world, 'vm.swappiness', { sharesHostKernel: false }));
    expect(outcome.passed).toBe(true);
    expect(outcome.values.some((value) => value.where === 'host')).toBe(false);
  });
});
