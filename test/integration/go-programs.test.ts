import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../harness/toolchain/paths.js';
import { run } from '../../harness/toolchain/exec.js';

// The Go programs sysctl-bench builds into images carry their own unit tests; run them here so
// that `npm test` (and CI) covers them too.
describe('Go programs', () => {
  for (const program of ['loadgen', 'net-server', 'gateway']) {
    it(`${program}: go vet and go test pass`, async () => {
      const dir = repoPath('images', program);
      const vet = await run('go', ['vet', './...'], { cwd: dir, allowFailure: true, env: { CGO_ENABLED: '0' } });
      expect(vet.exitCode, vet.stderr).toBe(0);
      const test = await run('go', ['test', '-count=1', './...'], { cwd: dir, allowFailure: true, env: { CGO_ENABLED: '0' } });
      expect(test.exitCode, test.stdout + test.stderr).toBe(0);
    });
  }

  // loadgen is split by concern; an unformatted file is the first sign of a hand-merge gone wrong.
  // Its tests also check testdata/histogram-vectors.json, which harness/load/histogram.ts reads.
  it('loadgen: gofmt leaves every file as it is', async () => {
    // gofmt from the Go toolchain that builds the images, wherever it is installed.
    const goroot = (await run('go', ['env', 'GOROOT'])).stdout.trim();
    const fmt = await run(join(goroot, 'bin', 'gofmt'), ['-l', '.'], { cwd: repoPath('images', 'loadgen'), allowFailure: true });
    expect(fmt.exitCode, fmt.stderr).toBe(0);
    expect(fmt.stdout.trim(), 'files gofmt would change').toBe('');
  });
});
