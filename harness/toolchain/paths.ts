import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Built binaries, build trees and logs live here and survive between runs (override: SYSCTL_BENCH_CACHE). */
export function cacheDir(...parts: string[]): string {
  const root = process.env.SYSCTL_BENCH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sysctl-bench');
  return join(root, ...parts);
}

/**
 * The repository root, so that build inputs under images/ are found whatever the working directory.
 * The CLI runs the compiled copy (dist/harness/toolchain/paths.js), one folder deeper than the source.
 */
export const repoRoot = fileURLToPath(new URL(import.meta.url.includes('/dist/harness/') ? '../../../' : '../../', import.meta.url));

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}
