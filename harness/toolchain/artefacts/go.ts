import type { Artefact, Probe } from '../artefact.js';
import { onPath, run } from '../exec.js';

/** Oldest Go that builds every pinned module (Kubernetes 1.34 wants 1.24). */
const minimumGo = [1, 24] as const;

export const goArtefact: Artefact = {
  id: 'go',
  title: 'Go toolchain',
  dependsOn: [],
  fingerprint: () => 'go',
  async probe(): Promise<Probe> {
    if (!(await onPath('go'))) {
      return { state: 'missing', detail: 'no go on PATH', fix: 'apt-get install golang (Debian), or install Go >= 1.24 from go.dev' };
    }
    const version = (await run('go', ['env', 'GOVERSION'])).stdout.trim();
    const match = /go(\d+)\.(\d+)/.exec(version);
    const ok = match && (Number(match[1]) > minimumGo[0] || (Number(match[1]) === minimumGo[0] && Number(match[2]) >= minimumGo[1]));
    if (!ok) {
      return { state: 'missing', detail: `${version} is older than go${minimumGo.join('.')}`, fix: `export GOTOOLCHAIN=go${minimumGo.join('.')}.0 (the go command fetches it from the module proxy)` };
    }
    return { state: 'found', detail: version };
  },
};
