import { isolationCheck } from '../../probes/checks/index.js';
import { snapshotNames } from '../../probes/host-snapshot.js';
import { scenarioSysctls, need, type Phase, type RunState } from '../state.js';

const wantsSnapshot = (state: RunState) => (state.scenario.spec.isolation ?? []).some((entry) => isolationCheck(entry.check).stage === 'end');

/**
 * The kernel as it was before anything of the run could change it: on kind, this machine's (the
 * nodes share it), before any cluster exists; on an existing cluster, each pool node's own, once connected.
 */
export const kernelBeforePhase = (witness: 'host' | 'nodes'): Phase => ({
  name: () => (witness === 'host' ? 'host-before' : 'nodes-before'),
  applies: (state) => state.provider.kernelWitness === witness && wantsSnapshot(state),
  async run(state) {
    state.kernelBefore = await state.provider.kernelSnapshot(snapshotNames(scenarioSysctls(state.scenario)), state.clusters ?? []);
  },
});

/** The end-stage checks (host-proc-unchanged): the same places read again, after the run (on kind: after the clusters are gone). */
export const kernelAfterPhase = (witness: 'host' | 'nodes'): Phase => ({
  name: () => (witness === 'host' ? 'host-after' : 'nodes-after'),
  applies: (state) => state.provider.kernelWitness === witness && wantsSnapshot(state),
  async run(state) {
    const before = need(state.kernelBefore, 'the kernel snapshot before the run');
    const names = [...new Set(Object.values(before).flatMap((snapshot) => Object.keys(snapshot)))];
    const after = await state.provider.kernelSnapshot(names, state.clusters ?? []);
    for (const entry of state.scenario.spec.isolation ?? []) {
      const check = isolationCheck(entry.check);
      if (check.stage !== 'end') continue;
      const outcome = await check.run({
        sysctl: '', workload: entry.workload, sharesHostKernel: state.provider.capabilities.sharesHostKernel, snapshots: { before, after },
        prober: { read: () => Promise.reject(new Error('no reads at the end')), writeNode: () => Promise.reject(new Error('no writes at the end')), tryWritePod: () => Promise.reject(new Error('no writes at the end')) },
        findPair: async () => undefined, findPod: async () => undefined, withPrivilegedPod: () => Promise.reject(new Error('no pods at the end')),
      });
      const record = { type: 'isolation' as const, check: check.name, sysctl: '*', ...(entry.workload ? { workload: entry.workload } : {}), ...outcome };
      await state.run.record(record);
      state.run.say(`  ${record.passed ? '✔' : '✖'} ${record.check} ${record.sysctl}: ${record.detail}`);
    }
  },
});
