import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Artefact, Probe } from '../artefact.js';
import { buildRecord } from '../build-records.js';
import { fingerprintLabel, inspectImage } from '../docker.js';
import { run } from '../exec.js';
import { fingerprint } from '../fingerprint.js';
import { cacheDir, repoPath } from '../paths.js';
import { pinned } from '../versions.js';

/**
 * sysctl-bench/base: a `debootstrap --variant=minbase` Debian root with iptables, iproute2 and
 * conntrack, imported into Docker. kube-proxy's and the CNI agent's images are built FROM it, so
 * that nothing is ever pulled from a registry.
 */

/** Debian mirror for debootstrap; the machines' apt uses this one. */
export function debianMirror(): string {
  return process.env.SYSCTL_BENCH_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
}

/** Package names from a list file: one per line, '#' comments. */
export function readPackageList(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.length > 0);
}

/**
 * debootstrap into a fresh directory. The .deb files are kept in one cache shared by every image
 * built here, so the second debootstrap downloads only what the first did not.
 */
export async function debootstrap(rootfs: string, packages: readonly string[], logFile: string): Promise<void> {
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(rootfs, { recursive: true });
  const debs = cacheDir('debootstrap-debs', pinned.debianSuite);
  mkdirSync(debs, { recursive: true });
  await run(
    'debootstrap',
    ['--variant=minbase', `--cache-dir=${debs}`, `--include=${packages.join(',')}`, pinned.debianSuite, rootfs, debianMirror()],
    { logFile, timeoutMs: 30 * 60_000 },
  );
}

/** Drops what an image does not need: apt's lists and archives, docs, man pages, locales. */
export async function trimRootfs(rootfs: string, logFile: string): Promise<void> {
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/log']) {
    rmSync(join(rootfs, dir), { recursive: true, force: true });
    mkdirSync(join(rootfs, dir), { recursive: true });
  }
  await run('mkdir', ['-p', join(rootfs, 'var/lib/apt/lists/partial'), join(rootfs, 'var/cache/apt/archives/partial')], { logFile });
}

/** Copies a tree of files into the rootfs, keeping modes and symlinks. */
export async function copyTree(from: string, rootfs: string, logFile: string): Promise<void> {
  await run('cp', ['-a', '--no-preserve=ownership', `${from}/.`, `${rootfs}/`], { logFile });
}

/**
 * `docker import` of a rootfs directory, with Dockerfile-style changes (ENV, LABEL, ENTRYPOINT,
 * CMD). The tarball keeps numeric owners, xattrs and file capabilities.
 */
export async function importRootfs(rootfs: string, ref: string, changes: readonly string[], logFile: string): Promise<void> {
  const tarball = `${rootfs}.tar`;
  await run('tar', ['--numeric-owner', '--xattrs', '--xattrs-include=*', '-C', rootfs, '-cf', tarball, '.'], { logFile, timeoutMs: 30 * 60_000 });
  try {
    const args = ['import'];
    for (const change of changes) args.push('--change', change);
    await run('docker', [...args, tarball, ref], { logFile, timeoutMs: 30 * 60_000 });
  } finally {
    rmSync(tarball, { force: true });
  }
}

export async function imageSize(ref: string): Promise<number> {
  return (await inspectImage(ref))?.sizeBytes ?? 0;
}

/** Probe shared by every image artefact: present and built from these inputs. */
export async function probeImage(ref: string, fp: string, id: string, fix: string): Promise<Probe> {
  const info = await inspectImage(ref);
  if (!info) return { state: 'missing', detail: `no image ${ref}`, fix };
  if (info.labels[fingerprintLabel] !== fp) {
    return { state: 'missing', detail: `${ref} was built from other inputs`, fix };
  }
  return { state: 'built', detail: `${ref} (${(info.sizeBytes / 1e6).toFixed(0)} MB)`, build: buildRecord(id) };
}

const baseDir = () => repoPath('images', 'base');

export function baseImageFingerprint(): string {
  return fingerprint(['base-image', pinned.debianSuite, debianMirror()], [baseDir()]);
}

export function baseImageRef(): string {
  return `sysctl-bench/base:${baseImageFingerprint()}`;
}

export const baseImageArtefact: Artefact = {
  id: 'base-image',
  title: 'base image (Debian)',
  dependsOn: ['docker-engine'],
  fingerprint: baseImageFingerprint,
  probe: () => probeImage(baseImageRef(), baseImageFingerprint(), 'base-image', 'sysctl-bench doctor --fix (debootstrap, ~1 min)'),
  async build(context) {
    const rootfs = cacheDir('build', 'base', 'rootfs');
    context.step(`debootstrap --variant=minbase ${pinned.debianSuite}`);
    await debootstrap(rootfs, readPackageList(join(baseDir(), 'packages.txt')), context.logFile);
    context.step('add files, trim');
    await copyTree(join(baseDir(), 'files'), rootfs, context.logFile);
    await trimRootfs(rootfs, context.logFile);
    context.step(`docker import ${baseImageRef()}`);
    await importRootfs(
      rootfs,
      baseImageRef(),
      [
        `LABEL ${fingerprintLabel}=${baseImageFingerprint()}`,
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        'CMD ["/bin/sh"]',
      ],
      context.logFile,
    );
    rmSync(rootfs, { recursive: true, force: true });
    return imageSize(baseImageRef());
  },
};
