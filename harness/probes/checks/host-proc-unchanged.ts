import { diffSnapshots } from '../host-snapshot.js';
import type { CheckOutcome, IsolationCheck } from './types.js';

/**
 * The kernel's values before and after the whole run: the harness must leave no trace. Where the
 * nodes share this machine's kernel (kind) the machine itself is read, after every cluster is gone;
 * on a cluster sysctl-bench did not create, each node is read, before its namespace is released.
 */
export const hostProcUnchanged: IsolationCheck<'host-proc-unchanged'> = {
  name: 'host-proc-unchanged',
  summary: "the kernel's watched values read the same after the run as before it",
  sysctl: 'none',
  writesNode: false,
  stage: 'end',
  async run(context): Promise<CheckOutcome> {
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
