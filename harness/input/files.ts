import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open, stat as statPath, type FileHandle } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { fsUserError } from './fs-errors.js';

/**
 * Reading what a user points at, bounded: only regular files unless the user named a pipe
 * themselves, never more than a cap of bytes, and text only when it is valid UTF-8 (a Latin-1
 * byte is refused with its place, as kubectl's YAML reader refuses it, never turned into U+FFFD).
 */

/** How a path came to be read: named on the command line (a pipe is then what the user asked for) or found in a folder. */
export type Origin = 'named' | 'found';

const MiB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

function fileTypeName(stat: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Opens a file to read. A pipe or character device the user named (`<(helm template ...)`,
 * /dev/stdin) is read as `cat` would read it. Anything else is opened non-blocking first, so that a
 * FIFO without a writer cannot hang the open, and only a regular file is kept.
 * Throws UserError naming the path.
 */
export async function openForReading(path: string, what: string, origin: Origin): Promise<FileHandle> {
  if (origin === 'named') {
    // A pipe the user named is opened as cat opens it, once: a probe opened and closed first
    // would end the stream for the writer on the other side.
    let info;
    try {
      info = await statPath(path);
    } catch (error) {
      throw fsUserError(error, path, what);
    }
    if (info.isFIFO() || info.isCharacterDevice()) {
      try {
        return await open(path, 'r');
      } catch (error) {
        throw fsUserError(error, path, what);
      }
    }
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fsUserError(error, path, what);
  }
  let stat;
  try {
    stat = await handle.stat();
  } catch (error) {
    await handle.close();
    throw fsUserError(error, path, what);
  }
  if (stat.isFile()) return handle;
  await handle.close();
  const type = fileTypeName(stat);
  throw new UserError(`${what} is ${type}; only regular files are read${origin === 'found' ? ' from a folder' : ''}`, {
    where: path,
    fix: stat.isDirectory() ? 'name the file inside it' : 'replace it with a regular file',
  });
}

/** The bytes of an open file, in chunks of about `chunkBytes`. */
export async function* chunksOf(handle: FileHandle, chunkBytes = MiB): AsyncGenerator<Buffer> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
    if (bytesRead === 0) return;
    yield bytesRead === chunkBytes ? buffer : buffer.subarray(0, bytesRead);
  }
}

/** Standard input as chunks of bytes. */
export async function* stdinChunks(): AsyncGenerator<Buffer> {
  for await (const chunk of process.stdin) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
}

export interface TextReadOptions {
  /** Words for the file in messages: "the scenario file", "raw results". */
  readonly what: string;
  readonly maxBytes: number;
  /** How to raise the cap (a flag), or why it is fixed. */
  readonly raise: string;
  readonly origin?: Origin;
}

/** A whole small file as text: a regular file (or a pipe the user named), at most maxBytes, valid UTF-8. Throws UserError. */
export async function readTextFile(path: string, options: TextReadOptions): Promise<string> {
  const handle = await openForReading(path, options.what, options.origin ?? 'named');
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of chunksOf(handle, 256 * 1024)) {
        size += chunk.length;
        if (size > options.maxBytes) throw tooLarge(path, options);
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw fsUserError(error, path, options.what);
    }
    return decodeUtf8(Buffer.concat(chunks), path, 0, 0);
  } finally {
    await handle.close();
  }
}

export function tooLarge(path: string, options: { what: string; maxBytes: number; raise: string }): UserError {
  return new UserError(`${options.what} is larger than the ${formatBytes(options.maxBytes)} cap`, { where: path, fix: options.raise });
}

export interface Utf8Problem {
  /** Byte offset of the offending byte (the start of a broken sequence), from the start of the bytes checked. */
  readonly offset: number;
  readonly byte: number;
  /** go-yaml's words for it, which kubectl prints. */
  readonly problem: 'invalid leading UTF-8 octet' | 'invalid trailing UTF-8 octet' | 'incomplete UTF-8 octet sequence';
}

/** The first byte that makes `bytes` invalid UTF-8, or undefined when it is valid. */
export function findInvalidUtf8(bytes: Uint8Array): Utf8Problem | undefined {
  if (isUtf8(bytes)) return undefined;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    let width: number;
    let min: number;
    if (lead >= 0xc2 && lead <= 0xdf) [width, min] = [2, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [width, min] = [3, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [width, min] = [4, 0x10000];
    else return { offset: i, byte: lead, problem: 'invalid leading UTF-8 octet' };
    if (i + width > bytes.length) {
      for (let j = i + 1; j < bytes.length; j++) if ((bytes[j]! & 0xc0) !== 0x80) return { offset: i, byte: lead, problem: 'invalid trailing UTF-8 octet' };
      return { offset: i, byte: lead, problem: 'incomplete UTF-8 octet sequence' };
    }
    let code = lead & (0xff >> (width + 1));
    for (let j = 1; j < width; j++) {
      const next = bytes[i + j]!;
      // Reported at the byte that started the sequence: a Latin-1 letter is the byte to fix.
      if ((next & 0xc0) !== 0x80) return { offset: i, byte: lead, problem: 'invalid trailing UTF-8 octet' };
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return { offset: i, byte: lead, problem: 'invalid leading UTF-8 octet' };
    i += width;
  }
  return undefined;
}

/**
 * Bytes as text, refusing anything but UTF-8. `byteBase` and `lineBase` place the bytes inside a
 * larger file (a chunk of a stream), so that the message points at the byte in the whole file.
 */
export function decodeUtf8(bytes: Buffer, path: string, byteBase: number, lineBase: number): string {
  const bad = findInvalidUtf8(bytes);
  if (!bad) return bytes.toString('utf8');
  throw utf8Error(bytes, bad, path, byteBase, lineBase);
}

export function utf8Error(bytes: Buffer, bad: Utf8Problem, path: string, byteBase: number, lineBase: number): UserError {
  let line = lineBase + 1;
  let lineStart = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < bad.offset; i = bytes.indexOf(0x0a, i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  const column = bad.offset - lineStart + 1;
  const hex = bad.byte.toString(16).toUpperCase().padStart(2, '0');
  const utf16 = byteBase === 0 && bad.offset <= 1 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  const what = bad.problem === 'invalid trailing UTF-8 octet' ? `byte 0x${hex} is not followed by the bytes UTF-8 needs after it` : `byte 0x${hex}`;
  return new UserError(`not UTF-8 (${bad.problem}): ${what}, at byte offset ${byteBase + bad.offset}`, {
    where: `${path}:${line}:${column}`,
    fix: utf16
      ? 'the file is UTF-16; convert it: iconv -f UTF-16 -t UTF-8'
      : 'save the file as UTF-8 (e.g. iconv -f LATIN1 -t UTF-8 FILE); Kubernetes manifests are UTF-8',
  });
}

/** As readTextFile, synchronously, for the callers that load a scenario before anything else runs. */
export function readTextFileSync(path: string, options: TextReadOptions): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fsUserError(error, path, options.what);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      throw new UserError(`${options.what} is ${fileTypeName(info)}; only a regular file is read`, {
        where: path,
        fix: info.isDirectory() ? 'name the file inside it' : 'replace it with a regular file',
      });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(256 * 1024);
      let read: number;
      try {
        read = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        throw fsUserError(error, path, options.what);
      }
      if (read === 0) break;
      size += read;
      if (size > options.maxBytes) throw tooLarge(path, options);
      chunks.push(buffer.subarray(0, read));
    }
    return decodeUtf8(Buffer.concat(chunks), path, 0, 0);
  } finally {
    closeSync(fd);
  }
}
