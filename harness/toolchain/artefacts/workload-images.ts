import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Artefact, BuildContext, Probe } from '../artefact.js';
import { buildRecord } from '../build-records.js';
import { fingerprintLabel, inspectImage } from '../docker.js';
import { run } from '../exec.js';
import { fingerprint } from '../fingerprint.js';
import { cachedBinary, fileSize } from '../go-tool.js';
import { notInstalledMessage } from '../host-programs.js';
import { EnvironmentError } from '../../errors.js';
import { cacheDir, repoPath } from '../paths.js';

/**
 * The images sysctl-bench runs as workloads and as its load generator. Each is FROM scratch: one
 * static binary built here from images/<app>/, plus Debian's static busybox so that
 * `kubectl exec <pod> -- cat /proc/sys/...` and `sysctl -w` work in the pods. Built as a root
 * filesystem tarball and `docker import`ed: no registry, no base image, no Dockerfile builder.
 */
export type WorkloadApp = 'net-server' | 'ipc-bench' | 'gateway';
export type ImageApp = WorkloadApp | 'loadgen';

/** Bumped when the recipe below changes in a way the input files do not show. */
const recipe = 'workload-image/1';

/** Where busybox-static puts its binary on Debian. */
export const busyboxPath = '/bin/busybox';

/** The busybox applets linked into every image: enough to look at and set sysctls, and to idle. */
export const busyboxApplets = ['sh', 'cat', 'sysctl', 'sleep', 'ls', 'echo', 'env', 'ps', 'wget', 'nc', 'ip', 'netstat', 'true', 'false'] as const;

interface ImageSpec {
  app: ImageApp;
  title: string;
  language: 'go' | 'c';
  entrypoint: string[];
  env: Record<string, string>;
  exposed?: number;
}

const specs: Record<ImageApp, ImageSpec> = {
  'net-server': {
    app: 'net-server',
    title: 'net-server image (HTTP server with a set listen backlog and accept rate)',
    language: 'go',
    entrypoint: ['/usr/local/bin/net-server'],
    env: { PORT: '8080', BACKLOG: '65535', ACCEPT_RATE: '0' },
    exposed: 8080,
  },
  'ipc-bench': {
    app: 'ipc-bench',
    title: 'ipc-bench image (System V message queues and semaphores)',
    language: 'c',
    entrypoint: ['/usr/local/bin/ipc-bench'],
    env: {},
  },
  gateway: {
    app: 'gateway',
    title: 'gateway image (calls its upstream on a new connection per request: the connection-churn proof)',
    language: 'go',
    entrypoint: ['/usr/local/bin/gateway'],
    env: { PORT: '8080' },
    exposed: 8080,
  },
  loadgen: {
    app: 'loadgen',
    title: 'loadgen image (sysctl-bench load generator)',
    language: 'go',
    entrypoint: ['/usr/local/bin/loadgen'],
    env: {},
  },
};

export function imageFingerprint(app: ImageApp): string {
  const spec = specs[app];
  return fingerprint([recipe, app, spec.language, JSON.stringify(spec.entrypoint), JSON.stringify(spec.env), String(spec.exposed ?? ''), busyboxApplets.join(',')], [repoPath('images', app)]);
}

export function imageRef(app: ImageApp): string {
  return `sysctl-bench/${app}:${imageFingerprint(app)}`;
}

/** The `docker import --change` lines that make the tarball a runnable, labelled image. */
export function importChanges(app: ImageApp, fp: string): string[] {
  const spec = specs[app];
  const changes = [`LABEL ${fingerprintLabel}=${fp}`, `LABEL io.sysctl-bench.app=${app}`, `ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`];
  for (const [key, value] of Object.entries(spec.env)) changes.push(`ENV ${key}=${value}`);
  changes.push('ENV PATH=/usr/local/bin:/bin');
  if (spec.exposed) changes.push(`EXPOSE ${spec.exposed}/tcp`);
  return changes;
}

/** The static binary for an app, built from images/<app>/ into the cache (name carries the fingerprint). */
async function buildBinary(spec: ImageSpec, fp: string, context: BuildContext): Promise<string> {
  const source = repoPath('images', spec.app);
  const out = cachedBinary(spec.app, fp);
  if (spec.language === 'go') {
    context.step(`go build ${spec.app}`);
    await run('go', ['build', '-trimpath', '-buildvcs=false', '-ldflags=-s -w', '-o', out, '.'], {
      cwd: source,
      // stdlib only: nothing to fetch; GOTOOLCHAIN=local so that go.mod never triggers a download.
      env: { CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPROXY: 'off' },
      logFile: context.logFile,
      timeoutMs: 20 * 60_000,
    });
  } else {
    context.step(`gcc -static ${spec.app}`);
    await run('gcc', ['-static', '-O2', '-Wall', '-Wextra', '-o', out, join(source, `${spec.app}.c`)], {
      logFile: context.logFile,
      timeoutMs: 10 * 60_000,
    });
  }
  return out;
}

/**
 * Debian's busybox-static, which the set-up installs (scripts/host-programs.txt); when it is
 * missing the error says exactly what to install.
 */
async function ensureBusybox(_context: BuildContext): Promise<void> {
  if (!existsSync(busyboxPath)) throw new EnvironmentError(notInstalledMessage(busyboxPath));
}

async function buildImage(app: ImageApp, context: BuildContext): Promise<number> {
  const spec = specs[app];
  await ensureBusybox(context);
  const fp = imageFingerprint(app);
  const binary = await buildBinary(spec, fp, context);

  context.step(`root filesystem for ${app}`);
  const work = cacheDir('images', app);
  const rootfs = join(work, 'rootfs');
  rmSync(work, { recursive: true, force: true });
  for (const dir of ['bin', 'usr/local/bin', 'tmp', 'etc', 'proc', 'sys', 'dev']) mkdirSync(join(rootfs, dir), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync(busyboxPath, join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  for (const applet of busyboxApplets) symlinkSync('busybox', join(rootfs, 'bin', applet));
  copyFileSync(binary, join(rootfs, 'usr/local/bin', app));
  chmodSync(join(rootfs, 'usr/local/bin', app), 0o755);

  const tarball = join(work, `${app}.tar`);
  await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', tarball, '.'], { logFile: context.logFile });

  context.step(`docker import ${imageRef(app)}`);
  const args = ['import'];
  for (const change of importChanges(app, fp)) args.push('--change', change);
  args.push(tarball, imageRef(app));
  await run('docker', args, { logFile: context.logFile, timeoutMs: 5 * 60_000 });
  rmSync(work, { recursive: true, force: true });
  const info = await inspectImage(imageRef(app));
  return info?.sizeBytes ?? fileSize(binary);
}

async function probeImages(apps: readonly ImageApp[], id: string): Promise<Probe> {
  const found: string[] = [];
  const missing: string[] = [];
  for (const app of apps) {
    const ref = imageRef(app);
    const info = await inspectImage(ref);
    if (info?.labels[fingerprintLabel] === imageFingerprint(app)) found.push(`${ref} (${(info.sizeBytes / 1e6).toFixed(1)} MB)`);
    else missing.push(ref);
  }
  if (missing.length === 0) return { state: 'built', detail: found.join(', '), build: buildRecord(id) };
  const needs = apps.map((app) => (specs[app].language === 'go' ? 'go' : 'gcc with static glibc'));
  return {
    state: 'missing',
    detail: `no image ${missing.join(', ')}`,
    fix: `sysctl-bench doctor --fix (builds here; needs ${[...new Set(needs)].join(', ')} and busybox-static: apt-get install busybox-static)`,
  };
}

/** Artefact for a group of images: current when every one is; a build makes the ones that are not. */
function imagesArtefact(id: string, title: string, apps: readonly ImageApp[]): Artefact {
  return {
    id,
    title,
    dependsOn: ['docker-engine', ...(apps.some((app) => specs[app].language === 'go') ? ['go'] : [])],
    fingerprint: () => fingerprint(apps.map((app) => imageFingerprint(app))),
    probe: () => probeImages(apps, id),
    async build(context) {
      let size = 0;
      for (const app of apps) {
        const info = await inspectImage(imageRef(app));
        size += info?.labels[fingerprintLabel] === imageFingerprint(app) ? info.sizeBytes : await buildImage(app, context);
      }
      return size;
    },
  };
}

/** net-server, ipc-bench and gateway: what the pods run. */
export const workloadImagesArtefact = imagesArtefact('workload-images', 'workload images (net-server, ipc-bench, gateway)', ['net-server', 'ipc-bench', 'gateway']);
/** sysctl-bench's own load generator. */
export const loadgenImageArtefact = imagesArtefact('loadgen-image', 'load generator image (loadgen)', ['loadgen']);

/** For the registry (harness/toolchain/registry.ts): every artefact this module defines. */
export const workloadImageArtefacts: readonly Artefact[] = [workloadImagesArtefact, loadgenImageArtefact];

const artefactFor: Record<ImageApp, Artefact> = {
  'net-server': workloadImagesArtefact,
  'ipc-bench': workloadImagesArtefact,
  gateway: workloadImagesArtefact,
  loadgen: loadgenImageArtefact,
};

const pending = new Map<ImageApp, Promise<string>>();

/**
 * Makes sure the image for an app exists here (building its artefact, under the machine-wide build
 * lock, when it is missing or stale) and returns its tag.
 */
export function ensureImage(app: ImageApp, onStep: (title: string) => void = () => {}): Promise<string> {
  let promise = pending.get(app);
  if (!promise) {
    promise = (async () => {
      const ref = imageRef(app);
      const info = await inspectImage(ref);
      if (info?.labels[fingerprintLabel] !== imageFingerprint(app)) {
        // Imported here: the registry imports this module.
        const { ensureArtefacts } = await import('../ensure.js');
        await ensureArtefacts([artefactFor[app].id], (event) => {
          if (event.kind === 'step') onStep(event.detail);
        });
      }
      return ref;
    })();
    pending.set(app, promise);
    promise.catch(() => pending.delete(app));
  }
  return promise;
}

/** The tag of a workload image (`sysctl-bench/<app>:<fingerprint>`), built first when it is not here. */
export function workloadImageRef(app: WorkloadApp): Promise<string> {
  return ensureImage(app);
}

/** The tag of the load generator's image, built first when it is not here. */
export function loadgenImageRef(): Promise<string> {
  return ensureImage('loadgen');
}
