import { describe, expect, it } from 'vitest';
import { hostProcUnchanged } from '../../../../harness/probes/checks/host-proc-unchanged.js';
import { fakeContext } from './fake-context.js';

const world = { shared: false, values: { host: '', node: '', tuned: '', neighbour: '' }, writes: [] };

describe('host-proc-unchanged', () => {
  it('passes when every place reads the same after the run', async () => {
    const snapshots = { before: { host: { 'vm.swappiness': '60', 'fs.file-max': '100' } }, after: { host: { 'vm.swappiness': '60', 'fs.file-max': '100' } } };
    const outcome = await hostProcUnchanged.run(fakeContext(world, '', { snapshots }));
    expect(outcome).toMatchObject({ passed: true, detail: '2 sysctls (host) read the same before and after the run' });
  });

  it('names each change with its place and values', async () => {
    const snapshots = {
      before: { 'node a': { 'vm.swappiness': '60' }, 'node b': { 'vm.swappiness': '60' } },
      after: { 'node a': { 'vm.swappiness': '60' }, 'node b': { 'vm.swappiness': '10' } },
    };
    const outcome = await hostProcUnchanged.run(fakeContext(world, '', { snapshots }));
    expect(outcome.passed).toBe(false);
    expect(outcome.detail).toBe('changed on the node a, node b: node b: vm.swappiness 60 -> 10');
  });

  it('runs at the end, reads only, and takes no sysctl', () => {
    expect(hostProcUnchanged).toMatchObject({ stage: 'end', writesNode: false, sysctl: 'none' });
  });
});
