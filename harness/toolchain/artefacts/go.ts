import type { Artefact, Probe } from '../artefact.js';
import { onPath, run } from '../exec.js';
import { installCommand, hostProgram } from '../host-programs.js';
import { repoPath } from '../paths.js';

/** Oldest Go that builds every pinned module (Kubernetes 1.36 and 1.37 say `go 1.26.0` in go.mod). */
const minimumGo = [1, 26] as const;

const fix = () => {
  const entry = hostProgram('go');
  return `${entry ? installCommand(entry) : `bash ${repoPath('scripts', 'install-go.sh')}`} (as root: Go from the Go module proxy into /usr/local/go; Debian 12's golang is 1.19)`;
};

export const goArtefact: Artefact = {
  id: 'go',
  title: 'Go toolchain',
  dependsOn: [],
  fingerprint: () => 'go',
  async probe(): Promise<Probe> {
    if (!(await onPath('go'))) {
      return { state: 'missing', detail: 'no go on PATH or in /usr/local/go', fix: fix() };
    }
    const version = (await run('go', ['env', 'GOVERSION'])).stdout.trim();
    const match = /go(\d+)\.(\d+)/.exec(version);
    const ok = match && (Number(match[1]) > minimumGo[0] || (Number(match[1]) === minimumGo[0] && Number(match[2]) >= minimumGo[1]));
    if (!ok) return { state: 'missing', detail: `${version} is older than go${minimumGo.join('.')}`, fix: fix() };
    return { state: 'found', detail: version };
  },
  async build(context) {
    if (process.getuid?.() !== 0) throw new Error(`no Go >= ${minimumGo.join('.')} and not root: ${fix()}`);
    context.step('scripts/install-go.sh');
    await run('bash', [repoPath('scripts', 'install-go.sh')], { logFile: context.logFile, timeoutMs: 20 * 60_000 });
    return 0;
  },
};
