import { describe, expect, it } from 'vitest';

describe('the artefact registry', () => {
  it('loads whichever module is imported first (the node image ensures its own inputs through the registry)', async () => {
    const nodeImage = await import('../../../harness/toolchain/artefacts/node-image.js');
    const registry = await import('../../../harness/toolchain/registry.js');
    expect(nodeImage.nodeImageArtefacts('1.37').map((artefact) => artefact.id)).toContain('node-image@1.37');
    expect(new Set(registry.artefacts.map((artefact) => artefact.id)).size).toBe(registry.artefacts.length);
  });

  it('orders what a run needs after what it depends on, and never lists Kubernetes inputs for the node image', async () => {
    const { buildOrder, runArtefactIds } = await import('../../../harness/toolchain/registry.js');
    const order = buildOrder(runArtefactIds).map((artefact) => artefact.id);
    expect(order[0]).toBe('host-programs');
    expect(order.indexOf('docker-engine')).toBeLessThan(order.indexOf('privileged-containers'));
    expect(order.indexOf('privileged-containers')).toBeLessThan(order.indexOf('node-image@1.37'));
    expect(order.indexOf('go')).toBeLessThan(order.indexOf('kind'));
    // A machine that can pull kindest/node must not compile Kubernetes: those are built inside the node image's build.
    expect(order.some((id) => id.startsWith('kubernetes-binaries'))).toBe(false);
    expect(order.some((id) => id.startsWith('component-images'))).toBe(false);
  });

  it('gives each Kubernetes minor its own node image, binaries and component images, sharing the rest', async () => {
    const { artefactById, artefactsFor, buildOrder, runArtefactIdsFor } = await import('../../../harness/toolchain/registry.js');
    expect(runArtefactIdsFor('1.36')).toContain('node-image@1.36');
    expect(runArtefactIdsFor('1.36.3')).toContain('node-image@1.36');
    const ids36 = artefactsFor('1.36').map((artefact) => artefact.id);
    expect(ids36).toEqual(expect.arrayContaining(['kubernetes-binaries@1.36', 'component-images@1.36', 'node-image@1.36', 'base-image', 'kind']));
    expect(ids36.some((id) => id.endsWith('@1.37'))).toBe(false);
    expect(artefactById('node-image@1.36')?.title).toBe('kind node image v1.36.3');
    expect(artefactById('kubernetes-binaries@1.37')?.title).toBe('Kubernetes binaries v1.37.2');
    const components = buildOrder(['component-images@1.37']).map((artefact) => artefact.id);
    expect(components.indexOf('kubernetes-binaries@1.37')).toBeLessThan(components.indexOf('component-images@1.37'));
    expect(components.indexOf('base-image')).toBeLessThan(components.indexOf('component-images@1.37'));
  });

  it('refuses an unknown artefact, and a Kubernetes minor it has no recipe for, naming the ones it has', async () => {
    const { buildOrder, runArtefactIdsFor } = await import('../../../harness/toolchain/registry.js');
    expect(() => buildOrder(['no-such-thing'])).toThrow(/unknown artefact/);
    expect(() => runArtefactIdsFor('1.30')).toThrow(/Kubernetes 1\.30 cannot be run here: sysctl-bench builds node images for 1\.37, 1\.36, 1\.35, 1\.34/);
  });
});
