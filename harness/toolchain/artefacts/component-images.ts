import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { perKubernetesMinor, type Artefact, type Probe } from '../artefact.js';
import { buildRecordFor } from '../build-records.js';
import { fingerprintLabel } from '../docker.js';
import { run } from '../exec.js';
import { fingerprint } from '../fingerprint.js';
import { cachedBinary, fileSize } from '../go-tool.js';
import { cacheDir, repoPath } from '../paths.js';
import { kubernetesRelease, type KubernetesRelease } from '../versions.js';
import { baseImageFingerprint, baseImageRef } from './base-image.js';
import { goBuildFromModule, kubernetesBinariesFingerprint, kubernetesBinary } from './kubernetes-binaries.js';

/**
 * Every image a kind cluster of one Kubernetes version needs, built here and tagged exactly as
 * that version's kubeadm asks for them (`kubeadm config images list`), plus sysctl-bench's CNI
 * agent: FROM scratch with one static binary, or FROM the local base image. All are saved to one
 * archive that the node image bakes in. etcd, CoreDNS and pause binaries are cached by their own
 * version, so Kubernetes versions that share them compile them once.
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

export function componentImagesFingerprint(minor?: string): string {
  const release = kubernetesRelease(minor);
  return fingerprint(
    ['component-images/3', release.patch, `etcd ${release.etcd}`, `coredns ${release.coredns}`, kubernetesBinariesFingerprint(release.patch), baseImageFingerprint()],
    [componentsDir(), cniDir()],
  );
}

/** The CNI agent's image (it holds that version's kubectl); the CNI manifest in the node image names it. */
export function cniImageRef(minor?: string): string {
  return `sysctl-bench.local/cni:${componentImagesFingerprint(minor)}`;
}

function setDir(fp: string): string {
  return cacheDir('images', `components-${fp}`);
}

function setFile(fp: string): string {
  return join(setDir(fp), 'images.json');
}

/** The images of one version's current build, or undefined when they were not built from these inputs. */
export function readComponentImageSet(minor?: string): ComponentImageSet | undefined {
  const fp = componentImagesFingerprint(minor);
  try {
    const set = JSON.parse(readFileSync(setFile(fp), 'utf8')) as ComponentImageSet;
    return set.fingerprint === fp && typeof set.archive === 'string' ? set : undefined;
  } catch {
    return undefined;
  }
}

/** The image refs kubeadm of this version pulls (and so must find), from kubeadm itself. */
export async function kubeadmImages(minor?: string, logFile?: string): Promise<string[]> {
  const version = kubernetesRelease(minor).patch;
  const out = await run(
    kubernetesBinary('kubeadm', version),
    ['config', 'images', 'list', '--kubernetes-version', `v${version}`, '--image-repository', 'registry.k8s.io'],
    { logFile },
  );
  return out.stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}

/** registry.k8s.io/coredns/coredns:v1.12.1 -> coredns */
function shortName(ref: string): string {
  const path = ref.slice(0, ref.lastIndexOf(':'));
  return basename(path);
}

/**
 * versions.ts records what kubeadm of each patch asks for (docs, and the choice of etcd's minor);
 * the build reads kubeadm itself, and stops when the record has gone stale.
 */
export function requireKubeadmAsks(release: KubernetesRelease, wanted: readonly string[]): void {
  const tagOf = (name: string) => wanted.find((ref) => shortName(ref) === name)?.split(':').pop();
  const found = { etcd: tagOf('etcd'), coredns: tagOf('coredns'), pause: tagOf('pause') };
  for (const key of ['etcd', 'coredns', 'pause'] as const) {
    if (found[key] !== release.kubeadmAsks[key]) {
      throw new Error(`kubeadm v${release.patch} asks for ${key} ${found[key] ?? '(none)'}, but harness/toolchain/versions.ts records ${release.kubeadmAsks[key]}: update kubeadmAsks (and the ${key} version built) there`);
    }
  }
}

// ---- the programs that are not Kubernetes' own ----

async function buildEtcd(etcdVersion: string, logFile: string): Promise<{ etcd: string; etcdctl: string }> {
  const version = `v${etcdVersion}`;
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

async function buildCoreDNS(corednsVersion: string, logFile: string): Promise<string> {
  const version = `v${corednsVersion}`;
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

/** The `component-images@<minor>` artefact. */
export const componentImagesArtefact = perKubernetesMinor(makeComponentImagesArtefact);

function makeComponentImagesArtefact(release: KubernetesRelease): Artefact {
  const id = `component-images@${release.minor}`;
  const version = release.patch;
  const fingerprintNow = () => componentImagesFingerprint(release.minor);
  return {
    id,
    title: `cluster component images v${version}`,
    dependsOn: ['docker-engine', 'go', `kubernetes-binaries@${release.minor}`, 'base-image'],
    fingerprint: fingerprintNow,
    async probe(): Promise<Probe> {
      const fix = 'sysctl-bench doctor --fix (builds etcd and CoreDNS from the Go module proxy, then the images)';
      const set = readComponentImageSet(release.minor);
      if (!set) return { state: 'missing', detail: 'not built from the current inputs', fix };
      // The archive is what the node image bakes in. The tags in Docker are only its build steps,
      // and versions share some of them (pause, CoreDNS): another version's build may retag them.
      if (!existsSync(set.archive)) return { state: 'missing', detail: `no ${set.archive}`, fix };
      return { state: 'built', detail: `${set.images.length} images in ${setDir(set.fingerprint)}`, build: buildRecordFor(id, set.fingerprint) };
    },
    async build(context) {
      const fp = fingerprintNow();
      const labels = (programVersion: string) => ({ [fingerprintLabel]: fp, [programVersionLabel]: programVersion });
      const wanted = await kubeadmImages(release.minor, context.logFile);
      requireKubeadmAsks(release, wanted);
      const dir = setDir(fp);
      mkdirSync(dir, { recursive: true });
      const binary = (name: Parameters<typeof kubernetesBinary>[0]) => kubernetesBinary(name, version);

      context.step(`go build etcd v${release.etcd}`);
      const etcd = await buildEtcd(release.etcd, context.logFile);
      context.step(`go build coredns v${release.coredns}`);
      const coredns = await buildCoreDNS(release.coredns, context.logFile);
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
              dockerBuild({ ref, dockerfile: join(componentsDir(), 'static.Dockerfile'), files: { [name]: binary(name) }, buildArgs: { BINARY: name }, labels: labels(`v${version}`), logFile: context.logFile }),
            );
            break;
          case 'kube-proxy':
            await add(ref, `v${version}`, () =>
              dockerBuild({ ref, dockerfile: join(componentsDir(), 'kube-proxy.Dockerfile'), files: { 'kube-proxy': binary('kube-proxy') }, buildArgs: { BASE: baseImageRef() }, labels: labels(`v${version}`), logFile: context.logFile }),
            );
            break;
          case 'etcd':
            await add(ref, `v${release.etcd}`, () =>
              dockerBuild({ ref, dockerfile: join(componentsDir(), 'etcd.Dockerfile'), files: { etcd: etcd.etcd, etcdctl: etcd.etcdctl }, labels: labels(`v${release.etcd}`), logFile: context.logFile }),
            );
            break;
          case 'coredns':
            await add(ref, `v${release.coredns}`, () =>
              dockerBuild({ ref, dockerfile: join(componentsDir(), 'coredns.Dockerfile'), files: { coredns }, labels: labels(`v${release.coredns}`), logFile: context.logFile }),
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
      const cni = cniImageRef(release.minor);
      await add(cni, 'sysctl-bench', () =>
        dockerBuild({
          ref: cni,
          dockerfile: join(cniDir(), 'Dockerfile'),
          files: { kubectl: binary('kubectl'), 'sysctl-bench-cni.sh': join(cniDir(), 'sysctl-bench-cni.sh') },
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
}
