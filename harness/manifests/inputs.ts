import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestProblem } from './read-workloads.js';

export interface ManifestInput {
  /** The path as the user gave it (or "<stdin>"), so that messages point where they looked. */
  readonly file: string;
  readonly text: string;
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Reads the manifests named on the command line: files, folders (recursively, YAML and JSON
 * files in name order) and `-` for standard input. Unreadable paths become problems, not throws,
 * so that one bad path does not hide the verdicts on the others.
 */
export async function collectManifestInputs(
  paths: readonly string[],
  readStdin: () => Promise<string>,
): Promise<{ inputs: ManifestInput[]; problems: ManifestProblem[] }> {
  const inputs: ManifestInput[] = [];
  const problems: ManifestProblem[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ file: '<stdin>', text: await readStdin() });
      continue;
    }
    try {
      const info = await stat(path);
      const files = info.isDirectory() ? await manifestFilesUnder(path) : [path];
      if (info.isDirectory() && files.length === 0) {
        problems.push({ source: path, message: 'folder holds no .yaml, .yml or .json files', fix: 'point at the folder with the manifests' });
      }
      for (const file of files) inputs.push({ file, text: await readFile(file, 'utf8') });
    } catch (error) {
      problems.push({ source: path, message: `cannot read: ${describeFsError(error)}`, fix: 'check the path' });
    }
  }
  return { inputs, problems };
}

async function manifestFilesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await manifestFilesUnder(full)));
    else if (MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) files.push(full);
  }
  return files;
}

export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function describeFsError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = String((error as { code: unknown }).code);
    if (code === 'ENOENT') return 'no such file or directory';
    if (code === 'EACCES') return 'permission denied';
    return code;
  }
  return error instanceof Error ? error.message : String(error);
}
