import { describe, expect, it } from 'vitest';
import { hostChangeNotLeaked } from '../../../../harness/probes/checks/host-change-not-leaked.js';
import { fakeContext } from './fake-context.js';

describe('host-change-not-leaked', () => {
  it('passes when a node change reaches no pod, and puts the node value back', async () => {
    const world = { shared: false, values: { host: '4096', node: '4096', tuned: '1024', neighbour: '4096' }, writes: [] as string[] };
    const outcome = await hostChangeNotLeaked.run(fakeContext(world, 'net.core.somaxconn'));
    expect(outcome.passed).toBe(true);
    expect(world.writes).toEqual(['node-a net.core.somaxconn=4095', 'node-a net.core.somaxconn=4096']);
    expect(world.values.node).toBe('4096');
  });

  it('fails when the pods follow the node', async () => {
    const world = { shared: false, leak: true, values: { host: '4096', node: '4096', tuned: '1024', neighbour: '4096' }, writes: [] as string[] };
    const outcome = await hostChangeNotLeaked.run(fakeContext(world, 'net.core.somaxconn'));
    expect(outcome.passed).toBe(false);
    expect(outcome.detail).toMatch(/a pod followed/);
  });

  it('writes a node value: on a cluster sysctl-bench did not create it needs an explicit allowance', () => {
    expect(hostChangeNotLeaked).toMatchObject({ writesNode: true, sysctl: 'namespaced' });
  });
});
