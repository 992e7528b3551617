import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A short, stable hash of build inputs: pinned versions, and the bytes of every file in the given folders. */
export function fingerprint(parts: readonly string[], inputDirs: readonly string[] = []): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part}\0`);
  for (const dir of inputDirs) {
    for (const file of listFiles(dir)) {
      hash.update(`${relative(dir, file)}\0`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}
