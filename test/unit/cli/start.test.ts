import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(REPO, 'bin/sysctl-bench');
const work = mkdtempSync(join(tmpdir(), 'sysctl-bench-cli-'));

// Records every module URL the process loads, through Node's module hooks, into a file.
const tracer = join(work, 'trace.mjs');
writeFileSync(tracer, `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({ load(url, context, next) { appendFileSync(process.env.TRACE_FILE, url + '\\n'); return next(url, context); } });
`);

function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawnSync(CLI, args, { encoding: 'utf8', input: '', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('bin/sysctl-bench starts as compiled JavaScript', { timeout: 120_000 }, () => {
  it('runs dist/harness/cli.js, and validate loads neither the Kubernetes client nor testcontainers', () => {
    const pod = join(work, 'pod.yaml');
    writeFileSync(pod, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n');
    const trace = join(work, 'validate.trace');
    writeFileSync(trace, '');
    const { code } = cli(['validate', pod], { NODE_OPTIONS: `--import ${tracer}`, TRACE_FILE: trace });
    expect(code).toBe(0);
    const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    expect(loaded.some((url) => url.endsWith('/dist/harness/cli.js'))).toBe(true);
    expect(loaded.filter((url) => url.endsWith('.ts'))).toEqual([]);
    expect(loaded.filter((url) => /node_modules\/(@kubernetes\/client-node|testcontainers|listr2|execa|tsx)\//.test(url))).toEqual([]);
  });

  it('prints its version and git commit', () => {
    const { code, stdout } = cli(['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sysctl-bench \d+\.\d+\.\d+/);
  });
});

describe('exit codes', { timeout: 120_000 }, () => {
  it.each([
    [['run', 'scenarios/default.yaml', '--scale', '7'], /--scale/],
    [['no-such-command'], /unknown command/],
    [['report', '--bogus', 'x'], /unknown option/],
    [['report', join(work, 'not-a-run')], /no raw results/],
    [['run', join(work, 'missing.yaml')], /missing\.yaml/],
  ])('exits 2 when the input or a flag is wrong: %j', (args, message) => {
    const { code, stderr } = cli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('documents 0, 1, 2 and 3 in --help', () => {
    const { code, stdout } = cli(['--help']);
    expect(code).toBe(0);
    for (const line of [/0\s+every expectation held/, /1\s+an expectation failed/, /2\s+the input or the flags are wrong/, /3\s+the environment could not run it/]) {
      expect(stdout).toMatch(line);
    }
  });
});
