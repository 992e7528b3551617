import { beginHostRun, endHostRun, type HostEnd } from '../../host/guard.js';
import { describeDifference } from '../../host/compare.js';
import { isolationCheck } from '../../probes/checks/index.js';
import type { CheckContext } from '../../probes/checks/types.js';
import { snapshotNames } from '../../probes/host-snapshot.js';
import type { Scenario } from '../../scenario/schema.js';
import { scenarioSysctls, need, type Phase, type RunState } from '../state.js';

const wantsSnapshot = (state: RunState) => (state.scenario.spec.isolation ?? []).some((entry) => isolationCheck(entry.check).stage === 'end');

/** The node-level sysctls the scenario's proofs write on a node (and so on a kernel the nodes share), and put back. */
export function proofWrites(scenario: Scenario): Record<string, string> {
  const writes: Record<string, string> = {};
  for (const entry of scenario.spec.isolation ?? []) {
    const check = isolationCheck(entry.check);
    if (check.writesNode && check.sysctl === 'node-level' && entry.sysctl) writes[entry.sysctl] = `the ${check.name} proof (writes it on a node and puts it back)`;
  }
  return writes;
}

/**
 * The kernel as it was before anything of the run could change it. kind: this machine's whole
 * /proc/sys (the nodes share it), kept machine-wide before the first cluster of any run, and put
 * back once the last is gone, whatever the scenario asks; that step is registered first, so that
 * it runs last, after the clusters are removed, on success, failure and Ctrl-C alike. An existing
 * cluster: each pool node's watched values, once connected.
 */
export const kernelBeforePhase = (witness: 'host' | 'nodes'): Phase => ({
  name: () => (witness === 'host' ? 'host-before' : 'nodes-before'),
  applies: (state) => state.provider.kernelWitness === witness && (witness === 'host' ? state.provider.hostKernel !== undefined : wantsSnapshot(state)),
  async run(state) {
    if (witness === 'nodes') {
      const snapshot = need(state.provider.kernelSnapshot, 'the provider\'s node snapshot').bind(state.provider);
      state.kernelBefore = await snapshot(snapshotNames(scenarioSysctls(state.scenario)), state.clusters ?? []);
      return;
    }
    const deps = need(state.provider.hostKernel, 'the provider\'s host kernel').call(state.provider);
    const runId = state.run.runId;
    const begin = await beginHostRun(deps, runId, proofWrites(state.scenario));
    const shared = begin.sharedWith.length > 0 ? `, shared with ${begin.sharedWith.join(', ')}` : '';
    state.run.say(`  /proc/sys: ${begin.baseline.entries} entries as before the first cluster (baseline of ${begin.baseline.runId}${shared})`);
    for (const change of begin.earlier) {
      state.run.say(`  ${change.restored ? 'put back' : 'could not put back'} what an earlier run left: ${change.name} ${change.found ?? '(absent)'} -> ${change.after ?? '(absent)'}${change.error ? ` (${change.error})` : ''}`);
    }
    let ended: Promise<HostEnd> | undefined;
    const end = () => (ended ??= endHostRun(deps, runId).then(async (outcome) => {
      await state.run.record({
        type: 'host-kernel', at: new Date().toISOString(), status: outcome.status, baseline: outcome.baseline, sharedWith: begin.sharedWith,
        waitingFor: outcome.waitingFor, compared: outcome.compared, volatile: outcome.volatile, transientInterfaces: outcome.transientInterfaces,
        changes: outcome.changes, earlier: begin.earlier, remaining: outcome.remaining, foreign: outcome.foreign,
      });
      const restored = outcome.changes.filter((change) => change.restored);
      state.run.say(outcome.status === 'restored'
        ? `  host kernel: ${restored.length} change(s) by the nodes put back${restored.length ? ` (${restored.map((change) => change.name).join(', ')})` : ''}; ${outcome.remaining.length === 0 ? `all ${outcome.compared} entries read as before` : `still different: ${outcome.remaining.map(describeDifference).join(', ')}`}`
        : `  host kernel: put back later, by the last of ${outcome.waitingFor.join(', ')}`);
      if (outcome.foreign.length > 0) state.run.say(`  host kernel: changed by another program during the run (not put back): ${outcome.foreign.map(describeDifference).join(', ')}`);
      return outcome;
    }));
    state.host = { begin, end };
    state.run.onCleanup('host kernel (put back once no sysctl-bench cluster is left)', async () => { await end(); });
  },
});

/**
 * The end-stage checks (host-proc-unchanged). kind: after the clusters are gone, from the host's
 * restoration; an existing cluster: the same node values read again, before the namespace goes.
 */
export const kernelAfterPhase = (witness: 'host' | 'nodes'): Phase => ({
  name: () => (witness === 'host' ? 'host-after' : 'nodes-after'),
  applies: (state) => state.provider.kernelWitness === witness && (witness === 'host' ? state.provider.hostKernel !== undefined : wantsSnapshot(state)),
  async run(state) {
    let context: Pick<CheckContext, 'snapshots' | 'host'>;
    if (witness === 'host') {
      context = { host: await need(state.host, 'the host kernel baseline').end() };
    } else {
      const before = need(state.kernelBefore, 'the kernel snapshot before the run');
      const names = [...new Set(Object.values(before).flatMap((snapshot) => Object.keys(snapshot)))];
      const snapshot = need(state.provider.kernelSnapshot, 'the provider\'s node snapshot').bind(state.provider);
      context = { snapshots: { before, after: await snapshot(names, state.clusters ?? []) } };
    }
    for (const entry of state.scenario.spec.isolation ?? []) {
      const check = isolationCheck(entry.check);
      if (check.stage !== 'end') continue;
      const outcome = await check.run({
        sysctl: '', workload: entry.workload, sharesHostKernel: state.provider.capabilities.sharesHostKernel, ...context,
        prober: { read: () => Promise.reject(new Error('no reads at the end')), writeNode: () => Promise.reject(new Error('no writes at the end')), tryWritePod: () => Promise.reject(new Error('no writes at the end')) },
        findPair: async () => undefined, findPod: async () => undefined, withPrivilegedPod: () => Promise.reject(new Error('no pods at the end')),
      });
      const record = { type: 'isolation' as const, check: check.name, sysctl: '*', ...(entry.workload ? { workload: entry.workload } : {}), ...outcome };
      await state.run.record(record);
      state.run.say(`  ${record.passed ? '✔' : '✖'} ${record.check} ${record.sysctl}: ${record.detail}`);
    }
  },
});
