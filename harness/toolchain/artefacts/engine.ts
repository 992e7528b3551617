import { readFileSync } from 'node:fs';
import type { Artefact, BuildContext, Probe } from '../artefact.js';
import { dockerAnswers } from '../docker.js';
import { onPath, run } from '../exec.js';
import { repoPath } from '../paths.js';

/** Both the engine and privileged containers are made usable by the same idempotent script. */
async function runDockerUp(context: BuildContext): Promise<number> {
  context.step('scripts/docker-up.sh');
  await run('bash', [repoPath('scripts/docker-up.sh')], { logFile: context.logFile, timeoutMs: 10 * 60_000 });
  return 0;
}

/** The Docker engine and whether it can run kind's privileged nodes. Brought up by scripts/docker-up.sh. */
export const engineArtefact: Artefact = {
  id: 'docker-engine',
  title: 'Docker engine',
  dependsOn: [],
  fingerprint: () => 'engine',
  async probe(): Promise<Probe> {
    if (!(await onPath('docker'))) {
      return { state: 'missing', detail: 'no docker client on PATH', fix: `sudo bash ${repoPath('scripts/docker-up.sh')}` };
    }
    if (!(await dockerAnswers())) {
      return { state: 'missing', detail: 'no Docker engine answers', fix: `sudo bash ${repoPath('scripts/docker-up.sh')}` };
    }
    const version = await run('docker', ['version', '--format', '{{.Server.Version}}'], { allowFailure: true });
    return { state: 'found', detail: `engine ${version.stdout.trim()}` };
  },
  build: runDockerUp,
};

/** `docker run --privileged` needs a capability this host may not grant; docker-up.sh registers a runc wrapper then. */
export const privilegedArtefact: Artefact = {
  id: 'privileged-containers',
  title: 'privileged containers',
  dependsOn: ['docker-engine'],
  fingerprint: () => 'privileged',
  async probe(): Promise<Probe> {
    const lacks = boundingSetLacksSysResource();
    if (!lacks) return { state: 'found', detail: 'the capability bounding set is complete' };
    const info = await run('docker', ['info', '--format', '{{.DefaultRuntime}}'], { allowFailure: true });
    if (info.stdout.trim() === 'sysctl-bench-runc') {
      return { state: 'found', detail: 'CAP_SYS_RESOURCE not in the bounding set; runc wrapper is the default runtime' };
    }
    return {
      state: 'missing',
      detail: 'CAP_SYS_RESOURCE is not in the bounding set, so runc refuses --privileged (kind nodes)',
      fix: `sudo bash ${repoPath('scripts/docker-up.sh')}`,
    };
  },
  build: runDockerUp,
};

function boundingSetLacksSysResource(): boolean {
  const status = readStatus();
  const hex = /^CapBnd:\s*([0-9a-f]+)/m.exec(status)?.[1];
  if (!hex) return false;
  return (BigInt(`0x${hex}`) & (1n << 24n)) === 0n;
}

function readStatus(): string {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return '';
  }
}
