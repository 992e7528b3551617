import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { repoPath } from './paths.js';

/**
 * The programs sysctl-bench runs on the host, and where each comes from: one declared list,
 * scripts/host-programs.txt, which the set-up (scripts/host-packages.sh) installs from and which
 * `doctor` and the "not installed" message read. A unit test fails when the source spawns a
 * program that the list does not name.
 */
export type HostProgramSource = 'apt' | 'docker-up' | 'go' | 'essential' | 'toolchain';
export type HostProgramPurpose = 'run' | 'browser';

export interface HostProgram {
  /** A name looked up on PATH, or an absolute path to a file a build reads. */
  program: string;
  source: HostProgramSource;
  /** The Debian package that provides it ('-' for Go). */
  package: string;
  purpose: HostProgramPurpose;
  why: string;
}

const sources: readonly HostProgramSource[] = ['apt', 'docker-up', 'go', 'essential', 'toolchain'];
const purposes: readonly HostProgramPurpose[] = ['run', 'browser'];

export const hostProgramsFile = () => repoPath('scripts', 'host-programs.txt');

/** Parses scripts/host-programs.txt: whitespace-separated program, source, package, purpose, then free text. */
export function parseHostPrograms(text: string): HostProgram[] {
  const out: HostProgram[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [program, source, pkg, purpose, ...why] = line.split(/\s+/);
    const where = `scripts/host-programs.txt line ${index + 1}`;
    if (!program || !pkg || !sources.includes(source as HostProgramSource) || !purposes.includes(purpose as HostProgramPurpose)) {
      throw new Error(`${where}: expected "program source package purpose why" with source in ${sources.join('|')} and purpose in ${purposes.join('|')}`);
    }
    out.push({ program, source: source as HostProgramSource, package: pkg, purpose: purpose as HostProgramPurpose, why: why.join(' ') });
  });
  return out;
}

let cached: HostProgram[] | undefined;

export function hostPrograms(): HostProgram[] {
  cached ??= parseHostPrograms(readFileSync(hostProgramsFile(), 'utf8'));
  return cached;
}

export function hostProgram(program: string): HostProgram | undefined {
  return hostPrograms().find((entry) => entry.program === program);
}

/** The exact command that provides a listed program, as root. */
export function installCommand(entry: HostProgram): string {
  switch (entry.source) {
    case 'apt':
    case 'essential':
      return `apt-get install ${entry.package}`;
    case 'docker-up':
      return `bash ${repoPath('scripts', 'docker-up.sh')}`;
    case 'go':
      return `bash ${repoPath('scripts', 'install-go.sh')}`;
    case 'toolchain':
      return 'sysctl-bench doctor --fix';
    default: {
      const never: never = entry.source;
      throw new Error(`unknown source ${String(never)}`);
    }
  }
}

/**
 * The sentence for a program that could not be started because it is not there:
 * "`debootstrap` is not installed — fix: `apt-get install debootstrap`".
 */
export function notInstalledMessage(program: string): string {
  const entry = hostProgram(program);
  if (entry) return `\`${program}\` is not installed — fix: \`${installCommand(entry)}\` (needed for: ${entry.why})`;
  if (isAbsolute(program)) return `\`${program}\` does not exist — fix: \`sysctl-bench doctor --fix\` (it builds what sysctl-bench keeps in its cache)`;
  return `\`${program}\` is not installed — fix: install it so that it is on PATH (it is not in scripts/host-programs.txt: please report this)`;
}

/** Synchronous PATH lookup (no shell): the executable's path, or undefined. */
export function findOnPath(program: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** True when a listed program (or file) is present on this machine. */
export function isPresent(entry: HostProgram): boolean {
  if (isAbsolute(entry.program)) return existsSync(entry.program);
  if (entry.source === 'go') return goCommand() !== undefined;
  return findOnPath(entry.program) !== undefined;
}

/** Where scripts/install-go.sh puts Go; used when `go` is not on PATH (a fresh shell may not have it). */
export const installedGo = '/usr/local/go/bin/go';

/** The go command to run: `go` on PATH, else the one scripts/install-go.sh installed. */
export function goCommand(): string | undefined {
  if (findOnPath('go')) return 'go';
  return existsSync(installedGo) ? installedGo : undefined;
}
