import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { perKubernetesMinor, type Artefact, type Probe } from '../artefact.js';
import { buildRecordFor } from '../build-records.js';
import { ensureArtefacts } from '../ensure.js';
import { fingerprintLabel, imageIsCurrent, inspectImage, tryPull } from '../docker.js';
import { EnvironmentError } from '../../errors.js';
import { run } from '../exec.js';
import { fingerprint } from '../fingerprint.js';
import { cacheDir, repoPath } from '../paths.js';
import { defaultKubernetesMinor, kubernetesRelease, officialNodeImage, pinned, runnableKubernetesVersions, type KubernetesRelease } from '../versions.js';
import { baseImageArtefact, copyTree, debianMirror, debootstrap, imageSize, importRootfs, readPackageList, trimRootfs } from './base-image.js';
import { cniImageRef, componentImagesArtefact, componentImagesFingerprint, readComponentImageSet } from './component-images.js';
import { engineArtefact, privilegedArtefact } from './engine.js';
import { goArtefact } from './go.js';
import { goBuildFromModule, kubernetesBinariesArtefact, kubernetesBinariesFingerprint, kubernetesBinary } from './kubernetes-binaries.js';
import { cachedBinary } from '../go-tool.js';

/**
 * A kind node image that needs no registry, one per Kubernetes minor: Debian (debootstrap) with
 * systemd, containerd, runc and the CNI plugins; kubeadm, kubelet, kubectl and crictl; sysctl-bench's
 * entrypoint and units; and every image the cluster runs, already imported into the node's
 * containerd at build time. kind's own kindest/node image is preferred whenever it is present or
 * can be pulled.
 */

const nodeDir = () => repoPath('images', 'node');
const cniDir = () => repoPath('images', 'cni');

export function nodeImageFingerprint(minor?: string): string {
  const release = kubernetesRelease(minor);
  return fingerprint(
    ['node-image', release.patch, `crictl ${release.criTools}`, pinned.debianSuite, debianMirror(), kubernetesBinariesFingerprint(release.patch), componentImagesFingerprint(release.minor)],
    [nodeDir(), cniDir()],
  );
}

/** The image sysctl-bench builds for this Kubernetes minor and these inputs. */
export function builtNodeImageRef(minor?: string): string {
  return `sysctl-bench/node:v${kubernetesRelease(minor).patch}-${nodeImageFingerprint(minor)}`;
}

/** The CNI manifest kind installs: the image reference filled in; kind's own template fields left for kind. */
export function cniManifest(minor?: string): string {
  return readFileSync(join(cniDir(), 'default-cni.yaml'), 'utf8').replaceAll('@CNI_IMAGE@', cniImageRef(minor));
}

/** crictl (cri-tools) for a minor: kind's `load` and `export logs` call it inside the node. */
export function criToolsVersion(minor?: string): string {
  return kubernetesRelease(minor).criTools;
}

async function buildCrictl(version: string, logFile: string): Promise<string> {
  const crictl = cachedBinary('crictl', version);
  if (existsSync(crictl)) return crictl;
  await goBuildFromModule({
    buildDir: cacheDir('build', `cri-tools-${version}`),
    goMod: ['module sysctl-bench.local/cri-tools-build', '', 'go 1.24', '', `require sigs.k8s.io/cri-tools ${version}`, ''].join('\n'),
    packages: ['sigs.k8s.io/cri-tools/cmd/crictl'],
    output: crictl,
    ldflags: `-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=${version}`,
    logFile,
  });
  return crictl;
}

/**
 * The node image's Debian root (debootstrap with systemd, containerd, runc, the CNI plugins) is the
 * same for every Kubernetes version: made once and kept as a tarball in the cache, so a second
 * version's image, or a rebuild after an entrypoint change, unpacks it in seconds instead of
 * running debootstrap again (1.5–3 min here).
 */
async function nodeDebianRoot(log: string, step: (title: string) => void): Promise<string> {
  const packagesFile = join(nodeDir(), 'packages.txt');
  const fp = fingerprint(['node-debian-root/1', pinned.debianSuite, debianMirror(), readFileSync(packagesFile, 'utf8')]);
  const tarball = cacheDir('build', `node-debian-root-${fp}.tar`);
  if (existsSync(tarball)) return tarball;
  step(`debootstrap ${pinned.debianSuite} with systemd, containerd, runc (once for every Kubernetes version)`);
  const work = cacheDir('build', `node-debian-root-${fp}-${process.pid}`);
  await debootstrap(work, readPackageList(packagesFile), log);
  await run('tar', ['--numeric-owner', '--xattrs', '--xattrs-include=*', '-C', work, '-cf', `${tarball}.${process.pid}`, '.'], { logFile: log, timeoutMs: 30 * 60_000 });
  renameSync(`${tarball}.${process.pid}`, tarball); // whole or absent, even with two builds at once
  rmSync(work, { recursive: true, force: true });
  return tarball;
}

const pullTried = new Set<string>();

/**
 * The image to give `kind create cluster --image` for a Kubernetes minor: kind's official one for
 * the pinned patch when it is here or can be pulled (tried once per process), else the one
 * sysctl-bench built. Throws when neither is usable; `sysctl-bench doctor --fix` (or
 * ensureNodeImage) builds it.
 */
export async function nodeImageRef(minor: string = defaultKubernetesMinor): Promise<string> {
  const release = kubernetesRelease(minor);
  const official = officialNodeImage(release.patch);
  if (await inspectImage(official)) return official;
  if (!pullTried.has(official)) {
    pullTried.add(official);
    if (await tryPull(official)) return official;
  }
  const built = builtNodeImageRef(release.minor);
  if (await imageIsCurrent(built, nodeImageFingerprint(release.minor))) return built;
  throw new EnvironmentError(`no kind node image for Kubernetes v${release.patch}: ${official} cannot be pulled and ${built} is not built`, {
    fix: `sysctl-bench doctor --fix --k8s-version ${release.minor} (builds it locally, ~50 min cold on 2 cores)`,
  });
}

function setSandboxImage(config: string, pauseRef: string): string {
  const replaced = config.replace(/^(\s*sandbox_image\s*=\s*)".*"$/m, `$1"${pauseRef}"`);
  if (replaced === config && !config.includes(`"${pauseRef}"`)) throw new Error('containerd config.toml has no sandbox_image line');
  return replaced;
}

async function chroot(rootfs: string, args: readonly string[], logFile: string): Promise<void> {
  await run('chroot', [rootfs, ...args], { logFile, env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } });
}

/** Units a node container has no use for (no udev, no kernel modules, no consoles). */
const maskedUnits = [
  'systemd-udevd.service',
  'systemd-udevd-control.socket',
  'systemd-udevd-kernel.socket',
  'systemd-modules-load.service',
  'systemd-binfmt.service',
  'sys-kernel-debug.mount',
  'sys-kernel-tracing.mount',
  'sys-kernel-config.mount',
  'getty.target',
  'console-getty.service',
  // binfmt_misc is one registry for the whole kernel: a node must not mount or fill it.
  'proc-sys-fs-binfmt_misc.automount',
  'proc-sys-fs-binfmt_misc.mount',
];

/** The `node-image@<minor>` artefact. */
export const nodeImageArtefact = perKubernetesMinor(makeNodeImageArtefact);

function makeNodeImageArtefact(release: KubernetesRelease): Artefact {
  const { minor, patch } = release;
  const id = `node-image@${minor}`;
  return {
    id,
    title: `kind node image v${patch}`,
    // Its build inputs (Kubernetes binaries, component images) are ensured inside build(), after the
    // official image could not be had: a machine that can pull kindest/node never compiles Kubernetes.
    dependsOn: ['docker-engine', 'privileged-containers'],
    fingerprint: () => nodeImageFingerprint(minor),
    async probe(): Promise<Probe> {
      const official = officialNodeImage(patch);
      if (await inspectImage(official)) return { state: 'found', detail: `${official} (kind's own)` };
      const built = builtNodeImageRef(minor);
      const fp = nodeImageFingerprint(minor);
      const info = await inspectImage(built);
      if (info?.labels[fingerprintLabel] === fp) {
        return { state: 'built', detail: `${built} (${(info.sizeBytes / 1e6).toFixed(0)} MB)`, build: buildRecordFor(id, fp) };
      }
      return { state: 'missing', detail: `neither ${official} nor ${built} is here`, fix: `sysctl-bench doctor --fix --k8s-version ${minor} (pulls kind's image, or builds one locally)` };
    },
    async build(context) {
      const official = officialNodeImage(patch);
      context.step(`docker pull ${official}`);
      if (await tryPull(official)) return imageSize(official);
      await ensureArtefacts([`kubernetes-binaries@${minor}`, `component-images@${minor}`], (event) => {
        if (event.kind === 'step') context.step(`${event.artefact.title}: ${event.detail}`);
      });

      const set = readComponentImageSet(minor);
      if (!set) throw new Error(`component images for v${patch} are not built from the current inputs (build component-images@${minor} first)`);
      const pause = set.images.find((image) => image.name === 'pause');
      if (!pause) throw new Error('the component images hold no pause image');
      const rootfs = cacheDir('build', `node-v${patch}`, 'rootfs');
      const ref = builtNodeImageRef(minor);
      const log = context.logFile;

      context.step(`go build crictl ${release.criTools}`);
      const crictl = await buildCrictl(release.criTools, log);

      const debianRoot = await nodeDebianRoot(log, context.step);
      context.step('unpack the Debian root');
      rmSync(rootfs, { recursive: true, force: true });
      mkdirSync(rootfs, { recursive: true });
      await run('tar', ['--numeric-owner', '--xattrs', '--xattrs-include=*', '-C', rootfs, '-xf', debianRoot], { logFile: log, timeoutMs: 30 * 60_000 });

      context.step('entrypoint, units, containerd config, Kubernetes binaries');
      await copyTree(join(nodeDir(), 'rootfs'), rootfs, log);
      const containerdConfig = join(rootfs, 'etc/containerd/config.toml');
      writeFileSync(containerdConfig, setSandboxImage(readFileSync(containerdConfig, 'utf8'), pause.ref));
      for (const [name, source] of [...(['kubeadm', 'kubelet', 'kubectl'] as const).map((name) => [name, kubernetesBinary(name, patch)]), ['crictl', crictl]]) {
        const target = join(rootfs, 'usr/bin', name!);
        copyFileSync(source!, target);
        chmodSync(target, 0o755);
      }

      context.step('/kind: version, manifests, image archives');
      mkdirSync(join(rootfs, 'kind/manifests'), { recursive: true });
      mkdirSync(join(rootfs, 'kind/images'), { recursive: true });
      writeFileSync(join(rootfs, 'kind/version'), `v${patch}\n`);
      writeFileSync(join(rootfs, 'kind/manifests/default-cni.yaml'), cniManifest(minor));
      copyFileSync(join(nodeDir(), 'manifests/default-storage.yaml'), join(rootfs, 'kind/manifests/default-storage.yaml'));
      copyFileSync(set.archive, join(rootfs, 'kind/images', 'images.tar'));

      context.step('preload the images into the node\'s containerd');
      // The node's own containerd, chrooted, in private mount and PID namespaces (nothing outlives
      // it); the archive is then dropped, the unpacked images stay in /var/lib/containerd.
      copyFileSync(join(nodeDir(), 'build/preload-images.sh'), join(rootfs, 'preload-images.sh'));
      await run('unshare', ['--mount', '--pid', '--fork', '--propagation', 'private', 'chroot', rootfs, '/bin/sh', '/preload-images.sh'], {
        logFile: log,
        timeoutMs: 20 * 60_000,
        env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      });
      rmSync(join(rootfs, 'preload-images.sh'));
      rmSync(join(rootfs, 'kind/images', 'images.tar'));

      context.step('systemd: enable containerd, image import, kubelet, host-kernel guard');
      await chroot(rootfs, ['systemctl', 'enable', 'containerd.service', 'sysctl-bench-images.service', 'kubelet.service', 'sysctl-bench-host-kernel.service'], log);
      await chroot(rootfs, ['systemctl', 'set-default', 'multi-user.target'], log);
      await chroot(rootfs, ['systemctl', 'mask', ...maskedUnits], log);
      await trimRootfs(rootfs, log);
      writeFileSync(join(rootfs, 'etc/machine-id'), ''); // the entrypoint makes one per node

      context.step(`docker import ${ref}`);
      await importRootfs(
        rootfs,
        ref,
        [
          `LABEL ${fingerprintLabel}=${nodeImageFingerprint(minor)}`,
          `LABEL io.sysctl-bench.kubernetes-version=v${patch}`,
          `LABEL io.sysctl-bench.programs=${JSON.stringify({ etcd: release.etcd, coredns: release.coredns, crictl: release.criTools })}`,
          'ENV container=docker',
          'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
        ],
        log,
      );
      rmSync(rootfs, { recursive: true, force: true });
      return imageSize(ref);
    },
  };
}

/** Everything the node image of a minor is made from, in build order (for the registry and for ensureNodeImage). */
export function nodeImageArtefacts(minor?: string): Artefact[] {
  return [
    engineArtefact,
    privilegedArtefact,
    goArtefact,
    kubernetesBinariesArtefact(minor),
    baseImageArtefact,
    componentImagesArtefact(minor),
    nodeImageArtefact(minor),
  ];
}

/**
 * Makes the node image of a Kubernetes minor usable and returns its reference: kind's own when
 * present or pullable, else builds what is missing of sysctl-bench's (probe, build, record, like
 * doctor --fix), logging each build to cacheDir('logs', '<id>.log').
 */
export async function ensureNodeImage(minor: string = defaultKubernetesMinor, onStep: (id: string, detail: string) => void = () => {}): Promise<string> {
  const release = kubernetesRelease(minor);
  await ensureArtefacts([`node-image@${release.minor}`], (event) => onStep(event.artefact.id, event.detail));
  return nodeImageRef(release.minor);
}

export { runnableKubernetesVersions };
