import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { describeFsError, errnoOf, fsUserError } from './fs-errors.js';

/**
 * Output folders and files. Node's recursive mkdir spins forever on a path the kernel refuses
 * with ENOENT although the parent exists (`--out /proc/x`), so folders are made one level at a
 * time. Files are created anew and renamed into place: a symbolic link planted where a report goes
 * is replaced, never followed out of the output folder.
 */

/** Makes `path` and its missing parents; returns the absolute path. `flag` names the option in messages (--out). */
export async function ensureOutputDir(path: string, flag: string): Promise<string> {
  const absolute = resolve(path);
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      const info = await stat(current);
      if (!info.isDirectory()) {
        throw new UserError(`${flag} ${path}: ${current === absolute ? 'it' : current} is a file, not a folder`, {
          where: current,
          fix: `give ${flag} a folder path, or move the file away`,
        });
      }
      break;
    } catch (error) {
      if (error instanceof UserError) throw error;
      // ENOTDIR: a file stands somewhere above; walking up finds it and names it.
      if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') throw outputError(error, current, flag, 'read');
      const parent = dirname(current);
      if (parent === current) throw outputError(error, current, flag, 'create');
      missing.unshift(current);
      current = parent;
    }
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'EEXIST' && (await stat(folder).catch(() => undefined))?.isDirectory()) continue;
      if (code === 'ENOENT') {
        // The parent exists (checked above): this file system takes no new folders (/proc, /sys).
        throw new UserError(`${flag} ${path}: cannot create folder ${folder}: the file system at ${dirname(folder)} does not allow new folders`, {
          where: folder,
          fix: `give ${flag} a folder on a writable disk, e.g. ./reports`,
        });
      }
      throw outputError(error, folder, flag, 'create');
    }
  }
  return absolute;
}

function outputError(error: unknown, path: string, flag: string, action: 'read' | 'write' | 'create'): UserError {
  const problem = describeFsError(error, action);
  return new UserError(`${flag}: cannot ${action === 'read' ? 'reach' : action} ${path}: ${problem.message}`, { where: path, fix: problem.fix, cause: error });
}

/**
 * Writes `name` inside `folder`: a new file beside it (O_EXCL, which refuses to open through a
 * symbolic link), renamed over the name, so that whatever was there, a link included, is
 * replaced and nothing outside the folder is touched. Returns the path written.
 */
export async function writeOutputFile(folder: string, name: string, content: string | Uint8Array): Promise<string> {
  if (name.includes('/') || name === '.' || name === '..') throw new Error(`output file name ${JSON.stringify(name)} must be a plain name`);
  const target = join(folder, name);
  const temporary = join(folder, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    if (errnoOf(error) === 'EISDIR' || errnoOf(error) === 'ENOTEMPTY' || errnoOf(error) === 'EEXIST') {
      throw new UserError(`cannot write ${name}: a folder is in its place`, { where: target, fix: 'remove the folder or write the reports elsewhere (--out)', cause: error });
    }
    throw fsUserError(error, target, name, 'write');
  }
  return target;
}
