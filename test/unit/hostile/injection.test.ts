import { lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputFile } from '../../../harness/input/output.js';
import { parseRawResults } from '../../../harness/results/raw-reader.js';
import { checkScenario } from '../../../harness/scenario/load.js';
import { metricInfo } from '../../../harness/stats/direction.js';
import { forTerminal, jsonForTerminal, oneLine, withOneLineStrings } from '../../../harness/text/terminal.js';
import { temporaryDirectories } from '../results/temp-dirs.js';
import { cli } from './helpers.js';

// Class: injection. Nothing from input steers anything: not the kubelet's flags on a node, not
// the terminal, not where files are written, not the lookups keyed by data.

const tempDir = temporaryDirectories('sysctl-bench-injection');

describe('values written to a node', { timeout: 120_000 }, () => {
  it('refuses an illegal-allowlist pattern with a quote and a newline before anything is written', () => {
    const text = [
      'apiVersion: sysctl-bench/v1', 'kind: Scenario', 'metadata: {name: t}', 'spec:',
      '  pools: [{name: p}]',
      '  workloads: [{name: web, kind: Deployment, app: net-server, pool: p, variants: [{name: a}]}]',
      '  procedures:',
      '  - kind: illegal-allowlist',
      '    pool: p',
      '    allowedUnsafeSysctls: ["kernel.*\\" --enforce-node-allocatable=\\"\\n--v=9"]',
      '',
    ].join('\n');
    const result = checkScenario(text, 's.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toContainEqual(expect.objectContaining({
        where: 's.yaml:10:28', field: 'spec.procedures[0].allowedUnsafeSysctls[0]', message: expect.stringContaining('kubelet\'s grammar'),
      }));
    }
  });
});

describe('text on its way to a terminal', { timeout: 120_000 }, () => {
  const hostile = 'web\u001b]0;owned\u0007\u001b[2J\rfake\u009b31m\u202eevil';

  it('shows escape sequences, carriage returns, C1 controls and bidi overrides instead of obeying them', () => {
    expect(forTerminal(`${hostile}\nnext\tline`)).toBe('web\\x1b]0;owned\\x07\\x1b[2J\\x0dfake\\x9b31m\\u202eevil\nnext\tline');
    expect(oneLine('a\nb')).toBe('a\\x0ab');
    expect(JSON.parse(jsonForTerminal(JSON.stringify({ name: hostile })))).toEqual({ name: hostile });
    expect(jsonForTerminal(JSON.stringify({ name: hostile }))).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  it('keeps a name from starting a line of its own, and copies nothing clean', () => {
    const clean = { workloads: [{ name: 'web', sysctls: [{ name: 'net.core.somaxconn' }] }] };
    expect(withOneLineStrings(clean)).toBe(clean);
    expect(withOneLineStrings({ list: ['ok', 'a\nADMITTED x'] })).toEqual({ list: ['ok', 'a\\x0aADMITTED x'] });
  });

  it('prints a manifest\'s escape sequences visibly in validate\'s output and errors', { timeout: 120_000 }, () => {
    const manifest = `apiVersion: v1\nkind: Pod\nmetadata: {name: "web\\e]0;owned\\a\\rADMITTED"}\nspec:\n  securityContext:\n    sysctls: [{name: "kernel.msgmax", value: "1\\e[2J"}]\n  "\\e[31mbad": 1\n  containers: []\n`;
    const { stdout, stderr } = cli(['validate', '-'], manifest);
    expect(`${stdout}${stderr}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(stderr).toContain('\\x1b[31mbad');
  });
});

describe('files written for reports', { timeout: 120_000 }, () => {
  it('replaces a planted symlink instead of writing through it out of the folder', async () => {
    const dir = await tempDir();
    const outside = join(dir, 'outside.txt');
    await writeFile(outside, 'precious');
    const out = join(dir, 'out');
    await mkdir(out);
    await symlink(outside, join(out, 'index.html'));
    await writeOutputFile(out, 'index.html', '<html>');
    expect(await readFile(outside, 'utf8')).toBe('precious');
    expect((await lstat(join(out, 'index.html'))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toBe('<html>');
    await expect(readlink(join(out, 'index.html'))).rejects.toThrow();
  });
});

describe('lookups keyed by data', { timeout: 120_000 }, () => {
  it('skips raw records whose keys would reach Object.prototype, with a warning', () => {
    const measurement = (metrics: string) => `{"type":"measurement","workload":"w","variant":"v","repetition":0,"warmup":false,"kind":"load","at":"2024-01-01T00:00:00Z","metrics":${metrics},"generator":{"saturated":false}}`;
    const { records, warnings } = parseRawResults([
      measurement('{"__proto__":{"polluted":1}}'),
      measurement('{"constructor":1}'),
      measurement('{"errors":1}'),
    ].join('\n'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('__proto__');
    expect(records).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('describes a metric named constructor as an unknown metric, not Object\'s constructor', () => {
    expect(metricInfo('constructor')).toEqual({ direction: 'neutral', unit: '', label: 'constructor' });
  });

  it('refuses a scenario key named __proto__ instead of losing it', () => {
    const text = 'apiVersion: sysctl-bench/v1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  pools: [{name: p}]\n  workloads: [{name: web, kind: Deployment, app: net-server, pool: p, variants: [{name: a, sysctls: {__proto__: "1"}}]}]\n';
    const result = checkScenario(text, 's.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ message: 'a key named __proto__ is not allowed', where: expect.stringMatching(/^s\.yaml:6:\d+$/) });
  });
});
