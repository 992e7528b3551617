import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.js';
import { cacheDir } from './paths.js';

/**
 * Where sysctl-bench puts the programs it builds; versioned names so that a pin change never
 * reuses a stale binary. The folder is made here: every caller writes into it next (a fresh
 * cache has none, and `install` into a missing folder fails).
 */
export function cachedBinary(name: string, version: string): string {
  mkdirSync(cacheDir('bin'), { recursive: true });
  return cacheDir('bin', `${name}-${version}`);
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * `go install module@version` into a private GOBIN, then renamed to carry its version.
 * GOFLAGS=-mod=mod and GOPROXY pinned to one URL: the build reaches only the module proxy, never a VCS host.
 */
export async function goInstall(module: string, version: string, binaryName: string, logFile: string): Promise<string> {
  const gobin = cacheDir('gobin', `${binaryName}-${version}`);
  mkdirSync(gobin, { recursive: true });
  await run('go', ['install', `${module}@${version}`], {
    env: { GOBIN: gobin, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false -trimpath', GOPROXY: goProxy() },
    logFile,
    timeoutMs: 30 * 60_000,
  });
  const target = cachedBinary(binaryName, version);
  await run('install', ['-m', '0755', join(gobin, binaryName), target]);
  return target;
}

/** The single proxy URL the Go builds use; GOPROXY from the environment wins when it names exactly one. */
export function goProxy(): string {
  const configured = process.env.GOPROXY?.split(/[,|]/)[0];
  return configured && configured !== 'direct' && configured !== 'off' ? configured : 'https://proxy.golang.org';
}
