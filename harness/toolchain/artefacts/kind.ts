import { existsSync } from 'node:fs';
import type { Artefact, Probe } from '../artefact.js';
import { buildRecord } from '../build-records.js';
import { onPath, run } from '../exec.js';
import { fingerprint } from '../fingerprint.js';
import { cachedBinary, fileSize, goInstall } from '../go-tool.js';
import { pinned } from '../versions.js';

/**
 * kind older than this cannot create clusters of every runnable Kubernetes version: kubeadm 1.37
 * has only kubeadm.k8s.io/v1beta4, which kind writes from v0.33.0 on (for Kubernetes >= 1.36).
 */
const minimumKind = [0, 33, 0] as const;

/** The kind binary to run: one on PATH if recent enough, else the pinned one built from the Go module proxy. */
export async function kindBinary(): Promise<string> {
  const fromPath = await kindOnPath();
  if (fromPath) return 'kind';
  const built = cachedBinary('kind', pinned.kind);
  if (existsSync(built)) return built;
  throw new Error(`kind is not available; run: sysctl-bench doctor --fix`);
}

async function kindOnPath(): Promise<string | undefined> {
  if (!(await onPath('kind'))) return undefined;
  const version = await run('kind', ['version'], { allowFailure: true });
  const match = /v(\d+)\.(\d+)\.(\d+)/.exec(version.stdout);
  if (!match) return undefined;
  const found = [Number(match[1]), Number(match[2]), Number(match[3])];
  return newerOrEqual(found, minimumKind) ? `v${found.join('.')}` : undefined;
}

function newerOrEqual(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < b.length; i += 1) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

export const kindArtefact: Artefact = {
  id: 'kind',
  title: 'kind',
  dependsOn: ['go'],
  fingerprint: () => fingerprint(['kind', pinned.kind]),
  async probe(): Promise<Probe> {
    const fromPath = await kindOnPath();
    if (fromPath) return { state: 'found', detail: `kind ${fromPath} on PATH` };
    const built = cachedBinary('kind', pinned.kind);
    if (existsSync(built)) return { state: 'built', detail: `${built}`, build: buildRecord('kind') };
    return { state: 'missing', detail: `no kind >= v${minimumKind.join('.')} on PATH`, fix: 'sysctl-bench doctor --fix (builds kind from the Go module proxy)' };
  },
  async build(context) {
    context.step(`go install sigs.k8s.io/kind@${pinned.kind}`);
    const path = await goInstall('sigs.k8s.io/kind', pinned.kind, 'kind', context.logFile);
    return fileSize(path);
  },
};
