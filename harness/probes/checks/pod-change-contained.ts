import { alternativeValue } from '../alternative.js';
import { noPairToProbe, Recorder, type IsolationCheck } from './types.js';

/** A pod's own runtime change (a privileged pod writing /proc/sys) reaches neither its node nor its neighbour. */
export const podChangeContained: IsolationCheck<'pod-change-contained'> = {
  name: 'pod-change-contained',
  summary: "a privileged pod's own change reaches neither its node nor a neighbour",
  sysctl: 'namespaced',
  // The write happens in the probe pod's own namespace; the node's values are only read.
  writesNode: false,
  stage: 'probes',
  async run(context) {
    const pair = await context.findPair();
    if (!pair) return noPairToProbe(context.sysctl);
    const { sysctl, prober } = context;
    const node = pair.tuned.node;
    return context.withPrivilegedPod(node, async (probePod) => {
      const recorder = new Recorder(prober);
      const probe = { where: 'pod', pod: probePod } as const;
      const nodeBefore = await recorder.read({ where: 'node', node }, sysctl, 'before');
      const neighbourBefore = await recorder.read({ where: 'pod', pod: pair.neighbour }, sysctl, 'before');
      const probeBefore = await recorder.read(probe, sysctl, 'before');
      const changed = alternativeValue(probeBefore, [nodeBefore, neighbourBefore]);
      const write = await prober.tryWritePod(probePod, sysctl, changed);
      const probeAfter = await recorder.read(probe, sysctl, 'after pod change');
      const nodeAfter = await recorder.read({ where: 'node', node }, sysctl, 'after pod change');
      const neighbourAfter = await recorder.read({ where: 'pod', pod: pair.neighbour }, sysctl, 'after pod change');
      const passed = write.ok && probeAfter === changed && nodeAfter === nodeBefore && neighbourAfter === neighbourBefore;
      return {
        passed, values: recorder.values,
        detail: !write.ok
          ? `the privileged pod could not write ${sysctl}: ${write.message}`
          : passed
            ? `the pod changed its own value ${probeBefore} -> ${changed}; node kept ${nodeBefore}, neighbour kept ${neighbourBefore}`
            : `after the pod's change: pod ${probeAfter}, node ${nodeBefore} -> ${nodeAfter}, neighbour ${neighbourBefore} -> ${neighbourAfter}`,
      };
    });
  },
};
