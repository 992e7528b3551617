import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { perKubernetesMinor, type Artefact, type Probe } from '../artefact.js';
import { buildRecordFor } from '../build-records.js';
import { run } from '../exec.js';
import { fingerprint } from '../fingerprint.js';
import { fileSize, goProxy } from '../go-tool.js';
import { cacheDir } from '../paths.js';
import { kubernetesRelease, type KubernetesRelease } from '../versions.js';

/**
 * kubeadm, kubelet, kubectl and the control-plane programs, compiled from the Go module proxy.
 * k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces the k8s.io staging modules with
 * ./staging paths), so it is built from a small module of ours that requires it and replaces each
 * staging module with its published v0.<minor>.<patch>.
 */
export const kubernetesBinaryNames = [
  'kubeadm',
  'kubelet',
  'kubectl',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
] as const;
export type KubernetesBinary = (typeof kubernetesBinaryNames)[number];

/** Static, stripped, no local paths; changing these changes the fingerprint. */
const goFlags = ['-trimpath'];
const linkFlags = '-s -w';

/** The pinned patch of a minor ("1.37" -> "1.37.2"); the default minor when none is given. */
export function kubernetesVersion(minor?: string): string {
  return kubernetesRelease(minor).patch;
}

/** Binaries of a patch ("1.37.2"), one folder per patch. */
export function kubernetesBinDir(version: string): string {
  return cacheDir('kubernetes', `v${version}`, 'bin');
}

export function kubernetesBinary(name: KubernetesBinary, version: string): string {
  return join(kubernetesBinDir(version), name);
}

function stampFile(version: string): string {
  return cacheDir('kubernetes', `v${version}`, 'fingerprint');
}

/**
 * The -X flags that give the binaries their version. kubeadm picks the control-plane image tags
 * from its own version, so a wrong one here means images that do not match.
 */
export function versionLinkFlags(version: string, buildDate: string): string[] {
  const [major, minor] = version.split('.');
  const flags: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=v${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=${buildDate}`,
    );
  }
  return flags;
}

/** The go.mod of the build module: require k8s.io/kubernetes, replace every staging module it names. */
export function buildModuleGoMod(version: string, kubernetesGoMod: string): string {
  const staging = stagingModules(kubernetesGoMod);
  if (staging.length === 0) throw new Error(`k8s.io/kubernetes v${version} go.mod names no ./staging replacements`);
  const published = `v0.${version.split('.').slice(1).join('.')}`;
  const lines = [
    'module sysctl-bench.local/kubernetes-build',
    '',
    'go 1.24',
    '',
    `require k8s.io/kubernetes v${version}`,
    '',
    'replace (',
    ...staging.map((module) => `\t${module} => ${module} ${published}`),
    ')',
    '',
  ];
  return lines.join('\n');
}

/** Modules that kubernetes' go.mod replaces with ./staging/src/... paths. */
export function stagingModules(goMod: string): string[] {
  const modules = new Set<string>();
  for (const match of goMod.matchAll(/^\s*(?:replace\s+)?(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)) {
    if (match[1]) modules.add(match[1]);
  }
  return [...modules].sort();
}

/** Environment for every Go build here: static, module mode, one proxy. */
export function goBuildEnv(): Record<string, string> {
  return { CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false -mod=mod', GOPROXY: goProxy() };
}

/**
 * Builds packages of a module published on the Go proxy from a throwaway module that requires it.
 * `go build -o dir pkg1 pkg2 ...` compiles the packages the programs share once.
 */
export async function goBuildFromModule(options: {
  buildDir: string;
  goMod: string;
  packages: readonly string[];
  output: string;
  ldflags: string;
  logFile: string;
  tags?: readonly string[];
}): Promise<void> {
  mkdirSync(options.buildDir, { recursive: true });
  writeFileSync(join(options.buildDir, 'go.mod'), options.goMod);
  rmSync(join(options.buildDir, 'go.sum'), { force: true });
  const args = ['build', ...goFlags, '-ldflags', options.ldflags, '-o', options.output];
  if (options.tags?.length) args.push('-tags', options.tags.join(','));
  await run('go', [...args, ...options.packages], {
    cwd: options.buildDir,
    env: goBuildEnv(),
    logFile: options.logFile,
    timeoutMs: 90 * 60_000,
  });
}

async function downloadedGoMod(module: string, version: string, logFile: string): Promise<string> {
  const out = await run('go', ['mod', 'download', '-json', `${module}@${version}`], {
    env: { GOFLAGS: '-buildvcs=false', GOPROXY: goProxy() },
    logFile,
    timeoutMs: 30 * 60_000,
  });
  const info = JSON.parse(out.stdout) as { GoMod?: string; Error?: string };
  if (!info.GoMod) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no go.mod'}`);
  return readFileSync(info.GoMod, 'utf8');
}

/**
 * The fingerprint of one patch's binaries. Its formula must stay as it is: binaries already built
 * (and their stamp files) are reused only while it gives the same value.
 */
export function kubernetesBinariesFingerprint(version: string): string {
  return fingerprint(['kubernetes-binaries', version, ...kubernetesBinaryNames, ...goFlags, linkFlags, 'CGO_ENABLED=0']);
}

/** The `kubernetes-binaries@<minor>` artefact: the pinned patch of that minor, compiled here. */
export const kubernetesBinariesArtefact = perKubernetesMinor(makeKubernetesBinariesArtefact);

function makeKubernetesBinariesArtefact(release: KubernetesRelease): Artefact {
  const version = release.patch;
  const id = `kubernetes-binaries@${release.minor}`;
  return {
    id,
    title: `Kubernetes binaries v${version}`,
    dependsOn: ['go'],
    fingerprint: () => kubernetesBinariesFingerprint(version),
    async probe(): Promise<Probe> {
      const missing = kubernetesBinaryNames.filter((name) => !existsSync(kubernetesBinary(name, version)));
      const fix = 'sysctl-bench doctor --fix (compiles them from the Go module proxy, ~20 min on 2 cores)';
      if (missing.length > 0) return { state: 'missing', detail: `not built: ${missing.join(', ')}`, fix };
      const stamp = existsSync(stampFile(version)) ? readFileSync(stampFile(version), 'utf8').trim() : '';
      const fp = kubernetesBinariesFingerprint(version);
      if (stamp !== fp) return { state: 'missing', detail: `built from other inputs (${stamp || 'no stamp'})`, fix };
      return { state: 'built', detail: kubernetesBinDir(version), build: buildRecordFor(id, fp) };
    },
    async build(context) {
      context.step(`go mod download k8s.io/kubernetes@v${version}`);
      const goMod = buildModuleGoMod(version, await downloadedGoMod('k8s.io/kubernetes', `v${version}`, context.logFile));
      const outDir = kubernetesBinDir(version);
      rmSync(stampFile(version), { force: true });
      mkdirSync(outDir, { recursive: true });
      context.step(`go build ${kubernetesBinaryNames.join(' ')}`);
      const buildDate = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      await goBuildFromModule({
        buildDir: cacheDir('build', `kubernetes-v${version}`),
        goMod,
        packages: kubernetesBinaryNames.map((name) => `k8s.io/kubernetes/cmd/${name}`),
        output: `${outDir}/`,
        ldflags: [linkFlags, ...versionLinkFlags(version, buildDate)].join(' '),
        logFile: context.logFile,
      });
      const reported = await run(kubernetesBinary('kubeadm', version), ['version', '-o', 'short'], { logFile: context.logFile });
      if (reported.stdout.trim() !== `v${version}`) {
        throw new Error(`kubeadm reports ${reported.stdout.trim()}, expected v${version}: the version ldflags did not apply`);
      }
      writeFileSync(stampFile(version), `${kubernetesBinariesFingerprint(version)}\n`);
      return kubernetesBinaryNames.reduce((sum, name) => sum + fileSize(kubernetesBinary(name, version)), 0);
    },
  };
}
