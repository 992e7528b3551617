import { describe, expect, it } from 'vitest';
import { repoPath } from '../../harness/toolchain/paths.js';
import { run } from '../../harness/toolchain/exec.js';

// The Go programs sysctl-bench builds into images carry their own unit tests; run them here so
// that `npm test` (and CI) covers them too.
describe('Go programs', () => {
  for (const program of ['loadgen', 'net-server']) {
    it(`${program}: go vet and go test pass`, async () => {
      const dir = repoPath('images', program);
      const vet = await run('go', ['vet', './...'], { cwd: dir, allowFailure: true, env: { CGO_ENABLED: '0' } });
      expect(vet.exitCode, vet.stderr).toBe(0);
      const test = await run('go', ['test', '-count=1', './...'], { cwd: dir, allowFailure: true, env: { CGO_ENABLED: '0' } });
      expect(test.exitCode, test.stdout + test.stderr).toBe(0);
    });
  }
});
