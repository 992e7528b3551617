import { describe, expect, it } from 'vitest';
import { podChangeContained } from '../../../../harness/probes/checks/pod-change-contained.js';
import { fakeContext } from './fake-context.js';

describe('pod-change-contained', () => {
  it("passes when a privileged pod's own change reaches neither node nor neighbour", async () => {
    const world = { shared: false, values: { host: '4096', node: '4096', tuned: '1024', neighbour: '4096' }, writes: [] as string[] };
    const outcome = await podChangeContained.run(fakeContext(world, 'net.core.somaxconn'));
    expect(outcome.passed).toBe(true);
    expect(world.writes).toEqual([]);
  });

  it('fails when the change shows on the node (one shared value)', async () => {
    const world = { shared: true, values: { host: '4096', node: '4096', tuned: '4096', neighbour: '4096' }, writes: [] as string[] };
    expect((await podChangeContained.run(fakeContext(world, 'net.core.somaxconn'))).passed).toBe(false);
  });

  it('writes only inside its own probe pod', () => {
    expect(podChangeContained).toMatchObject({ writesNode: false, sysctl: 'namespaced' });
  });
});
