import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeWithin } from '../../../harness/commands/doctor.js';
import { UserError } from '../../../harness/errors.js';
import { readTextFile } from '../../../harness/input/files.js';
import { ensureOutputDir, writeOutputFile } from '../../../harness/input/output.js';
import { readManifestInputs } from '../../../harness/manifests/inputs.js';
import { loadHistory } from '../../../harness/report/history.js';
import { readRawResults } from '../../../harness/results/raw-reader.js';
import { temporaryDirectories } from '../results/temp-dirs.js';
import { cliProcess, killStrays, pod } from './helpers.js';

// Classes: hangs, and raw errors. Nothing waits on a FIFO it found, on a path the kernel
// refuses, or on a probe that never answers; every file-system error names its path and a fix.

const tempDir = temporaryDirectories('sysctl-bench-hostile');
afterEach(killStrays);

const mkfifo = (path: string): void => {
  execFileSync('mkfifo', [path]);
};

describe('reads that could hang', { timeout: 120_000 }, () => {
  it('skips a FIFO named *.yaml in a folder, naming it, and judges the rest', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), pod('a'));
    mkfifo(join(dir, 'fifo.yaml'));
    const read = await readManifestInputs([dir]);
    expect(read.templates.map((t) => t.name)).toEqual(['a']);
    expect(read.problems).toEqual([expect.objectContaining({ source: join(dir, 'fifo.yaml'), message: expect.stringContaining('named pipe (FIFO)') })]);
  });

  it('refuses a FIFO as raw/results.jsonl instead of waiting for a writer', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'raw'));
    mkfifo(join(dir, 'raw', 'results.jsonl'));
    await expect(readRawResults(dir)).rejects.toThrow(UserError);
    await expect(readRawResults(dir)).rejects.toThrow(/named pipe/);
  });

  it('reads a pipe the user named on the command line, as cat would', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'stream');
    mkfifo(fifo);
    const writer = (async () => writeFile(fifo, pod('piped')))();
    const read = await readManifestInputs([fifo]);
    await writer;
    expect(read.templates.map((t) => t.name)).toEqual(['piped']);
  });

  it('fails at once on an --out the kernel refuses (/proc/x), where recursive mkdir spins', async () => {
    await expect(ensureOutputDir('/proc/sysctl-bench-out', '--out')).rejects.toThrow(/does not allow new folders/);
  });

  it('ends on SIGTERM while waiting for a pipe the user named', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'never-written.yaml');
    mkfifo(fifo);
    const child = cliProcess(['validate', fifo]);
    let poll: NodeJS.Timeout | undefined;
    try {
      // Wait until the CLI is up and blocked opening the pipe: a thread of it waits for a writer.
      const waitingForWriter = (): boolean => {
        try {
          return readdirSync(`/proc/${child.pid}/task`).some((task) => readFileSync(`/proc/${child.pid}/task/${task}/wchan`, 'utf8') === 'wait_for_partner');
        } catch {
          return false;
        }
      };
      await new Promise<void>((resolve) => {
        poll = setInterval(() => {
          if (waitingForWriter()) resolve();
        }, 100);
      });
      const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      child.kill('SIGTERM');
      expect(await ended).toBe('SIGTERM');
    } finally {
      clearInterval(poll);
      // Never leave it behind, whatever happened above.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('gives a doctor probe that never answers a missing row, not a hang', async () => {
    const answer = await probeWithin(() => new Promise(() => undefined), 50);
    expect(answer.timedOut).toBe(true);
    expect(answer.probe).toMatchObject({ state: 'missing', detail: expect.stringContaining('no answer within') });
  });
});

describe('file-system errors a person can act on', { timeout: 120_000 }, () => {
  it('reports a symlink loop inside a folder under its own path and judges the rest', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.yaml'), pod('a'));
    await symlink('loop.yaml', join(dir, 'loop.yaml'));
    const read = await readManifestInputs([dir]);
    expect(read.templates.map((t) => t.name)).toEqual(['a']);
    expect(read.problems).toEqual([{ source: join(dir, 'loop.yaml'), message: 'cannot read the manifest: a loop of symbolic links', fix: 'fix or remove the symbolic link' }]);
  });

  it('reports a folder it cannot list under its own path (a file where the path needs a folder)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), '');
    const read = await readManifestInputs([join(dir, 'file', 'x.yaml')]);
    expect(read.problems).toEqual([expect.objectContaining({ source: join(dir, 'file', 'x.yaml'), message: expect.stringContaining('not a folder') })]);
  });

  it('turns EEXIST, ENOTDIR and EISDIR under --out into UserErrors naming the path', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    await expect(ensureOutputDir(join(dir, 'file'), '--out')).rejects.toThrow(/file, not a folder/);
    await expect(ensureOutputDir(join(dir, 'file', 'sub'), '--out')).rejects.toThrow(new RegExp(`${join(dir, 'file')} is a file`));
    await mkdir(join(dir, 'index.html'));
    await expect(writeOutputFile(dir, 'index.html', 'x')).rejects.toThrow(/a folder is in its place/);
  });

  it('names an unreadable run folder as the user\'s mistake', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'not-a-run'), '');
    await expect(readRawResults(join(dir, 'not-a-run'))).rejects.toThrow(/no raw results/);
  });

  it('refuses a file that is not UTF-8 with the byte, its offset and its line', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'latin1.txt'), Buffer.from('first\ncaf\xe9\n', 'latin1'));
    const error = await readTextFile(join(dir, 'latin1.txt'), { what: 'the file', maxBytes: 1024, raise: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).where).toBe(`${join(dir, 'latin1.txt')}:2:4`);
    expect((error as UserError).message).toContain('byte 0xE9');
    expect((error as UserError).message).toContain('byte offset 9');
  });

  it('skips history results.json files with a numeric startedAt or a null performance entry, with warnings', async () => {
    const dir = await tempDir();
    const results = (runId: string, startedAt: unknown, performance: unknown[]) => JSON.stringify({ schemaVersion: 1, run: { runId, scenario: { name: 's' }, startedAt }, performance });
    for (const [name, text] of [['a', results('a', 1700000000, [])], ['b', results('b', '2024-01-01T00:00:00Z', [null])], ['c', results('c', '2024-01-02T00:00:00Z', [])]] as const) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'results.json'), text);
    }
    const history = await loadHistory(dir);
    expect(history.runs.map((run) => run.run.runId)).toEqual(['c']);
    expect(history.warnings).toHaveLength(2);
  });
});
