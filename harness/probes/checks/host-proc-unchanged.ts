import { describeDifference } from '../../host/compare.js';
import type { HostEnd } from '../../host/guard.js';
import type { IsolationValue } from '../../results/raw.js';
import { diffSnapshots } from '../host-snapshot.js';
import type { CheckOutcome, IsolationCheck } from './types.js';

/**
 * The kernel's values before and after the whole run: the harness must leave no trace. Where the
 * nodes share this machine's kernel (kind), every readable /proc/sys entry (less the counters that
 * move by themselves) is compared, after what the nodes changed has been put back; on a cluster
 * sysctl-bench did not create, each node's watched values are read, before its namespace is released.
 */
export const hostProcUnchanged: IsolationCheck<'host-proc-unchanged'> = {
  name: 'host-proc-unchanged',
  summary: "the kernel reads the same after the run as before it (on kind: this machine's whole /proc/sys, after putting back what the nodes changed)",
  sysctl: 'none',
  writesNode: false,
  stage: 'end',
  async run(context): Promise<CheckOutcome> {
    if (context.host) return hostOutcome(context.host);
    if (!context.snapshots) return { passed: false, values: [], detail: 'no snapshot was taken before the run' };
    const { before, after } = context.snapshots;
    const values = [];
    const changes: string[] = [];
    let count = 0;
    for (const place of Object.keys(before).sort()) {
      const was = before[place] ?? {};
      const now = after[place] ?? {};
      count += Object.keys(was).length;
      for (const name of Object.keys(was).sort()) {
        values.push({ where: place, name, value: was[name] ?? '', at: 'before run' }, { where: place, name, value: now[name] ?? '(missing)', at: 'after run' });
      }
      for (const change of diffSnapshots(was, now)) changes.push(`${place === 'host' ? '' : `${place}: `}${change.name} ${change.before} -> ${change.after}`);
    }
    const places = Object.keys(before);
    const where = places.length === 1 && places[0] === 'host' ? 'host' : places.join(', ');
    return {
      passed: changes.length === 0 && count > 0, values,
      detail: changes.length > 0
        ? `changed on the ${where}: ${changes.join(', ')}`
        : count === 0 ? 'nothing could be read before the run' : `${count} sysctls (${where}) read the same before and after the run`,
    };
  },
};

/** The verdict from the host's restoration: only what changed is listed, with each value and who changed it. */
function hostOutcome(host: HostEnd): CheckOutcome {
  const values: IsolationValue[] = [];
  for (const change of host.changes) {
    values.push({ where: 'host', name: change.name, value: change.before ?? '(absent)', at: 'before the first cluster' });
    values.push({ where: 'host', name: change.name, value: change.found ?? '(absent)', at: `after the run (${change.who})` });
    if (host.status === 'restored') values.push({ where: 'host', name: change.name, value: change.after ?? '(absent)', at: change.restored ? 'put back' : `not put back: ${change.error ?? ''}` });
  }
  const left = `${host.volatile} counters that move by themselves${host.transientInterfaces.length ? ` and the entries of ${host.transientInterfaces.length} interfaces that came or went` : ''} left out`;
  const foreignNames = new Set(host.foreign.map((difference) => difference.name));
  const ours = host.changes.filter((change) => !foreignNames.has(change.name));
  const changed = ours.length > 0 ? `; the nodes changed ${ours.length}: ${ours.map((change) => change.name).join(', ')}` : '';
  const foreign = host.foreign.length > 0
    ? `; changed by another program during the run, not counted and not put back: ${host.foreign.map((difference) => `${describeDifference(difference)} (${whoOf(host, difference.name)})`).join(', ')}`
    : '';
  if (host.status === 'restored') {
    const passed = host.remaining.length === 0 && host.compared > 0;
    return {
      passed, values,
      detail: passed
        ? `${host.foreign.length > 0 ? `all but ${host.foreign.length} of the` : 'all'} ${host.compared} /proc/sys entries of the host read as before the first cluster (${left})${changed ? `${changed}, put back` : ''}${foreign}`
        : host.compared === 0 ? 'nothing of /proc/sys could be read' : `changed on the host: ${host.remaining.map((difference) => `${describeDifference(difference)} (${whoOf(host, difference.name)})`).join(', ')}`,
    };
  }
  const passed = host.remaining.length === 0;
  return {
    passed, values,
    detail: passed
      ? `${host.compared} /proc/sys entries compared (${left}); every difference is the clusters' or proofs' still running${changed}; put back when the last of ${host.waitingFor.join(', ')} is gone${foreign}`
      : `changed on the host by nothing sysctl-bench runs: ${host.remaining.map((difference) => `${describeDifference(difference)} (${whoOf(host, difference.name)})`).join(', ')}`,
  };
}

function whoOf(host: HostEnd, name: string): string {
  return host.changes.find((change) => change.name === name)?.who ?? 'not a known writer';
}
