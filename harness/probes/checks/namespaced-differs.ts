import { normaliseValue } from '../sysctl-path.js';
import { noPairToProbe, Recorder, type IsolationCheck } from './types.js';

/** A tuned pod's namespaced value is its own: it differs from its node's and from its neighbour's. */
export const namespacedDiffers: IsolationCheck<'namespaced-differs'> = {
  name: 'namespaced-differs',
  summary: "a tuned pod reads its own value, unlike its node and a neighbour on the same node",
  sysctl: 'namespaced',
  writesNode: false,
  stage: 'probes',
  async run(context) {
    const pair = await context.findPair();
    if (!pair) return noPairToProbe(context.sysctl);
    const recorder = new Recorder(context.prober);
    const pod = await recorder.read({ where: 'pod', pod: pair.tuned.pod }, context.sysctl, 'now');
    const node = await recorder.read({ where: 'node', node: pair.tuned.node }, context.sysctl, 'now');
    const neighbour = await recorder.read({ where: 'pod', pod: pair.neighbour }, context.sysctl, 'now');
    const wanted = normaliseValue(pair.tunedValue);
    const passed = pod === wanted && pod !== node && pod !== neighbour;
    return {
      passed, values: recorder.values,
      detail: passed
        ? `the tuned pod reads ${pod}; its node reads ${node} and its neighbour ${neighbour}`
        : `expected the tuned pod to read ${wanted} and to differ from node (${node}) and neighbour (${neighbour}); it reads ${pod}`,
    };
  },
};
