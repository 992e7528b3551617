import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Artefact, Probe } from '../artefact.js';
import { buildRecord } from '../build-records.js';
import { fingerprintLabel, inspectImage } from '../docker.js';
import { run } from '../exec.js';
import { fingerprint } from '../fingerprint.js';
import { cachedBinary, fileSize } from '../go-tool.js';
import { cacheDir, repoPath } from '../paths.js';
import { pinned } from '../versions.js';
import { baseImageFingerprint, baseImageRef } from './base-image.js';
import {
  goBuildFromModule,
  kubernetesBinariesArtefact,
  kubernetesBinary,
  kubernetesVersion,
} from './kubernetes-binaries.js';

/**
 * Every image a kind cluster needs, built here and tagged exactly as kubeadm asks for them
 * (`kubeadm config images list`), plus sysctl-bench's CNI agent: FROM scratch with one static
 * binary, or FROM the local base image. All are saved to one archive that the node image bakes in.
 */

/** Label with the version of the program inside: kubeadm's tag for etcd names its own pick. */
export const programVersionLabel = 'io.sysctl-bench.program-version';

export interface ComponentImage {
  /** Short name: kube-apiserver, etcd, coredns, pause, cni, ... */
  name: string;
  ref: string;
  programVersion: string;
}

export interface ComponentImageSet {
  fingerprint: string;
  images: ComponentImage[];
  /** One `docker save` of every image: layers shared by kube-proxy and the CNI image are stored once. */
  archive: string;
}

const componentsDir = () => repoPath('images', 'components');
const cniDir = () => repoPath('images', 'cni');

export function componentImagesFingerprint(): string {
  return fingerprint(
    ['component-images/2', pinned.etcd, pinned.coredns, kubernetesBinariesArtefact.fingerprint(), baseImageFingerprint()],
    [componentsDir(), cniDir()],
  );
}

/** The CNI agent's image; the CNI manifest in the node image names it. */
export function cniImageRef(): string {
  return `sysctl-bench.local/cni:${componentImagesFingerprint()}`;
}

function setDir(fp = componentImagesFingerprint()): string {
  return cacheDir('images', `components-${fp}`);
}

function setFile(fp = componentImagesFingerprint()): string {
  return join(setDir(fp), 'images.json');
}

/** The images of the current build, or undefined when they were not built from these inputs. */
export function readComponentImageSet(): ComponentImageSet | undefined {
  const fp = componentImagesFingerprint();
  try {
    const set = JSON.parse(readFileSync(setFile(fp), 'utf8')) as ComponentImageSet;
    return set.fingerprint === fp && typeof set.archive === 'string' ? set : undefined;
  } catch {
    return undefined;
  }
}

/** The image refs kubeadm of this version pulls (and so must find), from kubeadm itself. */
export async function kubeadmImages(logFile?: string): Promise<string[]> {
  const out = await run(
    kubernetesBinary('kubeadm'),
    ['config', 'images', 'list', '--kubernetes-version', `v${kubernetesVersion()}`, '--image-repository', 'registry.k8s.io'],
    { logFile },
  );
  return out.stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}

/** registry.k8s.io/coredns/coredns:v1.12.1 -> coredns */
function shortName(ref: string): string {
  const path = ref.slice(0, ref.lastIndexOf(':'));
  return basename(path);
}

// ---- the programs that are not Kubernetes' own ----

async function buildEtcd(logFile: string): Promise<{ etcd: string; etcdctl: string }> {
  const version = `v${pinned.etcd}`;
  const etcd = cachedBinary('etcd', version);
  const etcdctl = cachedBinary('etcdctl', version);
  const build = cacheDir('build', `etcd-${version}`);
  const goMod = ['module sysctl-bench.local/etcd-build', '', 'go 1.24', '', `require (`, `\tgo.etcd.io/etcd/server/v3 ${version}`, `\tgo.etcd.io/etcd/etcdctl/v3 ${version}`, ')', ''].join('\n');
  const ldflags = `-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${version}`;
  // two programs whose packages are both named .../v3: one -o each
  if (!existsSync(etcd)) await goBuildFromModule({ buildDir: build, goMod, packages: ['go.etcd.io/etcd/server/v3'], output: etcd, ldflags, logFile });
  if (!existsSync(etcdctl)) await goBuildFromModule({ buildDir: build, goMod, packages: ['go.etcd.io/etcd/etcdctl/v3'], output: etcdctl, ldflags, logFile });
  return { etcd, etcdctl };
}

async function buildCoreDNS(logFile: string): Promise<string> {
  const version = `v${pinned.coredns}`;
  const coredns = cachedBinary('coredns', version);
  if (existsSync(coredns)) return coredns;
  const goMod = ['module sysctl-bench.local/coredns-build', '', 'go 1.24', '', `require github.com/coredns/coredns ${version}`, ''].join('\n');
  await goBuildFromModule({
    buildDir: cacheDir('build', `coredns-${version}`),
    goMod,
    packages: ['github.com/coredns/coredns'],
    output: coredns,
    ldflags: `-s -w -X github.com/coredns/coredns/coremain.GitCommit=${version}`,
    logFile,
  });
  return coredns;
}

async function buildPause(logFile: string): Promise<string> {
  const source = join(componentsDir(), 'pause.c');
  const digest = fingerprint([readFileSync(source, 'utf8')]);
  const pause = cachedBinary('pause', digest);
  if (existsSync(pause)) return pause;
  mkdirSync(cacheDir('bin'), { recursive: true });
  await run('gcc', ['-static', '-O2', '-Wall', '-Wextra', '-o', pause, source], { logFile });
  await run('strip', [pause], { logFile });
  return pause;
}

// ---- images ----

async function dockerBuild(options: {
  ref: string;
  dockerfile: string;
  files: Record<string, string>;
  buildArgs?: Record<string, string>;
  labels: Record<string, string>;
  logFile: string;
}): Promise<void> {
  const context = cacheDir('build', 'component-context', shortName(options.ref));
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  for (const [name, source] of Object.entries(options.files)) copyFileSync(source, join(context, name));
  const args = ['build', '--network=none', '-f', options.dockerfile, '-t', options.ref];
  for (const [key, value] of Object.entries(options.buildArgs ?? {})) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of Object.entries(options.labels)) args.push('--label', `${key}=${value}`);
  // The legacy builder: FROM a local image or scratch resolves without a registry.
  await run('docker', [...args, context], { env: { DOCKER_BUILDKIT: '0' }, logFile: options.logFile, timeoutMs: 20 * 60_000 });
  rmSync(context, { recursive: true, force: true });
}

export const componentImagesArtefact: Artefact = {
  id: 'component-images',
  title: 'cluster component images',
  dependsOn: ['docker-engine', 'go', 'kubernetes-binaries', 'base-image'],
  fingerprint: componentImagesFingerprint,
  async probe(): Promise<Probe> {
    const fix = 'sysctl-bench doctor --fix (builds etcd and CoreDNS from the Go module proxy, then the images)';
    const set = readComponentImageSet();
    if (!set) return { state: 'missing', detail: 'not built from the current inputs', fix };
    for (const image of set.images) {
      const info = await inspectImage(image.ref);
      if (info?.labels[fingerprintLabel] !== set.fingerprint) return { state: 'missing', detail: `image ${image.ref} missing or stale`, fix };
    }
    if (!existsSync(set.archive)) return { state: 'missing', detail: `no ${set.archive}`, fix };
    return { state: 'built', detail: `${set.images.length} images in ${setDir(set.fingerprint)}`, build: buildRecord('component-images') };
  },
  async build(context) {
    const fp = componentImagesFingerprint();
    const version = kubernetesVersion();
    const labels = (programVersion: string) => ({ [fingerprintLabel]: fp, [programVersionLabel]: programVersion });
    const wanted = await kubeadmImages(context.logFile);
    const dir = setDir(fp);
    mkdirSync(dir, { recursive: true });

    context.step(`go build etcd v${pinned.etcd}`);
    const etcd = await buildEtcd(context.logFile);
    context.step(`go build coredns v${pinned.coredns}`);
    const coredns = await buildCoreDNS(context.logFile);
    context.step('gcc -static pause');
    const pause = await buildPause(context.logFile);

    const images: ComponentImage[] = [];
    const add = async (ref: string, programVersion: string, build: () => Promise<void>) => {
      context.step(`docker build ${ref}`);
      await build();
      images.push({ name: shortName(ref), ref, programVersion });
    };

    for (const ref of wanted) {
      const name = shortName(ref);
      switch (name) {
        case 'kube-apiserver':
        case 'kube-controller-manager':
        case 'kube-scheduler':
          await add(ref, `v${version}`, () =>
            dockerBuild({ ref, dockerfile: join(componentsDir(), 'static.Dockerfile'), files: { [name]: kubernetesBinary(name) }, buildArgs: { BINARY: name }, labels: labels(`v${version}`), logFile: context.logFile }),
          );
          break;
        case 'kube-proxy':
          await add(ref, `v${version}`, () =>
            dockerBuild({ ref, dockerfile: join(componentsDir(), 'kube-proxy.Dockerfile'), files: { 'kube-proxy': kubernetesBinary('kube-proxy') }, buildArgs: { BASE: baseImageRef() }, labels: labels(`v${version}`), logFile: context.logFile }),
          );
          break;
        case 'etcd':
          await add(ref, `v${pinned.etcd}`, () =>
            dockerBuild({ ref, dockerfile: join(componentsDir(), 'etcd.Dockerfile'), files: { etcd: etcd.etcd, etcdctl: etcd.etcdctl }, labels: labels(`v${pinned.etcd}`), logFile: context.logFile }),
          );
          break;
        case 'coredns':
          await add(ref, `v${pinned.coredns}`, () =>
            dockerBuild({ ref, dockerfile: join(componentsDir(), 'coredns.Dockerfile'), files: { coredns }, labels: labels(`v${pinned.coredns}`), logFile: context.logFile }),
          );
          break;
        case 'pause':
          await add(ref, 'sysctl-bench', () =>
            dockerBuild({ ref, dockerfile: join(componentsDir(), 'pause.Dockerfile'), files: { pause }, labels: labels('sysctl-bench'), logFile: context.logFile }),
          );
          break;
        default:
          throw new Error(`kubeadm v${version} wants ${ref}, which sysctl-bench does not know how to build`);
      }
    }
    await add(cniImageRef(), 'sysctl-bench', () =>
      dockerBuild({
        ref: cniImageRef(),
        dockerfile: join(cniDir(), 'Dockerfile'),
        files: { kubectl: kubernetesBinary('kubectl'), 'sysctl-bench-cni.sh': join(cniDir(), 'sysctl-bench-cni.sh') },
        buildArgs: { BASE: baseImageRef() },
        labels: labels('sysctl-bench'),
        logFile: context.logFile,
      }),
    );

    context.step('docker save (one archive)');
    const archive = join(dir, 'images.tar');
    await run('docker', ['save', '-o', archive, ...images.map((image) => image.ref)], { logFile: context.logFile, timeoutMs: 20 * 60_000 });
    const set: ComponentImageSet = { fingerprint: fp, images, archive };
    writeFileSync(setFile(fp), `${JSON.stringify(set, null, 2)}\n`);
    return fileSize(archive);
  },
};
