import { alternativeValue } from '../alternative.js';
import { noPairToProbe, Recorder, type IsolationCheck } from './types.js';

/**
 * Changing the value on the node (the pods' host) reaches no pod's namespaced value.
 * The node's value is put back whatever happens.
 */
export const hostChangeNotLeaked: IsolationCheck<'host-change-not-leaked'> = {
  name: 'host-change-not-leaked',
  summary: "a change of the node's own value reaches no pod",
  sysctl: 'namespaced',
  writesNode: true,
  stage: 'probes',
  async run(context) {
    const pair = await context.findPair();
    if (!pair) return noPairToProbe(context.sysctl);
    const { sysctl, prober } = context;
    const recorder = new Recorder(prober);
    const node = pair.tuned.node;
    const nodePlace = { where: 'node', node } as const;
    const original = await recorder.read(nodePlace, sysctl, 'before');
    const tunedBefore = await recorder.read({ where: 'pod', pod: pair.tuned.pod }, sysctl, 'before');
    const neighbourBefore = await recorder.read({ where: 'pod', pod: pair.neighbour }, sysctl, 'before');
    const changed = alternativeValue(original, [tunedBefore, neighbourBefore]);
    try {
      await prober.writeNode(node, sysctl, changed);
      await recorder.read(nodePlace, sysctl, 'after node change');
      const tunedAfter = await recorder.read({ where: 'pod', pod: pair.tuned.pod }, sysctl, 'after node change');
      const neighbourAfter = await recorder.read({ where: 'pod', pod: pair.neighbour }, sysctl, 'after node change');
      const passed = tunedAfter === tunedBefore && neighbourAfter === neighbourBefore;
      return {
        passed, values: recorder.values,
        detail: passed
          ? `the node changed ${original} -> ${changed}; the pods kept ${tunedBefore} and ${neighbourBefore}`
          : `the node changed ${original} -> ${changed} and a pod followed: tuned ${tunedBefore} -> ${tunedAfter}, neighbour ${neighbourBefore} -> ${neighbourAfter}`,
      };
    } finally {
      await prober.writeNode(node, sysctl, original);
      if ((await recorder.read(nodePlace, sysctl, 'restored')) !== original) throw new Error(`could not restore ${sysctl} on node ${node} to ${original}`);
    }
  },
};
