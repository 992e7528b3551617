import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../../harness/errors.js';
import { run } from '../../../harness/toolchain/exec.js';
import {
  hostPrograms, installCommand, notInstalledMessage, parseHostPrograms,
} from '../../../harness/toolchain/host-programs.js';
import { repoPath } from '../../../harness/toolchain/paths.js';

/**
 * A fresh machine has only what the set-up installs. Every program the source starts on the host
 * must therefore be in scripts/host-programs.txt, where scripts/host-packages.sh installs it (or
 * it is Debian-essential, Go, or Docker, each with its own installer). This would have caught
 * debootstrap, which the node image build ran but nothing installed.
 */

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts') || path.endsWith('.mts')) out.push(path);
  }
  return out;
}

/** Program names given as a string literal to a function that starts a process. */
const spawnCall = /\b(?:run|onPath|execa|execaSync|execFile|execFileSync|spawn|spawnSync)\(\s*'([^']+)'/g;

function spawnedPrograms(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of [...sourceFiles(repoPath('harness')), ...sourceFiles(repoPath('test'))]) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(spawnCall)) {
      const program = match[1]!;
      const line = text.slice(0, match.index).split('\n').length;
      found.set(program, [...(found.get(program) ?? []), `${relative(repoPath(), file)}:${line}`]);
    }
  }
  return found;
}

/** Programs of this repository (bin/sysctl-bench), not of the host. */
const inRepository = (program: string) => program.startsWith('bin/') || program.startsWith('./');

describe('host programs', () => {
  it('finds the spawn calls it scans for (the scan itself works)', () => {
    const found = spawnedPrograms();
    for (const program of ['docker', 'debootstrap', 'go', 'gcc', 'tar', 'unshare', 'chroot', 'install', 'bash']) {
      expect(found.has(program), `no spawn of ${program} found: the pattern no longer matches the source`).toBe(true);
    }
  });

  it('every program the source starts on the host is provisioned by the set-up', () => {
    const listed = new Set(hostPrograms().map((entry) => entry.program));
    const unlisted = [...spawnedPrograms()].filter(([program]) => !listed.has(program) && !inRepository(program));
    expect(unlisted.map(([program, where]) => `${program} (${where.join(', ')})`), 'add them to scripts/host-programs.txt').toEqual([]);
  });

  it('the installer provides exactly the apt entries of the list (bash and TypeScript read the file alike)', () => {
    const fromScript = execFileSync('bash', [repoPath('scripts/host-packages.sh'), '--list', 'run', 'browser'], { encoding: 'utf8' })
      .split('\n').filter(Boolean);
    const fromList = hostPrograms().filter((entry) => entry.source === 'apt').map((entry) => entry.package);
    expect([...fromScript].sort()).toEqual([...fromList].sort());
    expect(fromList).toEqual(expect.arrayContaining(['debootstrap', 'busybox-static', 'gcc', 'libc6-dev', 'jq', 'chromium']));
  });

  it('says what to install, in one line, for a program that is not there', () => {
    expect(notInstalledMessage('debootstrap')).toMatch(/^`debootstrap` is not installed — fix: `apt-get install debootstrap`/);
    expect(notInstalledMessage('/bin/busybox')).toMatch(/^`\/bin\/busybox` is not installed — fix: `apt-get install busybox-static`/);
    expect(notInstalledMessage('go')).toMatch(/^`go` is not installed — fix: `bash .*scripts\/install-go\.sh`/);
    expect(installCommand(hostPrograms().find((entry) => entry.program === 'docker')!)).toMatch(/scripts\/docker-up\.sh$/);
  });

  it('run() turns a missing program into that message, not "exited 1" with an empty log', async () => {
    const absent = ['sysctl-bench', 'no-such-program'].join('-'); // not a literal: the scan above would list it
    const error = await run(absent, ['--version']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(/^`sysctl-bench-no-such-program` is not installed — fix: /);
    const tolerated = await run(absent, [], { allowFailure: true });
    expect(tolerated.exitCode).toBe(127);
  });

  it('refuses a malformed line, naming it', () => {
    expect(() => parseHostPrograms('debootstrap apt debootstrap\n')).toThrow(/line 1/);
    expect(() => parseHostPrograms('x pip x run why\n')).toThrow(/source in apt\|docker-up\|go\|essential\|toolchain/);
  });

  it('on a machine with no Go and a missing package, the installer installs both instead of dying on the Go probe', () => {
    // A copy of the installer beside a list of its own, with apt-get and install-go.sh replaced by
    // recorders: what a fresh machine would run, without touching this one.
    const root = mkdtempSync(join(tmpdir(), 'sb-host-packages-'));
    try {
      mkdirSync(join(root, 'scripts'));
      mkdirSync(join(root, 'stubs'));
      copyFileSync(repoPath('scripts/host-packages.sh'), join(root, 'scripts/host-packages.sh'));
      writeFileSync(join(root, 'scripts/host-programs.txt'), [
        'sysctl-bench-absent-program apt sysctl-bench-absent-package run why',
        'go go - run why',
        'bash essential bash run why',
        '',
      ].join('\n'));
      const calls = join(root, 'calls');
      writeFileSync(join(root, 'scripts/install-go.sh'), `echo "install-go $*" >> ${calls}\n`);
      writeFileSync(join(root, 'stubs/apt-get'), `#!/bin/sh\necho "apt-get $*" >> ${calls}\n`);
      chmodSync(join(root, 'stubs/apt-get'), 0o755);
      const goRoot = join(root, 'no-go-here');
      execFileSync('bash', [join(root, 'scripts/host-packages.sh'), 'run'], {
        // No Go on PATH (this machine's is in /usr/local/go/bin, which is left out).
        env: { PATH: `${join(root, 'stubs')}:/usr/sbin:/usr/bin:/sbin:/bin`, SYSCTL_BENCH_GO_ROOT: goRoot },
        encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
      });
      const recorded = readFileSync(calls, 'utf8');
      expect(recorded).toMatch(/apt-get .*install .*sysctl-bench-absent-package/);
      expect(recorded).toContain(`install-go ${goRoot}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
