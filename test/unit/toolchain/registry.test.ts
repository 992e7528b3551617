import { describe, expect, it } from 'vitest';

describe('the artefact registry', () => {
  it('loads whichever module is imported first (the node image ensures its own inputs through the registry)', async () => {
    const nodeImage = await import('../../../harness/toolchain/artefacts/node-image.js');
    const registry = await import('../../../harness/toolchain/registry.js');
    expect(nodeImage.nodeImageArtefacts.map((artefact) => artefact.id)).toContain('node-image');
    expect(new Set(registry.artefacts.map((artefact) => artefact.id)).size).toBe(registry.artefacts.length);
  });

  it('orders what a run needs after what it depends on, and never lists Kubernetes inputs for the node image', async () => {
    const { buildOrder, runArtefactIds } = await import('../../../harness/toolchain/registry.js');
    const order = buildOrder(runArtefactIds).map((artefact) => artefact.id);
    expect(order.indexOf('docker-engine')).toBeLessThan(order.indexOf('privileged-containers'));
    expect(order.indexOf('privileged-containers')).toBeLessThan(order.indexOf('node-image'));
    expect(order.indexOf('go')).toBeLessThan(order.indexOf('kind'));
    // A machine that can pull kindest/node must not compile Kubernetes: those are built inside the node image's build.
    expect(order).not.toContain('kubernetes-binaries');
    expect(order).not.toContain('component-images');
  });

  it('refuses an unknown artefact', async () => {
    const { buildOrder } = await import('../../../harness/toolchain/registry.js');
    expect(() => buildOrder(['no-such-thing'])).toThrow(/unknown artefact/);
  });
});
