import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readManifestInputs, type ManifestLimits, type ManifestRead } from '../../../harness/manifests/inputs.js';

/** Reads manifest text as if it came on standard input. */
export function readStdinText(text: string | Buffer, limits?: ManifestLimits): Promise<ManifestRead> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  return readManifestInputs(['-'], { ...(limits ? { limits } : {}), stdin: async function* stdin() { yield bytes; } });
}

export const pod = (name: string, sysctls: [string, string][] = [['kernel.msgmax', '65536']]): string => [
  'apiVersion: v1',
  'kind: Pod',
  `metadata: {name: ${name}}`,
  'spec:',
  '  securityContext:',
  '    sysctls:',
  ...sysctls.map(([sysctl, value]) => `    - {name: ${sysctl}, value: "${value}"}`),
  '  containers: []',
  '',
].join('\n');

/** A YAML alias bomb: ten levels of ten aliases each (10^10 nodes if expanded). */
export function aliasBomb(prefix: string): string {
  const lines = [prefix, 'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

/** The CLI, as a user runs it; stdin given, nothing else inherited. */
export function cli(args: string[], stdin = ''): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bin/sysctl-bench', args, { encoding: 'utf8', input: stdin, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const started = new Set<ChildProcess>();

/** The CLI started in the background, for tests that signal it; killStrays() ends what is left. */
export function cliProcess(args: string[]): ChildProcess {
  const child = spawn('bin/sysctl-bench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  child.on('exit', () => started.delete(child));
  return child;
}

/** Kills every background CLI still running (a test that timed out leaves its child behind). */
export function killStrays(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
