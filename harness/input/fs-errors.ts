import { UserError } from '../errors.js';

/**
 * File-system errors in words a person can act on. Every path the user gives (a manifest, a
 * scenario, --out, --kind-config, a run folder) fails through here, so that an errno never reaches
 * the terminal raw and never as a stack trace.
 */
export interface FsProblem {
  readonly message: string;
  readonly fix: string;
}

export function errnoOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** True for the errors the file system gives for a path (as opposed to a bug of ours). */
export function isFsError(error: unknown): boolean {
  const code = errnoOf(error);
  return code !== undefined && /^E[A-Z0-9]+$/.test(code);
}

export function describeFsError(error: unknown, action: 'read' | 'write' | 'create' = 'read'): FsProblem {
  const code = errnoOf(error);
  switch (code) {
    case 'ENOENT': return { message: 'no such file or folder', fix: 'check the path' };
    case 'EACCES':
    case 'EPERM': return { message: 'permission denied', fix: action === 'read' ? 'make it readable (chmod), or run as a user who can read it' : 'choose a folder you can write to' };
    case 'ELOOP': return { message: 'a loop of symbolic links', fix: 'fix or remove the symbolic link' };
    case 'ENOTDIR': return { message: 'a part of the path is a file, not a folder', fix: 'check the path: a folder in it is a file' };
    case 'EISDIR': return { message: 'is a folder, not a file', fix: action === 'read' ? 'name a file, or the folder alone to read all of it' : 'remove the folder or choose another path' };
    case 'EEXIST': return { message: 'already exists and is not a folder', fix: 'remove it or choose another path' };
    case 'ENAMETOOLONG': return { message: 'the path is too long', fix: 'use a shorter path' };
    case 'EROFS': return { message: 'read-only file system', fix: 'choose a folder on a writable disk' };
    case 'ENOSPC': return { message: 'no space left on the device', fix: 'free space or choose another disk' };
    case 'EDQUOT': return { message: 'disk quota exceeded', fix: 'free space or choose another disk' };
    case 'EMFILE':
    case 'ENFILE': return { message: 'too many open files', fix: 'raise the open-file limit (ulimit -n) or close other programs' };
    case 'EIO': return { message: 'input/output error from the device', fix: 'check the disk' };
    case 'ENXIO':
    case 'ENODEV': return { message: 'no device behind this path', fix: 'name a regular file' };
    default: return {
      message: code ?? (error instanceof Error ? error.message : String(error)),
      fix: 'check the path',
    };
  }
}

/** A UserError for a path that could not be read or written. */
export function fsUserError(error: unknown, path: string, what: string, action: 'read' | 'write' | 'create' = 'read'): UserError {
  const problem = describeFsError(error, action);
  const verb = action === 'read' ? 'cannot read' : action === 'write' ? 'cannot write' : 'cannot create';
  return new UserError(`${verb} ${what}: ${problem.message}`, { where: path, fix: problem.fix, cause: error });
}
