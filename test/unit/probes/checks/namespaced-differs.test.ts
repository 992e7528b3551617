import { describe, expect, it } from 'vitest';
import { namespacedDiffers } from '../../../../harness/probes/checks/namespaced-differs.js';
import { fakeContext } from './fake-context.js';

describe('namespaced-differs', () => {
  it('passes when the tuned pod reads its own value, unlike node and neighbour', async () => {
    const world = { shared: false, values: { host: '4096', node: '4096', tuned: '1024', neighbour: '4096' }, writes: [] };
    const outcome = await namespacedDiffers.run(fakeContext(world, 'net.core.somaxconn'));
    expect(outcome.passed).toBe(true);
    expect(outcome.values.map((value) => value.where)).toEqual(['pod tuned-0', 'node node-a', 'pod plain-0']);
  });

  it('fails when the tuned pod reads what its node reads', async () => {
    const world = { shared: false, values: { host: '4096', node: '1024', tuned: '1024', neighbour: '4096' }, writes: [] };
    expect((await namespacedDiffers.run(fakeContext(world, 'net.core.somaxconn'))).passed).toBe(false);
  });

  it('fails, saying why, when there is no pair of pods to compare', async () => {
    const world = { shared: false, values: { host: '1', node: '1', tuned: '2', neighbour: '1' }, writes: [] };
    const outcome = await namespacedDiffers.run(fakeContext(world, 'net.core.somaxconn', { findPair: async () => undefined }));
    expect(outcome).toMatchObject({ passed: false, detail: expect.stringMatching(/no running pod that sets net.core.somaxconn/) });
  });

  it('reads only: it may run on a cluster sysctl-bench did not create', () => {
    expect(namespacedDiffers).toMatchObject({ writesNode: false, sysctl: 'namespaced', stage: 'probes' });
  });
});
