import type { CheckContext } from '../../../../harness/probes/checks/index.js';
import type { Place, Prober } from '../../../../harness/probes/readers.js';

/**
 * A node with a tuned pod, a neighbour and (on demand) a privileged probe, for one sysctl. Each
 * place has its own value unless `shared` (a node-level sysctl: one value for all); `leak` makes a
 * node write reach the pods (an isolation bug a check must catch).
 */
export interface FakeWorld {
  shared: boolean;
  leak?: boolean;
  podWritable?: boolean;
  values: { host: string; node: string; tuned: string; neighbour: string; probe?: string };
  writes: string[];
}

export function fakeContext(world: FakeWorld, sysctl: string, overrides: Partial<CheckContext> = {}): CheckContext {
  const key = (place: Place): keyof FakeWorld['values'] => {
    if (world.shared) return 'node';
    switch (place.where) {
      case 'host': return 'host';
      case 'node': return 'node';
      case 'pod': return place.pod === 'tuned-0' ? 'tuned' : place.pod === 'probe' ? 'probe' : 'neighbour';
    }
  };
  const prober: Prober = {
    async read(place) {
      return world.values[key(place)] ?? world.values.node;
    },
    async writeNode(node, name, value) {
      world.writes.push(`${node} ${name}=${value}`);
      world.values.node = value;
      if (world.leak) world.values.tuned = world.values.neighbour = value;
    },
    async tryWritePod(pod, _name, value) {
      if (pod === 'probe' || world.podWritable) {
        world.values[key({ where: 'pod', pod })] = value;
        return { ok: true, message: '' };
      }
      return { ok: false, message: 'Read-only file system' };
    },
  };
  return {
    sysctl,
    workload: 'web',
    prober,
    sharesHostKernel: true,
    findPair: async () => ({ tuned: { pod: 'tuned-0', node: 'node-a' }, neighbour: 'plain-0', tunedValue: world.values.tuned }),
    findPod: async () => ({ pod: 'plain-0', node: 'node-a' }),
    async withPrivilegedPod(_node, body) {
      world.values.probe = world.values.node;
      return body('probe');
    },
    ...overrides,
  };
}
