import type { Artefact, Probe } from '../artefact.js';
import { run } from '../exec.js';
import { hostPrograms, installCommand, isPresent, type HostProgram } from '../host-programs.js';
import { repoPath } from '../paths.js';

/**
 * The Debian packages of scripts/host-programs.txt that a run needs (debootstrap, gcc, ...).
 * Go and the Docker engine have artefacts of their own; Chromium is for the tests only.
 */
function needed(): HostProgram[] {
  return hostPrograms().filter((entry) => entry.purpose === 'run' && entry.source === 'apt');
}

function missing(): HostProgram[] {
  return needed().filter((entry) => !isPresent(entry));
}

export const hostProgramsArtefact: Artefact = {
  id: 'host-programs',
  title: 'host programs (Debian packages)',
  dependsOn: [],
  fingerprint: () => 'host-programs',
  async probe(): Promise<Probe> {
    const absent = missing();
    if (absent.length === 0) return { state: 'found', detail: needed().map((entry) => entry.program.replace(/^.*\//, '')).join(', ') };
    const packages = [...new Set(absent.map((entry) => entry.package))];
    return {
      state: 'missing',
      detail: absent.map((entry) => `\`${entry.program}\` is not installed (${entry.why})`).join('; '),
      fix: `apt-get install ${packages.join(' ')} (or: bash ${repoPath('scripts', 'host-packages.sh')} run)`,
    };
  },
  async build(context) {
    const absent = missing();
    if (process.getuid?.() !== 0) {
      throw new Error(`not root, so these are not installed: ${absent.map((entry) => installCommand(entry)).join('; ')}`);
    }
    context.step(`apt-get install ${[...new Set(absent.map((entry) => entry.package))].join(' ')}`);
    await run('bash', [repoPath('scripts', 'host-packages.sh'), 'run'], { logFile: context.logFile, timeoutMs: 20 * 60_000 });
    const still = missing();
    if (still.length > 0) throw new Error(`still missing after scripts/host-packages.sh: ${still.map((entry) => entry.program).join(', ')}`);
    return 0;
  },
};
