import { describe, expect, it } from 'vitest';
import { DEFAULT_KUBERNETES_VERSION } from '../../../harness/policy/versions.js';
import { kubernetesBinariesFingerprint } from '../../../harness/toolchain/artefacts/kubernetes-binaries.js';
import { fingerprint } from '../../../harness/toolchain/fingerprint.js';
import {
  defaultKubernetesMinor, kubernetesPatch, kubernetesRelease, kubernetesReleases, minorOf, officialNodeImage, runnableKubernetesVersions,
} from '../../../harness/toolchain/versions.js';

describe('Kubernetes versions the toolchain runs', () => {
  it('defaults to 1.37 (pinned 1.37.2), the same default as the policy model', () => {
    expect(defaultKubernetesMinor).toBe('1.37');
    expect(kubernetesPatch()).toBe('1.37.2');
    expect(DEFAULT_KUBERNETES_VERSION).toBe(defaultKubernetesMinor);
    expect(officialNodeImage(kubernetesPatch('1.36'))).toBe('kindest/node:v1.36.3');
  });

  it('pins one patch per minor, newest first', () => {
    expect(runnableKubernetesVersions()).toEqual(['1.37', '1.36', '1.35', '1.34']);
    expect(kubernetesReleases.map((release) => release.patch)).toEqual(['1.37.2', '1.36.3', '1.35.4', '1.34.4']);
    for (const release of kubernetesReleases) expect(minorOf(release.patch)).toBe(release.minor);
    expect(kubernetesRelease('v1.36.1').patch).toBe('1.36.3');
  });

  it('builds etcd of the minor kubeadm asks for, and shares programs between Kubernetes versions', () => {
    for (const release of kubernetesReleases) {
      expect(release.etcd.split('.').slice(0, 2)).toEqual(release.kubeadmAsks.etcd.split('.').slice(0, 2));
      expect(release.coredns.split('.').slice(0, 2)).toEqual(release.kubeadmAsks.coredns.replace(/^v/, '').split('.').slice(0, 2));
    }
    expect(kubernetesRelease('1.36').coredns).toBe(kubernetesRelease('1.37').coredns);
    expect(kubernetesRelease('1.36').criTools).toBe(kubernetesRelease('1.37').criTools);
  });

  it('keeps the kubernetes-binaries fingerprint formula, so binaries already built are reused', () => {
    const names = ['kubeadm', 'kubelet', 'kubectl', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'];
    expect(kubernetesBinariesFingerprint('1.37.2')).toBe(fingerprint(['kubernetes-binaries', '1.37.2', ...names, '-trimpath', '-s -w', 'CGO_ENABLED=0']));
  });

  it('refuses a minor it has no recipe for with the field and the fix', () => {
    expect(() => kubernetesRelease('1.33')).toThrow(/cannot be run here/);
    try {
      kubernetesRelease('1.33');
    } catch (error) {
      expect((error as { where?: string }).where).toBe('spec.kubernetesVersion');
      expect((error as { fix?: string }).fix).toMatch(/1\.37, 1\.36, 1\.35, 1\.34/);
    }
  });
});
