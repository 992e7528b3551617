import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './toolchain/paths.js';

export interface BuildInfo {
  /** package.json's version. */
  version: string;
  /** The git commit of the checkout, when it is one; `dirty` when harness/ has uncommitted changes. */
  commit?: string;
  dirty?: boolean;
}

let cached: BuildInfo | undefined;

/**
 * Which sysctl-bench produced a result: recorded in the environment of every run so that a number
 * can be traced to the code that measured it. git is asked only here (not at every start).
 */
export function buildInfo(): BuildInfo {
  if (cached) return cached;
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  cached = { version };
  try {
    const git = (args: string[]) => execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    cached.commit = git(['rev-parse', 'HEAD']);
    cached.dirty = git(['status', '--porcelain', '--', 'harness']) !== '';
  } catch {
    // Not a git checkout (an npm tarball, a copied folder): the version alone says what it is.
  }
  return cached;
}

export function formatBuildInfo(info: BuildInfo): string {
  return `${info.version}${info.commit ? ` (${info.commit.slice(0, 12)}${info.dirty ? ', modified' : ''})` : ''}`;
}
