import { alternativeValue } from '../alternative.js';
import { nothingToProbe, Recorder, type IsolationCheck } from './types.js';

/**
 * A node-level sysctl is one value for the whole kernel: the node and every pod read the same (and
 * the machine running sysctl-bench too, when the nodes share its kernel), a change on the node
 * shows in the pods, and an ordinary pod cannot write it. The value is put back whatever happens.
 */
export const nodeLevelShared: IsolationCheck<'node-level-shared'> = {
  name: 'node-level-shared',
  summary: 'a node-level sysctl is one value for node and pods; a node change shows in the pods; a pod cannot write it',
  sysctl: 'node-level',
  writesNode: true,
  stage: 'probes',
  async run(context) {
    const target = await context.findPod();
    if (!target) return nothingToProbe('no running pod to read from');
    const { sysctl, prober } = context;
    const recorder = new Recorder(prober);
    const host = context.sharesHostKernel ? await recorder.read({ where: 'host' }, sysctl, 'before') : undefined;
    const node = await recorder.read({ where: 'node', node: target.node }, sysctl, 'before');
    const pod = await recorder.read({ where: 'pod', pod: target.pod }, sysctl, 'before');
    const changed = alternativeValue(node, []);
    let followed = false;
    try {
      await prober.writeNode(target.node, sysctl, changed);
      followed = (await recorder.read({ where: 'pod', pod: target.pod }, sysctl, 'after node change')) === changed;
    } finally {
      await prober.writeNode(target.node, sysctl, node);
      await recorder.read(context.sharesHostKernel ? { where: 'host' } : { where: 'node', node: target.node }, sysctl, 'restored');
    }
    const write = await prober.tryWritePod(target.pod, sysctl, changed);
    const passed = (host === undefined || host === node) && node === pod && followed && !write.ok;
    return {
      passed, values: recorder.values,
      detail: `${host === undefined ? '' : `host ${host}, `}node ${node}, pod ${pod}; a node change ${followed ? 'reached' : 'did not reach'} the pod; `
        + `the pod's own write ${write.ok ? 'succeeded (it should not)' : `was refused (${write.message || 'read-only'})`}`,
    };
  },
};
